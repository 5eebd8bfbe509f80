"""Per-plane affine map ``out[p, s] = x[p, s] * scale[p] + shift[p]``.

Batch norm and group norm both end as one such map per (n, c) plane: normalising with a plane's
statistics and then applying the channel's weight and bias folds into
``scale = invstd * weight[c]`` and ``shift = bias[c] - mean * scale``. scale and shift are float64
and the product is formed in float64, so folding the mean into ``shift`` costs no float32 precision.
"""
import math

import numpy as np
from numba import njit, prange

from ._parallel import launch


@njit(parallel=True, cache=True)
def plane_affine_kernel(x, scale, shift, out):
    """x, out: (P, S) same dtype; scale, shift: (P,) float64.

    ``out[p, s] = x[p, s] * scale[p] + shift[p]``.
    Parallel over planes p; race-free: iteration p writes only ``out[p]``.
    """
    P, S = x.shape
    for p in prange(P):
        a = scale[p]
        b = shift[p]
        for s in range(S):
            out[p, s] = x[p, s] * a + b


def as_planes(x: np.ndarray) -> np.ndarray:
    """Contiguous (N, C, S) view of x (N, C, *spatial): one row of S values per (n, c) plane."""
    # math.prod, not -1: reshape cannot infer a dim of an empty array (N == 0 or C == 0).
    return np.ascontiguousarray(x).reshape(x.shape[0], x.shape[1], math.prod(x.shape[2:]))


def plane_affine(x: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """x (P, S), scale and shift (P,) -> ``x * scale[:, None] + shift[:, None]`` in x's dtype."""
    x = np.ascontiguousarray(x)
    out = np.empty(x.shape, x.dtype)
    scale, shift = (np.ascontiguousarray(a, np.float64) for a in (scale, shift))
    launch(plane_affine_kernel, x, scale, shift, out)
    return out
