"""GELU, ``x * Phi(x)`` with Phi the standard normal CDF, forward and backward, on CUDA: one thread
per element of flat arrays.

CPU sibling: minigrad.kernels.gelu (same functions, signatures and formulas):

    exact ('none'):  gelu(x)  = 0.5 x (1 + erf(x / sqrt(2)))
                     gelu'(x) = Phi(x) + x phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
    tanh:            gelu(x)  = 0.5 x (1 + tanh(u)),  u = sqrt(2 / pi) (x + 0.044715 x^3)
                     gelu'(x) = 0.5 (1 + tanh(u)) + 0.5 x (1 - tanh(u)^2) sqrt(2 / pi) (1 + 3 * 0.044715 x^2)

Each element is computed in float64 and stored in the input's dtype, as on the CPU, so both devices
agree to the last rounding. (A GPU with slow float64 pays some throughput for that; on data-center
GPUs the op stays bound by memory.)

Thread mapping: a grid-stride loop, thread t handles flat indices t, t + T, t + 2T, ... (T threads in
the grid). Race-free: element i is written by its one thread only.
"""
from __future__ import annotations

import math

from ._backend import blocks_for, cuda, THREADS
from ._flat import flat_input
from .array import CudaArray

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_CUBIC = 0.044715


@cuda.jit
def gelu_forward_kernel(x, out, tanh_form):
    """``out[i] = gelu(x[i])``, flat (n,) arrays of one dtype; the exact form, or the tanh form when
    ``tanh_form``."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        v = float(x[i])
        if tanh_form:
            out[i] = 0.5 * v * (1.0 + math.tanh(_SQRT_2_OVER_PI * (v + _CUBIC * v * v * v)))
        else:
            out[i] = 0.5 * v * (1.0 + math.erf(v * _SQRT_HALF))


@cuda.jit
def gelu_backward_kernel(grad_out, x, grad_x, tanh_form):
    """``grad_x[i] = grad_out[i] * gelu'(x[i])``, flat (n,) arrays of one dtype; the derivative of
    the exact or the tanh form (module docstring)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        v = float(x[i])
        if tanh_form:
            t = math.tanh(_SQRT_2_OVER_PI * (v + _CUBIC * v * v * v))
            slope = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3.0 * _CUBIC * v * v)
        else:
            slope = 0.5 * (1.0 + math.erf(v * _SQRT_HALF)) + v * _INV_SQRT_2PI * math.exp(-0.5 * v * v)
        grad_x[i] = grad_out[i] * slope


def gelu_forward(x: CudaArray, approximate: str) -> CudaArray:
    """gelu(x) elementwise; same shape and dtype as x (float32/float64, any shape).

    ``approximate`` is ``'none'`` (exact, erf) or ``'tanh'``; it is not validated here.
    """
    source = flat_input(x)
    out = CudaArray.empty(x.shape, x.dtype)
    if source.size:
        gelu_forward_kernel[blocks_for(source.size), THREADS](source.device_array(), out.reshape(-1).device_array(),
                                                              approximate == "tanh")
    return out


def gelu_backward(grad_out: CudaArray, x: CudaArray, approximate: str) -> CudaArray:
    """``grad_out * gelu'(x)`` elementwise for the forward input x; x's shape and dtype.

    grad_out has x's shape; ``approximate`` as in ``gelu_forward``.
    """
    source, grad = flat_input(x), flat_input(grad_out, x.dtype)
    grad_x = CudaArray.empty(x.shape, x.dtype)
    if source.size:
        gelu_backward_kernel[blocks_for(source.size), THREADS](grad.device_array(), source.device_array(),
                                                               grad_x.reshape(-1).device_array(), approximate == "tanh")
    return grad_x
