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

The gradient of each row's loss (``grad_ic`` above, the "unit gradient") comes out of the forward's
own pass when asked for (``return_grad=True``): the exps of the log-sum-exp are kept in it and
scaled, so backward is one multiplication by the incoming gradient instead of a second pass with
an exp per element (which cost as much as the forward on a training batch's logits).

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
from .softmax import row_max


@njit(cache=True, nogil=True)
def _row_lse(logits, i, unit_grad, with_grad):
    """``logsumexp(logits[i])`` (max-shifted, float64 sum; -inf for an empty row), as
    ``softmax.logsumexp``, and the sum of exps it shifted by; with ``with_grad`` each
    ``exp(logits[i, c] - max)`` is also stored in ``unit_grad[i, c]`` for the caller to scale."""
    C = logits.shape[1]
    if C == 0:
        return -math.inf, 0.0  # the log of an empty sum
    m = row_max(logits[i])
    total = 0.0
    for c in range(C):
        e = math.exp(logits[i, c] - m)
        total += e
        if with_grad:
            unit_grad[i, c] = e
    return m + math.log(total), total


@njit(cache=True, nogil=True)
def cross_entropy_index_rows(logits, target, weight, weight_sum, ignore_index, smoothing, losses, lse, row_weight,
                             unit_grad, start, stop):
    """Per-row loss (and its gradient) for class-index targets, rows ``start <= i < stop``; serial.

    logits: (M, C); target: (M,) int64; weight: (C,) float64, weight_sum = sum(weight);
    losses: (M,) logits' dtype; lse: (M,) float64 output, ``lse[i] = logsumexp(logits[i])``
    (-inf when C == 0); row_weight: (M,) float64 output, ``w[t]`` (0 for ignored rows), whose sum
    is the 'mean' denominator; unit_grad: (M, C) logits' dtype output, or (0, C) to skip it.
    ``losses[i] = (1 - s) * w[t] * (lse_i - x_it) + s / C * sum_c w[c] * (lse_i - x_ic)`` with
    t = target[i] and s = smoothing (the sum is skipped when s == 0); 0 when t == ignore_index.
    ``unit_grad[i, c] = p_c * Q_i - s / C * w[c] - [c == t] * (1 - s) * w[t]``, p = softmax(x_i),
    ``Q_i = (1 - s) * w[t] + s / C * weight_sum``; 0 for ignored rows.
    Writes only rows ``[start, stop)`` of ``losses``, ``lse``, ``row_weight`` and ``unit_grad``.
    Reference: :func:`minigrad.kernels.reference.cross_entropy.cross_entropy_forward`.
    """
    C = logits.shape[1]
    with_grad = unit_grad.shape[0] > 0
    for i in range(start, stop):
        row = logits[i]
        row_lse, total = _row_lse(logits, i, unit_grad, with_grad)
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
        if with_grad:
            if t == ignore_index:
                unit_grad[i, :] = 0
                continue
            scale = ((1.0 - smoothing) * kept_weight + smoothing / C * weight_sum) / total  # Q_i / sum of exps
            for c in range(C):
                unit_grad[i, c] = unit_grad[i, c] * scale - smoothing / C * weight[c]
            unit_grad[i, t] -= (1.0 - smoothing) * kept_weight


@njit(parallel=True, cache=True)
def cross_entropy_index_kernel(logits, target, weight, weight_sum, ignore_index, smoothing, losses, lse, row_weight,
                               unit_grad):
    """``cross_entropy_index_rows`` over all M rows (same arguments, no range).

    Parallel over rows i; race-free: iteration i runs row i alone, which writes only ``losses[i]``,
    ``lse[i]``, ``row_weight[i]`` and ``unit_grad[i]``.
    """
    for i in prange(logits.shape[0]):
        cross_entropy_index_rows(logits, target, weight, weight_sum, ignore_index, smoothing, losses, lse, row_weight,
                                 unit_grad, i, i + 1)


@njit(cache=True, nogil=True)
def cross_entropy_prob_rows(logits, probs, weight, smoothing, losses, lse, unit_grad, start, stop):
    """Per-row loss (and its gradient) for probability targets, rows ``start <= i < stop``; serial.

    logits, probs: (M, C), same dtype; weight: (C,) float64; losses: (M,) logits' dtype;
    lse: (M,) float64 output (-inf when C == 0); unit_grad: (M, C) logits' dtype output, or (0, C)
    to skip it. ``losses[i] = sum_c q_ic * (lse_i - x_ic)`` with
    ``q_ic = ((1 - s) * probs[i, c] + s / C) * w[c]``, s = smoothing;
    ``unit_grad[i, c] = softmax(x_i)_c * Q_i - q_ic``, ``Q_i = sum_c q_ic``.
    Writes only rows ``[start, stop)`` of ``losses``, ``lse`` and ``unit_grad``.
    """
    C = logits.shape[1]
    with_grad = unit_grad.shape[0] > 0
    for i in range(start, stop):
        row = logits[i]
        row_lse, total = _row_lse(logits, i, unit_grad, with_grad)
        lse[i] = row_lse
        loss = total_q = 0.0
        for c in range(C):
            q = ((1.0 - smoothing) * probs[i, c] + smoothing / C) * weight[c]
            loss += q * (row_lse - row[c])
            total_q += q
        losses[i] = loss
        if with_grad:
            scale = total_q / total
            for c in range(C):
                q = ((1.0 - smoothing) * probs[i, c] + smoothing / C) * weight[c]
                unit_grad[i, c] = unit_grad[i, c] * scale - q


@njit(parallel=True, cache=True)
def cross_entropy_prob_kernel(logits, probs, weight, smoothing, losses, lse, unit_grad):
    """``cross_entropy_prob_rows`` over all M rows (same arguments, no range).

    Parallel over rows i; race-free: iteration i runs row i alone, which writes only ``losses[i]``,
    ``lse[i]`` and ``unit_grad[i]``.
    """
    for i in prange(logits.shape[0]):
        cross_entropy_prob_rows(logits, probs, weight, smoothing, losses, lse, unit_grad, i, i + 1)


def _weights64(weight: np.ndarray | None, num_classes: int) -> np.ndarray:
    """Class weights as a contiguous float64 (C,) array (ones when None)."""
    return np.ones(num_classes) if weight is None else np.ascontiguousarray(weight, np.float64)


def cross_entropy_forward(
    logits: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    ignore_index: int = -100, label_smoothing: float = 0.0, return_grad: bool = False,
) -> tuple:
    """Per-row cross-entropy losses, the 'mean' denominator, and the per-row log-sum-exp.

    logits: (M, C) float32/float64. target: either class indices, int64 (M,) with entries in [0, C)
    or equal to ignore_index, or class probabilities, (M, C) in logits' dtype (then ignore_index is
    unused; PyTorch requires it negative). weight: (C,) or None; label_smoothing in [0, 1].
    Returns ``(losses, denominator, lse)``: losses (M,) in logits' dtype (formulas in the module
    docstring), denominator a 0-d array in logits' dtype (see the reduction contract there), and
    lse (M,) float64; with ``return_grad`` also the unit gradient (M, C) in logits' dtype, the
    gradient of each row's loss wrt its logits, for ``cross_entropy_backward``.
    """
    M, C = logits.shape
    logits = np.ascontiguousarray(logits)
    losses, lse = np.empty(M, logits.dtype), np.empty(M)
    unit_grad = np.empty((M if return_grad else 0, C), logits.dtype)
    weight64 = _weights64(weight, C)
    if target.ndim == 1:
        row_weight = np.empty(M)
        weight_sum = float(weight64.sum()) if weight is not None else float(C)
        run_range(cross_entropy_index_rows, cross_entropy_index_kernel, M, logits.size, logits,
                  np.ascontiguousarray(target, np.int64), weight64, weight_sum, int(ignore_index),
                  float(label_smoothing), losses, lse, row_weight, unit_grad)
        denominator = row_weight.sum()
    else:
        run_range(cross_entropy_prob_rows, cross_entropy_prob_kernel, M, logits.size, logits,
                  np.ascontiguousarray(target, logits.dtype), weight64, float(label_smoothing), losses, lse, unit_grad)
        denominator = M if C else 0  # PyTorch: numel / C rows, NaN mean when empty
    results = losses, np.asarray(denominator, logits.dtype), lse
    return (*results, unit_grad) if return_grad else results


def cross_entropy_backward(
    grad_losses: np.ndarray | float, logits: np.ndarray, lse: np.ndarray, target: np.ndarray,
    weight: np.ndarray | None = None, ignore_index: int = -100, label_smoothing: float = 0.0,
    unit_grad: np.ndarray | None = None,
) -> np.ndarray:
    """Gradient wrt logits (M, C) of the per-row losses of ``cross_entropy_forward``.

    grad_losses: (M,) gradient of each row's loss, or a scalar broadcast to every row ('sum': g,
    'mean': g / denominator); lse: the forward's third result; the other arguments as given to the
    forward. ``grad[i, c] = grad_losses[i] * (softmax(logits[i])_c * Q_i - q_ic)`` (module
    docstring); same shape and dtype as logits. ``unit_grad``: the forward's unit gradient, if it
    returned one; else it is computed again (one more pass with an exp per element). Ignored rows
    get exactly 0, whatever their incoming gradient (as in PyTorch).
    """
    if unit_grad is None:
        unit_grad = cross_entropy_forward(logits, target, weight, ignore_index, label_smoothing, return_grad=True)[3]
    grad_rows = np.asarray(grad_losses, unit_grad.dtype)
    grad = unit_grad * (grad_rows if grad_rows.ndim == 0 else grad_rows[:, None])
    if target.ndim == 1 and not np.isfinite(grad_rows).all():  # 0 * inf or 0 * nan must stay 0
        grad[target == ignore_index] = 0
    return grad
