"""The error function and its complement, elementwise: numpy has no ``erf``, so this is an njit
loop over ``math.erf`` / ``math.erfc``:

    erf(x)  = 2 / sqrt(pi) * integral_0^x exp(-t^2) dt
    erfc(x) = 1 - erf(x), computed directly (no cancellation for large x)

Any shape and strides; float32 and float64 (float16 callers widen to float32 first); the result
has x's shape and dtype. Serial, one libm call per element: erf is no training hot path, so it
skips the range/prange pair of ``_parallel.py``.

Reference: :mod:`minigrad.kernels.reference.erf`.
"""
import math

import numpy as np
from numba import njit


@njit(cache=True)
def erf_kernel(x, out, complement):
    """out[i] = erfc(x[i]) if ``complement`` else erf(x[i]); flat x, out of shape (n,), same dtype."""
    for i in range(x.shape[0]):
        out[i] = math.erfc(x[i]) if complement else math.erf(x[i])


def _apply(x: np.ndarray, complement: bool) -> np.ndarray:
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    erf_kernel(flat, out, complement)
    return out.reshape(x.shape)


def erf(x: np.ndarray) -> np.ndarray:
    return _apply(x, False)


def erfc(x: np.ndarray) -> np.ndarray:
    return _apply(x, True)
