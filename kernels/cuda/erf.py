"""The error function and its complement, elementwise, on CUDA: one thread per element.

CPU sibling: minigrad.kernels.erf (same functions and signatures):

    erf(x)  = 2 / sqrt(pi) * integral_0^x exp(-t^2) dt
    erfc(x) = 1 - erf(x), computed directly (no cancellation for large x)

Any shape and strides (a non-contiguous input is copied flat first); float32 and float64; the
result has x's shape and dtype. ``math.erf`` / ``math.erfc`` on the device are CUDA's libdevice
functions (erff/erf by dtype).

Thread mapping: a grid-stride loop, thread t handles flat indices t, t + T, t + 2T, ... (T threads in
the grid). Race-free: element i is written by its one thread only.
"""
from __future__ import annotations

import math

from ._backend import blocks_for, cuda, THREADS
from ._flat import flat_input
from .array import CudaArray


@cuda.jit
def erf_kernel(x, out, complement):
    """``out[i] = erfc(x[i]) if complement else erf(x[i])``; flat (n,) arrays of one dtype."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = math.erfc(x[i]) if complement else math.erf(x[i])


def _apply(x: CudaArray, complement: bool) -> CudaArray:
    source = flat_input(x)
    out = CudaArray.empty(x.shape, x.dtype)
    if source.size:
        erf_kernel[blocks_for(source.size), THREADS](source.device_array(), out.reshape(-1).device_array(), complement)
    return out


def erf(x: CudaArray) -> CudaArray:
    return _apply(x, False)


def erfc(x: CudaArray) -> CudaArray:
    return _apply(x, True)
