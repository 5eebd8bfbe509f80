"""Sums of contiguous rows, and their adjoint: the fill of each row with one value.

x is viewed as R contiguous rows of S values; ``divisor`` is 1 for a sum and S for a mean:

    forward:   out[r]       = sum_s x[r, s] / divisor
    backward:  grad_x[r, s] = grad_out[r] / divisor

Global average pooling (AdaptiveAvgPool2d(1)) is the mean of every (n, c) plane, rows of H * W;
``sum`` / ``mean`` over an array's trailing dims are the same rows. Each row is summed in float64
by one thread in one fixed order, so float32 inputs lose no precision and results do not depend on
the thread count; over short rows (a 14 x 14 plane) this runs several times faster than numpy's
pairwise reduction, whose per-row call overhead dominates there. Both passes are memory-bound, so
the rows run in parallel only above ``_parallel.SERIAL_ELEMENTWISE_LIMIT`` elements.

Reference: :mod:`minigrad.kernels.reference.row_sum`.
"""
import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range


# 'reassoc' lets LLVM vectorize the float64 row sum (split it into SIMD lanes); each row is still
# summed by one thread in one fixed order, so results do not depend on the thread count.
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def row_sum_rows(x, out, divisor, start, stop):
    """``out[r] = sum_s x[r, s] / divisor`` for rows ``start <= r < stop``; serial.

    x: (R, S) C-contiguous; out: (R,) x's dtype; divisor: float. Sums in float64. Writes only
    ``out[start:stop]``. Reference: ``x.sum(axis=1, dtype=np.float64) / divisor``.
    """
    S = x.shape[1]
    for r in range(start, stop):
        total = 0.0
        for s in range(S):
            total += x[r, s]
        out[r] = total / divisor


@njit(parallel=True, cache=True)
def row_sum_kernel(x, out, divisor):
    """``row_sum_rows`` over all R rows. Parallel over rows r; race-free: iteration r writes only
    ``out[r]``."""
    for r in prange(x.shape[0]):
        row_sum_rows(x, out, divisor, r, r + 1)


@njit(cache=True, nogil=True)
def row_fill_rows(values, out, divisor, start, stop):
    """``out[r, s] = values[r] / divisor`` for rows ``start <= r < stop``; serial.

    values: (R,); out: (R, S) C-contiguous, values' dtype. Writes only ``out[start:stop]``.
    Reference: ``np.broadcast_to(values[:, None] / divisor, (R, S))``.
    """
    S = out.shape[1]
    for r in range(start, stop):
        value = values[r] / divisor
        for s in range(S):
            out[r, s] = value


@njit(parallel=True, cache=True)
def row_fill_kernel(values, out, divisor):
    """``row_fill_rows`` over all R rows. Parallel over rows r; race-free: iteration r writes only
    ``out[r]``."""
    for r in prange(out.shape[0]):
        row_fill_rows(values, out, divisor, r, r + 1)


def row_sums(x: np.ndarray, divisor: float = 1.0) -> np.ndarray:
    """x (R, S) float32/float64 -> (R,) ``x.sum(axis=1) / divisor`` in x's dtype, summed in float64."""
    x = np.ascontiguousarray(x)
    out = np.empty(x.shape[0], x.dtype)
    run_range(row_sum_rows, row_sum_kernel, x.shape[0], x.size, x, out, float(divisor),
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return out


def row_fill(values: np.ndarray, shape: tuple, divisor: float = 1.0) -> np.ndarray:
    """The adjoint of ``row_sums``: an array of ``shape`` (R rows, leading, then the rows' S values:
    any shape of R * S elements whose rows are contiguous) with row r filled with
    ``values[r] / divisor``; values: R values (any shape), the result in their dtype."""
    values = np.ascontiguousarray(values).reshape(-1)
    out = np.empty(shape, values.dtype)
    rows = out.reshape(values.size, out.size // values.size if values.size else 0)
    run_range(row_fill_rows, row_fill_kernel, rows.shape[0], rows.size, values, rows, float(divisor),
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return out
