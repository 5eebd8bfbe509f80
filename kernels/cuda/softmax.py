"""Softmax and log-softmax along one axis on the GPU, forward and backward.

CPU sibling: minigrad.kernels.softmax (same functions, arguments and results; formulas there).

The array is viewed as (outer, n, inner) around the softmax axis; row r = o * inner + k is the n
values at flat indices ``(o * n + j) * inner + k``, j < n (a 0-d array is one row of length 1).
Every row goes through its log-sum-exp, max-shifted with a float64 sum (``row_logsumexp``; its
sum is at least exp(0) = 1, so the log never sees 0):

    lse = m + log(sum_j exp(x_j - m)),  m = max_j x_j;   softmax = exp(x - lse),  log_softmax = x - lse
    backward:  softmax dx_j = y_j * (g_j - sum_k g_k y_k);   log_softmax dx_j = g_j - exp(y_j) * sum_k g_k

Thread mapping: one thread per ROW (a grid-stride loop over the outer * inner rows) folds its row
in float64 and then writes the row's n outputs; neighbouring threads take neighbouring k, so for an
inner axis their loads are coalesced. Race-free: a thread writes only its own row; no atomics.
"""
from __future__ import annotations

import math

from ._backend import blocks_for, cuda, THREADS
from ._kernel_args import flat
from .array import CudaArray


@cuda.jit(device=True)
def row_logsumexp(x, start, length, stride):
    """log(sum_j exp(x[start + j * stride])) over ``length`` values, shifted by their max, float64
    sum; -inf for an empty row (the log of an empty sum). Max is NaN-blind: a NaN turns the sum NaN."""
    if length == 0:
        return -math.inf
    m = float(x[start])
    for j in range(1, length):
        m = max(m, float(x[start + j * stride]))
    total = 0.0
    for j in range(length):
        total += math.exp(float(x[start + j * stride]) - m)
    return m + math.log(total)


@cuda.jit
def _softmax_kernel(x, n, inner, rows, log, out):
    """One thread per row: ``out = x - lse`` (log) or ``exp(x - lse)``."""
    for r in range(cuda.grid(1), rows, cuda.gridsize(1)):
        start = (r // inner) * n * inner + r % inner
        lse = row_logsumexp(x, start, n, inner)
        for j in range(n):
            i = start + j * inner
            out[i] = float(x[i]) - lse if log else math.exp(float(x[i]) - lse)


@cuda.jit
def _softmax_backward_kernel(grad_out, out, n, inner, rows, log, grad_x):
    """One thread per row: the row sum (of g, or of g * y) in float64, then the row's gradients."""
    for r in range(cuda.grid(1), rows, cuda.gridsize(1)):
        start = (r // inner) * n * inner + r % inner
        total = 0.0
        for j in range(n):
            i = start + j * inner
            total += float(grad_out[i]) if log else float(grad_out[i]) * float(out[i])
        for j in range(n):
            i = start + j * inner
            if log:
                grad_x[i] = float(grad_out[i]) - math.exp(float(out[i])) * total
            else:
                grad_x[i] = float(out[i]) * (float(grad_out[i]) - total)


def _rows(shape: tuple, dim: int) -> tuple[int, int, int]:
    """(n, inner, rows) of an array of ``shape`` around axis ``dim`` (0-d: one row of one)."""
    shape = shape or (1,)
    dim = dim % len(shape)
    inner = math.prod(shape[dim + 1:])
    return shape[dim], inner, math.prod(shape[:dim]) * inner


def _forward(x: CudaArray, dim: int, log: bool) -> CudaArray:
    out = CudaArray.empty(x.shape, x.dtype)
    if x.size:
        n, inner, rows = _rows(x.shape, dim)
        _softmax_kernel[blocks_for(rows), THREADS](flat(x), n, inner, rows, log, flat(out))
    return out


def _backward(grad_out: CudaArray, out: CudaArray, dim: int, log: bool) -> CudaArray:
    grad_x = CudaArray.empty(out.shape, out.dtype)
    if out.size:
        n, inner, rows = _rows(out.shape, dim)
        _softmax_backward_kernel[blocks_for(rows), THREADS](
            flat(grad_out.astype(out.dtype, copy=False)), flat(out), n, inner, rows, log, flat(grad_x))
    return grad_x


def softmax_forward(x: CudaArray, dim: int) -> CudaArray:
    """softmax(x) along ``dim``, same shape and dtype as x (0-d gives 1, empty gives empty)."""
    return _forward(x, dim, log=False)


def log_softmax_forward(x: CudaArray, dim: int) -> CudaArray:
    """log_softmax(x) along ``dim``, same shape and dtype as x (0-d gives 0)."""
    return _forward(x, dim, log=True)


def softmax_backward(grad_out: CudaArray, out: CudaArray, dim: int) -> CudaArray:
    """Gradient wrt x of ``out = softmax(x, dim)``: ``out * (grad_out - sum(grad_out * out, dim))``."""
    return _backward(grad_out, out, dim, log=False)


def log_softmax_backward(grad_out: CudaArray, out: CudaArray, dim: int) -> CudaArray:
    """Gradient wrt x of ``out = log_softmax(x, dim)``: ``grad_out - exp(out) * sum(grad_out, dim)``."""
    return _backward(grad_out, out, dim, log=True)
