"""The error function and its complement, one element at a time (Python's ``math.erf`` and
``math.erfc``, in float64)::

    erf(x)  = 2 / sqrt(pi) * integral_0^x exp(-t^2) dt
    erfc(x) = 1 - erf(x)          (computed directly: no cancellation for large x)

Fast kernel: :mod:`minigrad.kernels.erf`.
"""
import math

import numpy as np


def erf(x: np.ndarray) -> np.ndarray:
    """erf elementwise, float64, x's shape."""
    return np.array([math.erf(float(v)) for v in np.ravel(x)], np.float64).reshape(np.shape(x))


def erfc(x: np.ndarray) -> np.ndarray:
    """erfc elementwise, float64, x's shape."""
    return np.array([math.erfc(float(v)) for v in np.ravel(x)], np.float64).reshape(np.shape(x))
