"""GELU, ``x * Phi(x)`` with Phi the standard normal CDF, forward and backward, on CUDA: one thread
per element of flat arrays.

CPU sibling: minigrad.kernels.gelu (same functions and signatures); each element runs that module's
per-element functions ``gelu_value`` / ``gelu_slope``, compiled here as device functions:

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

from ..gelu import gelu_slope, gelu_value
from ._backend import blocks_for, cuda, THREADS
from ._flat import flat_input
from .array import CudaArray

_gelu_value = cuda.jit(device=True)(gelu_value)
_gelu_slope = cuda.jit(device=True)(gelu_slope)


@cuda.jit
def gelu_forward_kernel(x, out, tanh_form):
    """``out[i] = gelu(x[i])``, flat (n,) arrays of one dtype; the exact form, or the tanh form when
    ``tanh_form`` (the CPU kernel's per-element ``gelu_value``)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = _gelu_value(float(x[i]), tanh_form)


@cuda.jit
def gelu_backward_kernel(grad_out, x, grad_x, tanh_form):
    """``grad_x[i] = grad_out[i] * gelu'(x[i])``, flat (n,) arrays of one dtype; the derivative of
    the exact or the tanh form (the CPU kernel's per-element ``gelu_slope``)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        grad_x[i] = grad_out[i] * _gelu_slope(float(x[i]), tanh_form)


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
