"""Global average pooling: the mean of every (n, c) plane, and its backward.

x (N, C, H, W) is viewed as P = N * C contiguous rows of S = H * W values:

    forward:   out[p]       = sum_s x[p, s] / S             (AdaptiveAvgPool2d(1), AdaptiveAvgPool1d(1))
    backward:  grad_x[p, s] = grad_out[p] / S

Each row is summed in float64 by one thread in one fixed order, so float32 inputs lose no precision
and results do not depend on the thread count. (The general adaptive-pooling kernel reads window
tables per output; with one window per plane a contiguous row sum is several times faster.) The
rows run in parallel only above ``_parallel.SERIAL_WORK_LIMIT`` elements.
"""
import math

import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range


# 'reassoc' lets LLVM vectorize the float64 row sum (split it into SIMD lanes); each row is still
# summed by one thread in one fixed order, so results do not depend on the thread count.
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def plane_mean_rows(x, out, start, stop):
    """``out[p] = sum_s x[p, s] / S`` for rows ``start <= p < stop``; serial.

    x: (P, S) C-contiguous, S >= 1; out: (P,) x's dtype. Sums in float64. Writes only
    ``out[start:stop]``. Reference: ``x.mean(axis=1, dtype=np.float64)``.
    """
    S = x.shape[1]
    for p in range(start, stop):
        row = x[p]
        total = 0.0
        for s in range(S):
            total += row[s]
        out[p] = total / S


@njit(parallel=True, cache=True)
def plane_mean_kernel(x, out):
    """``plane_mean_rows`` over all P rows. Parallel over rows p; race-free: iteration p writes only
    ``out[p]``."""
    for p in prange(x.shape[0]):
        plane_mean_rows(x, out, p, p + 1)


@njit(cache=True, nogil=True)
def plane_mean_backward_rows(grad_out, grad_x, start, stop):
    """``grad_x[p, s] = grad_out[p] / S`` for rows ``start <= p < stop``; serial.

    grad_out: (P,); grad_x: (P, S) C-contiguous, same dtype. Writes only ``grad_x[start:stop]``.
    Reference: ``np.broadcast_to(grad_out[:, None] / S, (P, S))``.
    """
    S = grad_x.shape[1]
    for p in range(start, stop):
        row = grad_x[p]
        value = grad_out[p] / S
        for s in range(S):
            row[s] = value


@njit(parallel=True, cache=True)
def plane_mean_backward_kernel(grad_out, grad_x):
    """``plane_mean_backward_rows`` over all P rows. Parallel over rows p; race-free: iteration p
    writes only ``grad_x[p]``."""
    for p in prange(grad_x.shape[0]):
        plane_mean_backward_rows(grad_out, grad_x, p, p + 1)


def plane_mean(x: np.ndarray) -> np.ndarray:
    """x (N, C, *spatial), float32/float64, at least one spatial element -> (N, C) plane means, x's
    dtype (formula in the module docstring)."""
    N, C = x.shape[:2]
    rows = np.ascontiguousarray(x).reshape(N * C, math.prod(x.shape[2:]))
    out = np.empty(N * C, x.dtype)
    run_range(plane_mean_rows, plane_mean_kernel, N * C, rows.size, rows, out,
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return out.reshape(N, C)


def plane_mean_backward(grad_out: np.ndarray, input_shape: tuple) -> np.ndarray:
    """Gradient of ``plane_mean``: grad_out (N, C) (any layout) -> grad_x of ``input_shape``
    (N, C, *spatial), every element of plane (n, c) receiving ``grad_out[n, c] / S``."""
    N, C = input_shape[:2]
    grad_x = np.empty(input_shape, grad_out.dtype)
    rows = grad_x.reshape(N * C, math.prod(input_shape[2:]))
    run_range(plane_mean_backward_rows, plane_mean_backward_kernel, N * C, rows.size,
              np.ascontiguousarray(grad_out).reshape(N * C), rows, limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return grad_x
