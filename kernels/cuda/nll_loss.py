"""Negative log-likelihood loss on the GPU over log-probabilities (M, C) with class-index targets.

CPU sibling: minigrad.kernels.nll_loss (same functions, arguments and results; formulas there):
``loss_i = -w[t_i] * log_probs[i, t_i]``, 0 when t_i == ignore_index, and the 'mean' denominator
``sum_i w[t_i]`` over the rows not ignored.

Thread mapping: the row weights and the losses run one thread per ROW (each gathers its target's
weight and log-probability); the gradient runs one thread per OUTPUT element (i, c), which is
``-w[t_i] * g_i`` where c == t_i and 0 elsewhere: a gather, so no zero fill and no scatter.
Grid-stride loops; race-free: every thread writes only its own output; no atomics.
"""
from __future__ import annotations

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from ._kernel_args import flat, float64_vector
from .array import CudaArray


@cuda.jit
def _target_weights_kernel(target, weight, weighted, ignore_index, row_weight):
    """One thread per row i: ``row_weight[i] = weight[target[i]]`` (1 when not ``weighted``), 0 for an
    ignored row."""
    for i in range(cuda.grid(1), target.size, cuda.gridsize(1)):
        t = target[i]
        if t == ignore_index:
            row_weight[i] = 0.0
        else:
            row_weight[i] = weight[t] if weighted else 1.0


@cuda.jit
def _losses_kernel(log_probs, target, row_weight, ignore_index, classes, losses):
    """One thread per row i: ``losses[i] = -row_weight[i] * log_probs[i, t_i]``, exactly 0 when ignored."""
    for i in range(cuda.grid(1), target.size, cuda.gridsize(1)):
        t = target[i]
        losses[i] = 0.0 if t == ignore_index else -row_weight[i] * log_probs[i * classes + t]


@cuda.jit
def _gradient_kernel(grad_rows, target, row_weight, ignore_index, classes, grad):
    """One thread per element (i, c) of grad (M, C): ``-row_weight[i] * grad_rows[i]`` at c == t_i
    of a row not ignored, else 0."""
    for e in range(cuda.grid(1), grad.size, cuda.gridsize(1)):
        i = e // classes
        t = target[i]
        grad[e] = -row_weight[i] * grad_rows[i] if t == e - i * classes and t != ignore_index else 0.0


def per_row(values, rows: int, dtype) -> CudaArray:
    """A per-row gradient given as (rows,), broadcastable (e.g. (1,) or 0-d) or a Python scalar, as
    a (rows,) CudaArray of ``dtype``."""
    if isinstance(values, CudaArray):
        return values.astype(dtype, copy=False).broadcast_to((rows,))
    column = CudaArray.empty((rows,), dtype)
    column.fill(values)
    return column


def target_weights(target: CudaArray, weight: CudaArray | None, ignore_index: int, dtype) -> CudaArray:
    """(M,) weight of each row's target class, ``w[t_i]``, and 0 for ignored rows; ``dtype``.

    target: int64 (M,), every entry in [0, C) or ignore_index; weight: (C,) or None (ones).
    """
    row_weight = CudaArray.empty(target.shape, dtype)
    if target.size:
        # Unweighted, the kernel reads no weight: a one-element placeholder stands in.
        weights = float64_vector(weight, 1 if weight is None else weight.size, 1.0)
        _target_weights_kernel[blocks_for(target.size), THREADS](
            flat(target, np.int64), weights, weight is not None, int(ignore_index), flat(row_weight))
    return row_weight


def nll_loss_forward(
    log_probs: CudaArray, target: CudaArray, weight: CudaArray | None = None, ignore_index: int = -100,
) -> tuple[CudaArray, CudaArray]:
    """``(losses, total_weight)``: losses (M,) in log_probs' dtype, total_weight a 0-d array of that
    dtype, the sum of w[t_i] over the rows not ignored (formed in float64)."""
    M, C = log_probs.shape
    row_weight = target_weights(target, weight, ignore_index, np.float64)
    losses = CudaArray.empty((M,), log_probs.dtype)
    if M:
        _losses_kernel[blocks_for(M), THREADS](flat(log_probs), flat(target, np.int64), row_weight.device_array(),
                                               int(ignore_index), C, losses.device_array())
    return losses, row_weight.sum().astype(log_probs.dtype)


def nll_loss_backward(
    grad_losses, log_probs: CudaArray, target: CudaArray,
    weight: CudaArray | None = None, ignore_index: int = -100,
) -> CudaArray:
    """Gradient wrt log_probs (M, C) of the per-row losses: zeros except
    ``grad[i, t_i] = -grad_losses[i] * w[t_i]`` for rows not ignored; grad_losses (M,), broadcastable
    to it, or a scalar ('sum': g, 'mean': g / total_weight)."""
    M, C = log_probs.shape
    grad = CudaArray.empty((M, C), log_probs.dtype)
    if grad.size:
        row_weight = target_weights(target, weight, ignore_index, log_probs.dtype)
        _gradient_kernel[blocks_for(grad.size), THREADS](
            flat(per_row(grad_losses, M, log_probs.dtype)), flat(target, np.int64), row_weight.device_array(),
            int(ignore_index), C, flat(grad))
    return grad
