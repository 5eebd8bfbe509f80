"""The error function and its complement, elementwise: numpy has no ``erf``, so these are numba
ufuncs over ``math.erf`` / ``math.erfc``:

    erf(x)  = 2 / sqrt(pi) * integral_0^x exp(-t^2) dt
    erfc(x) = 1 - erf(x), computed directly (no cancellation for large x)

Any shape and strides; float32 and float64 (float16 callers widen to float32 first). Serial, one
libm call per element: erf is no training hot path, so it skips the range/prange pair of
``_parallel.py``.
"""
import math

from numba import vectorize

_SIGNATURES = ["float32(float32)", "float64(float64)"]


@vectorize(_SIGNATURES, cache=True)
def erf(x):
    return math.erf(x)


@vectorize(_SIGNATURES, cache=True)
def erfc(x):
    return math.erfc(x)
