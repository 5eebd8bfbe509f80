"""Per-plane affine map ``out[p, s] = x[p, s] * scale[p] + shift[p]``.

Batch norm and group norm both end as one such map per (n, c) plane: normalising with a plane's
statistics and then applying the channel's weight and bias folds into
``scale = invstd * weight[c]`` and ``shift = bias[c] - mean * scale``. scale and shift are float64
and the product is formed in float64, so folding the mean into ``shift`` costs no float32 precision.
One memory-bound pass: the planes run in parallel only above ``_parallel.SERIAL_ELEMENTWISE_LIMIT``
elements.
"""
import math

import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range


@njit(cache=True, nogil=True)
def plane_affine_rows(x, scale, shift, out, start, stop):
    """``out[p, s] = x[p, s] * scale[p] + shift[p]`` for planes ``start <= p < stop``; serial.

    x, out: (P, S) same dtype; scale, shift: (P,) float64. Writes only ``out[start:stop]``.
    Reference: ``x * scale[:, None] + shift[:, None]`` in float64.
    """
    S = x.shape[1]
    for p in range(start, stop):
        a = scale[p]
        b = shift[p]
        for s in range(S):
            out[p, s] = x[p, s] * a + b


@njit(parallel=True, cache=True)
def plane_affine_kernel(x, scale, shift, out):
    """``plane_affine_rows`` over all P planes. Parallel over planes p; race-free: iteration p
    writes only ``out[p]``."""
    for p in prange(x.shape[0]):
        plane_affine_rows(x, scale, shift, out, p, p + 1)


def as_planes(x: np.ndarray) -> np.ndarray:
    """Contiguous (N, C, S) view of x (N, C, *spatial): one row of S values per (n, c) plane."""
    # math.prod, not -1: reshape cannot infer a dim of an empty array (N == 0 or C == 0).
    return np.ascontiguousarray(x).reshape(x.shape[0], x.shape[1], math.prod(x.shape[2:]))


def plane_affine(x: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """x (P, S), scale and shift (P,) -> ``x * scale[:, None] + shift[:, None]`` in x's dtype."""
    x = np.ascontiguousarray(x)
    out = np.empty(x.shape, x.dtype)
    scale, shift = (np.ascontiguousarray(a, np.float64) for a in (scale, shift))
    run_range(plane_affine_rows, plane_affine_kernel, x.shape[0], x.size, x, scale, shift, out,
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return out
