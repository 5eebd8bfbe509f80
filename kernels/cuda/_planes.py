"""What the spatial CUDA kernels share on the host side: the (P, H, W) plane view and the launch.

The pooling, padding and resizing kernels treat every (H, W) plane of an (N, C, H, W) array alike,
so they index ``P = N * C`` planes, and each is launched as a grid-stride loop over its outputs.
"""
from __future__ import annotations

import math

from ._backend import blocks_for, THREADS
from .array import CudaArray


def planes(a: CudaArray):
    """An (..., H, W) CudaArray as a C-contiguous numba device array (P, H, W), P the product of
    the leading dims: a view of ``a``'s buffer when ``a`` is contiguous (so a kernel writing it
    writes ``a``), else of a copy."""
    return a.reshape((math.prod(a.shape[:-2]),) + a.shape[-2:]).device_array()


def launch(kernel, count: int, *args) -> None:
    """``kernel`` as a grid-stride loop over ``count`` items (nothing to do when count is 0)."""
    if count:
        kernel[blocks_for(count), THREADS](*args)
