"""Fused, numerically stable cross-entropy (log-softmax + NLL) on the GPU over logits (M, C).

CPU sibling: minigrad.kernels.cross_entropy (same functions, arguments and results; formulas and
the reduction contract there). Every case is a weighted cross-entropy against a target
distribution q_i, with lse_i = logsumexp(x_i) (max-shifted, float64 sum: ``softmax.row_logsumexp``):

    loss_i = sum_c q_ic * (lse_i - x_ic),   unit_grad_ic = exp(x_ic - lse_i) * Q_i - q_ic,   Q_i = sum_c q_ic

* class indices t_i: ``q_ic = (1 - s) * w[t_i] * [c == t_i] + s / C * w[c]``, q_i = 0 when
  t_i == ignore_index (loss and gradient exactly 0);
* probabilities p_i: ``q_ic = ((1 - s) * p_ic + s / C) * w[c]``.

The two cases differ only in q, a device function the row kernel is specialised with. The 'mean'
denominator is the sum of the rows' target weights (``nll_loss.target_weights``) for class indices,
M for probabilities.

Thread mapping: one thread per ROW i (grid-stride loop) forms lse_i, the loss and, when asked, the
row's C unit-gradient values; the backward scales the unit gradient elementwise (one thread per
element). Race-free: a thread writes only its own row (or element); no atomics.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from ._kernel_args import flat, float64_vector
from .array import CudaArray
from .nll_loss import per_row, target_weights
from .softmax import row_logsumexp


def _class_index_share(target, weight, i, c, classes, smoothing, ignore_index):
    """q_ic of class-index targets."""
    t = target[i]
    if t == ignore_index:
        return 0.0
    share = smoothing / classes * weight[c]
    return share + (1.0 - smoothing) * weight[t] if c == t else share


def _probability_share(target, weight, i, c, classes, smoothing, ignore_index):
    """q_ic of probability targets (ignore_index unused)."""
    return ((1.0 - smoothing) * float(target[i * classes + c]) + smoothing / classes) * weight[c]


@functools.lru_cache(maxsize=None)
def _rows_kernel(class_indices: bool):
    """The row kernel for class-index (True) or probability targets."""
    share = cuda.jit(device=True)(_class_index_share if class_indices else _probability_share)

    @cuda.jit
    def kernel(logits, target, weight, classes, rows, smoothing, ignore_index, with_grad, losses, lse, unit_grad):
        """One thread per row i: lse[i], losses[i] and (``with_grad``) unit_grad[i, :]; a zero q
        adds nothing, so ignored rows are exactly 0 even beside infinite logits."""
        for i in range(cuda.grid(1), rows, cuda.gridsize(1)):
            start = i * classes
            row_lse = row_logsumexp(logits, start, classes, 1)
            lse[i] = row_lse
            loss = 0.0
            total = 0.0
            for c in range(classes):
                q = share(target, weight, i, c, classes, smoothing, ignore_index)
                if q != 0.0:
                    loss += q * (row_lse - float(logits[start + c]))
                    total += q
            losses[i] = loss
            if with_grad:
                for c in range(classes):
                    q = share(target, weight, i, c, classes, smoothing, ignore_index)
                    p_total = math.exp(float(logits[start + c]) - row_lse) * total if total != 0.0 else 0.0
                    unit_grad[start + c] = p_total - q
    return kernel


def cross_entropy_forward(
    logits: CudaArray, target: CudaArray, weight: CudaArray | None = None,
    ignore_index: int = -100, label_smoothing: float = 0.0, return_grad: bool = False,
) -> tuple:
    """``(losses, denominator, lse)`` and, with ``return_grad``, the unit gradient: losses (M,) and
    denominator (0-d) in logits' dtype, lse (M,) float64, unit gradient (M, C) in logits' dtype.
    target: class indices int64 (M,) or probabilities (M, C); weight: (C,) or None."""
    M, C = logits.shape
    class_indices = target.ndim == 1
    losses = CudaArray.empty((M,), logits.dtype)
    lse = CudaArray.empty((M,), np.float64)
    unit_grad = CudaArray.empty((M if return_grad else 0, C), logits.dtype)
    if M:
        target_flat = flat(target, np.int64 if class_indices else logits.dtype)
        _rows_kernel(class_indices)[blocks_for(M), THREADS](
            flat(logits), target_flat, float64_vector(weight, C, 1.0), C, M, float(label_smoothing),
            int(ignore_index), bool(return_grad), losses.device_array(), lse.device_array(), flat(unit_grad))
    if class_indices:
        denominator = target_weights(target, weight, ignore_index, np.float64).sum().astype(logits.dtype)
    else:
        denominator = CudaArray.empty((), logits.dtype)
        denominator.fill(M if C else 0)  # PyTorch: numel / C rows, NaN mean when empty
    results = losses, denominator, lse
    return (*results, unit_grad) if return_grad else results


def cross_entropy_backward(
    grad_losses, logits: CudaArray, lse: CudaArray, target: CudaArray,
    weight: CudaArray | None = None, ignore_index: int = -100, label_smoothing: float = 0.0,
    unit_grad: CudaArray | None = None,
) -> CudaArray:
    """Gradient wrt logits (M, C) of the per-row losses: ``grad_losses[i] * unit_grad[i, c]``;
    grad_losses (M,), broadcastable to it, or a scalar. ``unit_grad``: the forward's, or None
    (computed again). Ignored rows get exactly 0, whatever their incoming gradient."""
    if unit_grad is None:
        unit_grad = cross_entropy_forward(logits, target, weight, ignore_index, label_smoothing, return_grad=True)[3]
    M = logits.shape[0]
    grad = unit_grad * per_row(grad_losses, M, unit_grad.dtype)[:, None]
    if target.ndim == 1:  # 0 * inf or 0 * nan must stay 0
        grad = np.where((target == ignore_index).reshape(M, 1), unit_grad.dtype.type(0), grad)
    return grad
