"""GELU, ``x * Phi(x)`` with Phi the standard normal CDF, forward and backward, elementwise.

numpy has no ``erf``, so the exact form is an njit loop over ``math.erf``. Two forms, as PyTorch:

    exact ('none'):  gelu(x)  = 0.5 x (1 + erf(x / sqrt(2)))
                     gelu'(x) = Phi(x) + x phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
    tanh:            gelu(x)  = 0.5 x (1 + tanh(u)),  u = sqrt(2 / pi) (x + 0.044715 x^3)
                     gelu'(x) = 0.5 (1 + tanh(u)) + 0.5 x (1 - tanh(u)^2) sqrt(2 / pi) (1 + 3 * 0.044715 x^2)

Each element is computed in float64 and stored in the input's dtype. The loops run in parallel over
the elements, serially below ``_parallel.SERIAL_WORK_LIMIT`` of them (a thread launch costs more).

Reference: :mod:`minigrad.kernels.reference.gelu`.
"""
import math

import numpy as np
from numba import njit, prange

from ._parallel import run_range

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_CUBIC = 0.044715


def gelu_value(v, tanh_form):
    """gelu(v) of a float64 ``v``: the exact form, or the tanh approximation when ``tanh_form``.

    Plain Python, compiled twice: inlined into the CPU loops below and, as a device function, into
    the CUDA kernels (kernels/cuda/gelu.py), so both devices run this one arithmetic."""
    if tanh_form:
        return 0.5 * v * (1.0 + math.tanh(_SQRT_2_OVER_PI * (v + _CUBIC * v * v * v)))
    return 0.5 * v * (1.0 + math.erf(v * _SQRT_HALF))


def gelu_slope(v, tanh_form):
    """gelu'(v) of a float64 ``v``, of the exact or the tanh form (compiled twice, as ``gelu_value``)."""
    if tanh_form:
        t = math.tanh(_SQRT_2_OVER_PI * (v + _CUBIC * v * v * v))
        return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3.0 * _CUBIC * v * v)
    return 0.5 * (1.0 + math.erf(v * _SQRT_HALF)) + v * _INV_SQRT_2PI * math.exp(-0.5 * v * v)


_gelu_value = njit(inline="always")(gelu_value)
_gelu_slope = njit(inline="always")(gelu_slope)


@njit(cache=True)
def gelu_forward_range(x, out, tanh_form, start, stop):
    """out[i] = gelu(x[i]) for ``start <= i < stop``, serial; flat x, out of shape (n,) (same
    dtype); the exact form, or the tanh approximation when ``tanh_form``. Writes only
    ``out[start:stop]``."""
    for i in range(start, stop):
        out[i] = _gelu_value(np.float64(x[i]), tanh_form)


@njit(parallel=True, cache=True)
def gelu_forward_kernel(x, out, tanh_form):
    """``gelu_forward_range`` over all n elements. Parallel over i; race-free: iteration i runs
    element i alone, which writes only out[i]."""
    for i in prange(x.shape[0]):
        gelu_forward_range(x, out, tanh_form, i, i + 1)


@njit(cache=True)
def gelu_backward_range(grad_out, x, grad_x, tanh_form, start, stop):
    """grad_x[i] = grad_out[i] * gelu'(x[i]) for ``start <= i < stop``, serial; flat arrays of
    shape (n,) (same dtype); the derivative of the exact form or of the tanh form (module
    docstring). Writes only ``grad_x[start:stop]``."""
    for i in range(start, stop):
        grad_x[i] = grad_out[i] * _gelu_slope(np.float64(x[i]), tanh_form)


@njit(parallel=True, cache=True)
def gelu_backward_kernel(grad_out, x, grad_x, tanh_form):
    """``gelu_backward_range`` over all n elements. Parallel over i; race-free: iteration i runs
    element i alone, which writes only grad_x[i]."""
    for i in prange(x.shape[0]):
        gelu_backward_range(grad_out, x, grad_x, tanh_form, i, i + 1)


def gelu_forward(x: np.ndarray, approximate: str) -> np.ndarray:
    """gelu(x) elementwise; same shape and dtype as x (float32/float64, any shape).

    ``approximate`` is ``'none'`` (exact, erf) or ``'tanh'``; it is not validated here.
    """
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    run_range(gelu_forward_range, gelu_forward_kernel, flat.size, flat.size, flat, out, approximate == "tanh")
    return out.reshape(x.shape)


def gelu_backward(grad_out: np.ndarray, x: np.ndarray, approximate: str) -> np.ndarray:
    """``grad_out * gelu'(x)`` elementwise for the forward input x; x's shape and dtype.

    grad_out has x's shape; ``approximate`` as in ``gelu_forward``.
    """
    flat = np.ascontiguousarray(x).reshape(-1)
    grad_flat = np.ascontiguousarray(grad_out, dtype=x.dtype).reshape(-1)
    grad_x = np.empty_like(flat)
    run_range(gelu_backward_range, gelu_backward_kernel, flat.size, flat.size, grad_flat, flat, grad_x,
             approximate == "tanh")
    return grad_x.reshape(x.shape)
