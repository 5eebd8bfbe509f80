"""Softmax and log-softmax along one axis of an array of any rank, forward and backward.

The array is viewed as (outer, n, inner) around the softmax axis, so every "row" is the n values
``x[o, :, k]``: contiguous when the axis is the last one (inner == 1), strided by ``inner``
otherwise. Rows are independent, so the kernels run in parallel over the outer * inner rows
(serially below ``_parallel.SERIAL_WORK_LIMIT`` elements, where a thread launch costs more).

Numerical stability: every row goes through its log-sum-exp

    lse = m + log(sum_j exp(x_j - m)),   m = max_j x_j

so no exp overflows (logits of 1e4 are fine), and the sum is accumulated in float64 even for
float32 input. Then ``log_softmax = x - lse`` and ``softmax = exp(x - m) / sum_j exp(x_j - m)``
(= exp(x - lse), with one exp per element).

Gradients, with y the forward output and g the incoming gradient of one row:

    softmax:      dx_j = y_j * (g_j - sum_k g_k y_k)
    log_softmax:  dx_j = g_j - exp(y_j) * sum_k g_k

A 0-d array counts as one row of length 1 (PyTorch's rule): softmax gives 1, log_softmax 0.

Reference: :mod:`minigrad.kernels.reference.softmax`.
"""
import math

import numpy as np
from numba import njit, prange

from ._parallel import run_range


@njit(cache=True)
def row_max(row):
    """Largest value of a non-empty 1-D row (NaN-blind: NaN rows turn into NaN downstream)."""
    m = row[0]
    for j in range(1, row.shape[0]):
        m = max(m, row[j])
    return m


@njit(cache=True)
def logsumexp(row):
    """log(sum_j exp(row[j])) of a non-empty 1-D row, shifted by the row max; float64 result.

    The sum of exps is a float64 local, so float32 rows lose no precision in long rows. A row of
    all -inf (or containing +inf) gives NaN, as PyTorch's softmax does.
    """
    m = row_max(row)
    total = 0.0
    for j in range(row.shape[0]):
        total += math.exp(row[j] - m)
    return m + math.log(total)


@njit(cache=True)
def softmax_rows(x, out, log, start, stop):
    """Softmax (log=False) or log-softmax (log=True) of rows ``start <= r < stop`` of x; serial.

    x, out: (outer, n, inner), same dtype, n >= 1. Row r = o * inner + k is ``x[o, :, k]``:
    log-softmax ``out[o, j, k] = x[o, j, k] - logsumexp(row)``; softmax
    ``out[o, j, k] = exp(x[o, j, k] - m) / sum_i exp(x[o, i, k] - m)`` with m the row max (the
    exps are stored in ``out`` on the way, so each costs one ``exp``; the sum is float64).
    Writes only the rows ``out[o, :, k]`` of its range.
    """
    n, inner = x.shape[1], x.shape[2]
    for r in range(start, stop):
        o = r // inner
        k = r - o * inner
        row = x[o, :, k]
        if log:
            lse = logsumexp(row)
            for j in range(n):
                out[o, j, k] = row[j] - lse
        else:
            m = row_max(row)
            total = 0.0
            for j in range(n):
                e = math.exp(row[j] - m)
                out[o, j, k] = e
                total += e
            scale = 1.0 / total
            for j in range(n):
                out[o, j, k] *= scale


@njit(parallel=True, cache=True)
def softmax_rows_kernel(x, out, log):
    """``softmax_rows`` over all outer * inner rows (same arguments, no range).

    Parallel over rows r; race-free: iteration r runs row r = (o, k) alone, which writes only
    ``out[o, :, k]``.
    """
    for r in prange(x.shape[0] * x.shape[2]):
        softmax_rows(x, out, log, r, r + 1)


@njit(cache=True)
def softmax_backward_rows(grad_out, out, grad_x, log, start, stop):
    """Gradient of softmax (log=False) or log-softmax (log=True) for rows ``start <= r < stop``; serial.

    grad_out, out (the forward result), grad_x: (outer, n, inner), same dtype; row r = o * inner + k
    is ``[o, :, k]``. Per row: softmax ``dx_j = y_j * (g_j - sum_k g_k y_k)``; log-softmax
    ``dx_j = g_j - exp(y_j) * sum_k g_k`` (row sums in float64).
    Writes only the rows ``grad_x[o, :, k]`` of its range.
    """
    n, inner = out.shape[1], out.shape[2]
    for r in range(start, stop):
        o = r // inner
        k = r - o * inner
        total = 0.0
        for j in range(n):
            total += grad_out[o, j, k] if log else grad_out[o, j, k] * out[o, j, k]
        for j in range(n):
            if log:
                grad_x[o, j, k] = grad_out[o, j, k] - math.exp(out[o, j, k]) * total
            else:
                grad_x[o, j, k] = out[o, j, k] * (grad_out[o, j, k] - total)


@njit(parallel=True, cache=True)
def softmax_backward_rows_kernel(grad_out, out, grad_x, log):
    """``softmax_backward_rows`` over all outer * inner rows (same arguments, no range).

    Parallel over rows r; race-free: iteration r runs row r = (o, k) alone, which writes only
    ``grad_x[o, :, k]``.
    """
    for r in prange(out.shape[0] * out.shape[2]):
        softmax_backward_rows(grad_out, out, grad_x, log, r, r + 1)


def _rows_view(x: np.ndarray, dim: int) -> np.ndarray:
    """Contiguous (outer, n, inner) view of x around axis ``dim`` (negative allowed; 0-d -> (1, 1, 1))."""
    shape = x.shape if x.ndim else (1,)
    dim = dim % len(shape)
    outer = math.prod(shape[:dim])
    inner = math.prod(shape[dim + 1:])
    return np.ascontiguousarray(x).reshape(outer, shape[dim], inner)


def _forward(x: np.ndarray, dim: int, log: bool) -> np.ndarray:
    rows = _rows_view(x, dim)
    out = np.empty(rows.shape, x.dtype)
    if x.size:
        outer, _, inner = rows.shape
        run_range(softmax_rows, softmax_rows_kernel, outer * inner, x.size, rows, out, log)
    return out.reshape(x.shape)


def _backward(grad_out: np.ndarray, out: np.ndarray, dim: int, log: bool) -> np.ndarray:
    rows = _rows_view(out, dim)
    grad_x = np.empty(rows.shape, out.dtype)
    if out.size:
        grad_rows = _rows_view(grad_out.astype(out.dtype, copy=False), dim)
        outer, _, inner = rows.shape
        run_range(softmax_backward_rows, softmax_backward_rows_kernel, outer * inner, out.size,
                 grad_rows, rows, grad_x, log)
    return grad_x.reshape(out.shape)


def softmax_forward(x: np.ndarray, dim: int) -> np.ndarray:
    """softmax(x) along ``dim``: ``out = exp(x - logsumexp(x, dim))``; same shape and dtype as x.

    x: float32/float64, any rank (0-d gives 1.0), any size (empty gives empty); dim may be
    negative and must be a valid axis (0 or -1 for 0-d).
    """
    return _forward(x, dim, log=False)


def log_softmax_forward(x: np.ndarray, dim: int) -> np.ndarray:
    """log_softmax(x) along ``dim``: ``out = x - logsumexp(x, dim)``; same shape and dtype as x
    (0-d gives 0.0). Same preconditions as ``softmax_forward``."""
    return _forward(x, dim, log=True)


def softmax_backward(grad_out: np.ndarray, out: np.ndarray, dim: int) -> np.ndarray:
    """Gradient wrt x of ``out = softmax(x, dim)``: ``out * (grad_out - sum(grad_out * out, dim))``.

    grad_out and out have the same shape; the result has out's shape and dtype.
    """
    return _backward(grad_out, out, dim, log=False)


def log_softmax_backward(grad_out: np.ndarray, out: np.ndarray, dim: int) -> np.ndarray:
    """Gradient wrt x of ``out = log_softmax(x, dim)``: ``grad_out - exp(out) * sum(grad_out, dim)``.

    grad_out and out have the same shape; the result has out's shape and dtype.
    """
    return _backward(grad_out, out, dim, log=True)
