"""Fused, numerically stable cross-entropy (log-softmax + NLL) over logits (M, C), as PyTorch.

The caller moves the class axis last and flattens (N, C, d1, ...) into M = N * d1 * ... rows.
Each row i has ``lse_i = logsumexp(x_i)`` (max-shifted, float64 sum), so ``-log_softmax =
lse_i - x_ic`` never overflows. Every case is a weighted cross-entropy against a target
distribution q_i over the classes, with s = label_smoothing and w the class weights (ones when None):

    loss_i = sum_c q_ic * (lse_i - x_ic)
    grad_ic = d loss_i / d x_ic = softmax(x_i)_c * Q_i - q_ic,    Q_i = sum_c q_ic

* class-index targets t_i (PyTorch's ``(1 - s) * nll_loss + s / C * smooth_loss``):
  ``q_ic = (1 - s) * w[t_i] * [c == t_i] + s / C * w[c]``, and q_i = 0 for rows with
  t_i == ignore_index (their loss and gradient are exactly 0).
* probability targets p_i (no ignore_index in PyTorch): the target is smoothed first, then weighted:
  ``q_ic = ((1 - s) * p_ic + s / C) * w[c]``.

Reduction contract (``cross_entropy_forward`` returns the denominator with the losses):
'none' -> losses; 'sum' -> losses.sum(); 'mean' -> losses.sum() / denominator, where the
denominator is
* class indices: the sum of w[t_i] over non-ignored rows (PyTorch divides BOTH the NLL part and the
  smoothing part by this same total; it is the row count when weight is None);
* probability targets: M, the number of rows, whatever the weights.
An empty batch (or all rows ignored) gives 0 / 0 = NaN for 'mean', like PyTorch.
``cross_entropy_backward`` takes the gradient of the per-row losses: pass ``g`` for 'sum' and
``g / denominator`` for 'mean' (a scalar is broadcast to every row).

Each kernel is a serial function over a row range (``*_rows``) and a parallel driver over all rows
(``*_kernel``); the entry points run the range function directly below
``_parallel.SERIAL_WORK_LIMIT`` elements, where a thread launch costs more than the rows (a training
batch's (64, 10) logits).

Reference: :mod:`minigrad.kernels.reference.cross_entropy`.
"""
import math

import numpy as np
from numba import njit, prange

from ._parallel import run_range
from .softmax import logsumexp


@njit(cache=True)
def cross_entropy_index_rows(logits, target, weight, ignore_index, smoothing, losses, lse, row_weight, start, stop):
    """Per-row loss for class-index targets, rows ``start <= i < stop``; serial.

    logits: (M, C); target: (M,) int64; weight: (C,) float64; losses: (M,) logits' dtype;
    lse: (M,) float64 output, ``lse[i] = logsumexp(logits[i])`` (-inf when C == 0);
    row_weight: (M,) float64 output, ``w[t]`` (0 for ignored rows), whose sum is the 'mean'
    denominator.
    ``losses[i] = (1 - s) * w[t] * (lse_i - x_it) + s / C * sum_c w[c] * (lse_i - x_ic)`` with
    t = target[i] and s = smoothing (the sum is skipped when s == 0); 0 when t == ignore_index.
    Writes only ``losses``, ``lse`` and ``row_weight`` in ``[start, stop)``.
    """
    C = logits.shape[1]
    for i in range(start, stop):
        row = logits[i]
        row_lse = logsumexp(row) if C else -math.inf  # the log of an empty sum
        lse[i] = row_lse
        t = target[i]
        loss = kept_weight = 0.0
        if t != ignore_index:
            kept_weight = weight[t]
            loss = (1.0 - smoothing) * kept_weight * (row_lse - row[t])
            if smoothing > 0.0:
                smooth = 0.0
                for c in range(C):
                    smooth += weight[c] * (row_lse - row[c])
                loss += smoothing / C * smooth
        losses[i] = loss
        row_weight[i] = kept_weight


@njit(parallel=True, cache=True)
def cross_entropy_index_kernel(logits, target, weight, ignore_index, smoothing, losses, lse, row_weight):
    """``cross_entropy_index_rows`` over all M rows (same arguments, no range).

    Parallel over rows i; race-free: iteration i runs row i alone, which writes only ``losses[i]``,
    ``lse[i]`` and ``row_weight[i]``.
    """
    for i in prange(logits.shape[0]):
        cross_entropy_index_rows(logits, target, weight, ignore_index, smoothing, losses, lse, row_weight, i, i + 1)


@njit(cache=True)
def cross_entropy_index_backward_rows(grad_losses, logits, lse, target, weight, weight_sum, ignore_index,
                                      smoothing, grad_logits, start, stop):
    """Gradient wrt logits of the per-row losses of ``cross_entropy_index_rows``, rows
    ``start <= i < stop``; serial.

    grad_losses: (M,); logits, grad_logits: (M, C); lse: (M,) float64; target: (M,) int64;
    weight: (C,) float64, weight_sum = sum(weight). For a kept row i with t = target[i],
    s = smoothing, p = softmax(logits[i]):
    ``grad[i, c] = g_i * (p_c * Q_i - s / C * w[c] - [c == t] * (1 - s) * w[t])`` with
    ``Q_i = (1 - s) * w[t] + s / C * weight_sum``; ignored rows get 0.
    Writes only ``grad_logits[start:stop]``.
    """
    C = logits.shape[1]
    for i in range(start, stop):
        t = target[i]
        if t == ignore_index:
            grad_logits[i, :] = 0
            continue
        g = grad_losses[i]
        total = (1.0 - smoothing) * weight[t] + smoothing / C * weight_sum
        for c in range(C):
            p = math.exp(logits[i, c] - lse[i])
            grad_logits[i, c] = g * (p * total - smoothing / C * weight[c])
        grad_logits[i, t] -= g * (1.0 - smoothing) * weight[t]


@njit(parallel=True, cache=True)
def cross_entropy_index_backward_kernel(grad_losses, logits, lse, target, weight, weight_sum, ignore_index,
                                        smoothing, grad_logits):
    """``cross_entropy_index_backward_rows`` over all M rows (same arguments, no range).

    Parallel over rows i; race-free: iteration i runs row i alone, which writes only
    ``grad_logits[i]``.
    """
    for i in prange(logits.shape[0]):
        cross_entropy_index_backward_rows(grad_losses, logits, lse, target, weight, weight_sum, ignore_index,
                                          smoothing, grad_logits, i, i + 1)


@njit(cache=True)
def cross_entropy_prob_rows(logits, probs, weight, smoothing, losses, lse, start, stop):
    """Per-row loss for probability targets, rows ``start <= i < stop``; serial.

    logits, probs: (M, C), C >= 1, same dtype; weight: (C,) float64; losses: (M,) logits' dtype;
    lse: (M,) float64 output (-inf when C == 0). ``losses[i] = sum_c q_ic * (lse_i - x_ic)`` with
    ``q_ic = ((1 - s) * probs[i, c] + s / C) * w[c]``, s = smoothing.
    Writes only ``losses[start:stop]`` and ``lse[start:stop]``.
    """
    C = logits.shape[1]
    for i in range(start, stop):
        row_lse = logsumexp(logits[i]) if C else -math.inf  # the log of an empty sum
        lse[i] = row_lse
        loss = 0.0
        for c in range(C):
            q = ((1.0 - smoothing) * probs[i, c] + smoothing / C) * weight[c]
            loss += q * (row_lse - logits[i, c])
        losses[i] = loss


@njit(parallel=True, cache=True)
def cross_entropy_prob_kernel(logits, probs, weight, smoothing, losses, lse):
    """``cross_entropy_prob_rows`` over all M rows (same arguments, no range).

    Parallel over rows i; race-free: iteration i runs row i alone, which writes only ``losses[i]``
    and ``lse[i]``.
    """
    for i in prange(logits.shape[0]):
        cross_entropy_prob_rows(logits, probs, weight, smoothing, losses, lse, i, i + 1)


@njit(cache=True)
def cross_entropy_prob_backward_rows(grad_losses, logits, lse, probs, weight, smoothing, grad_logits, start, stop):
    """Gradient wrt logits of the per-row losses of ``cross_entropy_prob_rows``, rows
    ``start <= i < stop``; serial.

    grad_losses: (M,); logits, probs, grad_logits: (M, C); lse: (M,) float64; weight: (C,) float64.
    ``grad[i, c] = g_i * (softmax(logits[i])_c * Q_i - q_ic)``, ``Q_i = sum_c q_ic``, q as in the
    forward. Writes only ``grad_logits[start:stop]`` (q is staged there before the final value).
    """
    C = logits.shape[1]
    for i in range(start, stop):
        total = 0.0
        for c in range(C):
            q = ((1.0 - smoothing) * probs[i, c] + smoothing / C) * weight[c]
            grad_logits[i, c] = q
            total += q
        g = grad_losses[i]
        for c in range(C):
            p = math.exp(logits[i, c] - lse[i])
            grad_logits[i, c] = g * (p * total - grad_logits[i, c])


@njit(parallel=True, cache=True)
def cross_entropy_prob_backward_kernel(grad_losses, logits, lse, probs, weight, smoothing, grad_logits):
    """``cross_entropy_prob_backward_rows`` over all M rows (same arguments, no range).

    Parallel over rows i; race-free: iteration i runs row i alone, which writes only
    ``grad_logits[i]``.
    """
    for i in prange(logits.shape[0]):
        cross_entropy_prob_backward_rows(grad_losses, logits, lse, probs, weight, smoothing, grad_logits, i, i + 1)


def _weights64(weight: np.ndarray | None, num_classes: int) -> np.ndarray:
    """Class weights as a contiguous float64 (C,) array (ones when None)."""
    return np.ones(num_classes) if weight is None else np.ascontiguousarray(weight, np.float64)


def cross_entropy_forward(
    logits: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    ignore_index: int = -100, label_smoothing: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row cross-entropy losses, the 'mean' denominator, and the per-row log-sum-exp.

    logits: (M, C) float32/float64. target: either class indices, int64 (M,) with entries in [0, C)
    or equal to ignore_index, or class probabilities, (M, C) in logits' dtype (then ignore_index is
    unused; PyTorch requires it negative). weight: (C,) or None; label_smoothing in [0, 1].
    Returns ``(losses, denominator, lse)``: losses (M,) in logits' dtype (formulas in the module
    docstring), denominator a 0-d array in logits' dtype (see the reduction contract there), and
    lse (M,) float64, to be passed to ``cross_entropy_backward``.
    """
    M, C = logits.shape
    logits = np.ascontiguousarray(logits)
    losses, lse = np.empty(M, logits.dtype), np.empty(M)
    weight64 = _weights64(weight, C)
    if target.ndim == 1:
        row_weight = np.empty(M)
        run_range(cross_entropy_index_rows, cross_entropy_index_kernel, M, logits.size, logits,
                  np.ascontiguousarray(target, np.int64), weight64, int(ignore_index), float(label_smoothing),
                  losses, lse, row_weight)
        denominator = row_weight.sum()
    else:
        run_range(cross_entropy_prob_rows, cross_entropy_prob_kernel, M, logits.size, logits,
                  np.ascontiguousarray(target, logits.dtype), weight64, float(label_smoothing), losses, lse)
        denominator = M if C else 0  # PyTorch: numel / C rows, NaN mean when empty
    return losses, np.asarray(denominator, logits.dtype), lse


def cross_entropy_backward(
    grad_losses: np.ndarray | float, logits: np.ndarray, lse: np.ndarray, target: np.ndarray,
    weight: np.ndarray | None = None, ignore_index: int = -100, label_smoothing: float = 0.0,
) -> np.ndarray:
    """Gradient wrt logits (M, C) of the per-row losses of ``cross_entropy_forward``.

    grad_losses: (M,) gradient of each row's loss, or a scalar broadcast to every row ('sum': g,
    'mean': g / denominator); lse: the forward's third result; the other arguments as given to the
    forward. ``grad[i, c] = grad_losses[i] * (softmax(logits[i])_c * Q_i - q_ic)`` (module
    docstring); same shape and dtype as logits.
    """
    M, C = logits.shape
    logits = np.ascontiguousarray(logits)
    grad_logits = np.empty(logits.shape, logits.dtype)  # the kernels write every row
    grad_rows = np.empty(M, logits.dtype)
    grad_rows[...] = grad_losses  # a scalar ('sum', 'mean') or one value per row ('none')
    weight64 = _weights64(weight, C)
    if target.ndim == 1:
        run_range(cross_entropy_index_backward_rows, cross_entropy_index_backward_kernel, M, logits.size,
                 grad_rows, logits, lse, np.ascontiguousarray(target, np.int64), weight64, float(weight64.sum()),
                 int(ignore_index), float(label_smoothing), grad_logits)
    else:
        run_range(cross_entropy_prob_backward_rows, cross_entropy_prob_backward_kernel, M, logits.size,
                 grad_rows, logits, lse, np.ascontiguousarray(target, logits.dtype), weight64,
                 float(label_smoothing), grad_logits)
    return grad_logits
