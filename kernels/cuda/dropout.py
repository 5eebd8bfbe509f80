"""Dropout's scaled keep-mask, drawn on the GPU from the CUDA generator (``generator.py``).

CPU sibling: minigrad.kernels.dropout (same function and signature, same rule; the streams differ:
numpy's generator there, the GPU's xoroshiro128+ states here):

    mask[i] = scale if u_i >= p else 0,   u_i ~ U[0, 1),   scale = 1 / (1 - p)  (0 when p = 1)

so each element is kept with probability 1 - p. u_i is a float32 draw for a float32 mask and a
float64 draw otherwise, as on the CPU; p is compared in the draw's dtype.

Thread mapping: a grid-stride loop, thread t fills flat indices t, t + T, t + 2T, ... (T threads in
the grid), drawing u_i from xoroshiro128+ state t, which it advances. Race-free: each mask element is
written, and each state read and advanced, by one thread only.
"""
from __future__ import annotations

import numpy as np

from ._backend import blocks_for, cuda, random, THREADS
from .array import CudaArray
from .generator import CudaGenerator


@cuda.jit
def dropout_mask_kernel(states, mask, p, scale, zero, draw_float64):
    """``mask[i] = scale if u >= p else zero`` with u the next uniform of state ``cuda.grid(1)``
    (float64 when ``draw_float64``, else float32); mask flat (n,), states at least one per thread."""
    thread = cuda.grid(1)
    for i in range(thread, mask.shape[0], cuda.gridsize(1)):
        if draw_float64:
            u = random.xoroshiro128p_uniform_float64(states, thread)
        else:
            u = random.xoroshiro128p_uniform_float32(states, thread)
        mask[i] = scale if u >= p else zero


def dropout_mask(shape: tuple, p: float, dtype, generator: CudaGenerator) -> CudaArray:
    """The scaled keep-mask of dropout with probability ``p``: an array of ``shape`` and ``dtype``,
    1 / (1 - p) where an element is kept and 0 where it is dropped (module docstring); advances
    ``generator``'s states."""
    dtype = np.dtype(dtype)
    draw_dtype = np.dtype(np.float32 if dtype == np.float32 else np.float64)
    mask = CudaArray.empty(shape, dtype)
    n = mask.size
    if n:
        scale = 1.0 / (1.0 - p) if p < 1 else 0.0
        dropout_mask_kernel[blocks_for(n), THREADS](generator.states(), mask.reshape(-1).device_array(),
                                                    draw_dtype.type(p), dtype.type(scale), dtype.type(0),
                                                    draw_dtype == np.float64)
    return mask
