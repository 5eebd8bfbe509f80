"""2-D max unpooling on the GPU: put each value back at the flat position its max-pooling index names.

CPU sibling: :mod:`minigrad.kernels.max_unpool2d` (same functions, same semantics).

Forward: x, indices (N, C, H, W) -> out (N, C, OH, OW) with ``out[n, c].flat[indices[n, c, h, w]]
= x[n, c, h, w]``, zeros elsewhere; when several inputs of a plane name the same position the
last one (in row-major order) wins, as on the CPU. The indices do not say which inputs can land on
an output position (the pooling geometry is not an argument), so a gather would scan the whole
input plane per output; instead two passes:

1. one thread per input element (p, k): ``cuda.atomic.max(winner[p, indices[p, k]], k)``. This is
   the one atomic: inputs naming the same position collide, and the maximum k is the winner
   whatever order the threads run in, so the result is deterministic;
2. one thread per output element (p, j): ``out[p, j] = x[p, winner[p, j]]`` if some input won
   (``winner >= 0``), else 0. Race-free: each thread writes its own element.

Backward, the adjoint: one thread per input element, ``grad_x[p, k] = grad_out[p, indices[p, k]]``
(a gather; race-free, each thread writes its own element).
"""
from __future__ import annotations

import numpy as np

from ._backend import cuda
from ._planes import launch
from .array import CudaArray


@cuda.jit
def _claim_kernel(indices, winner):
    """indices (P, K) int64, each in [0, OH * OW); winner (P, OH * OW) int64, -1 on entry."""
    P, K = indices.shape
    for i in range(cuda.grid(1), indices.size, cuda.gridsize(1)):
        p, k = i // K, i % K
        cuda.atomic.max(winner, (p, indices[p, k]), k)


@cuda.jit
def _place_kernel(x, winner, out):
    """x (P, K); winner, out (P, OH * OW)."""
    P, J = out.shape
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        p, j = i // J, i % J
        k = winner[p, j]
        out[p, j] = x[p, k] if k >= 0 else 0


@cuda.jit
def _gather_kernel(grad_out, indices, grad_x):
    """grad_out (P, OH * OW); indices, grad_x (P, K)."""
    P, K = grad_x.shape
    for i in range(cuda.grid(1), grad_x.size, cuda.gridsize(1)):
        p, k = i // K, i % K
        grad_x[p, k] = grad_out[p, indices[p, k]]


def _flat_planes(a: CudaArray):
    """(N, C, H, W) -> (N * C, H * W) device array (planes flattened)."""
    N, C, H, W = a.shape
    return a.reshape(N * C, H * W).device_array()


def _check_indices(indices: CudaArray, output_hw: tuple[int, int]) -> None:
    """PyTorch's error for the first index (row-major) outside ``[0, OH * OW)``; found on the device."""
    if indices.size == 0:
        return
    OH, OW = output_hw
    flat = indices.reshape(-1)
    invalid = (flat < 0) | (flat >= OH * OW)
    if invalid.any():
        bad = int(flat[int(invalid.argmax())])
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {OH}x{OW})")


def max_unpool2d_forward(x: CudaArray, indices: CudaArray, output_hw: tuple[int, int]) -> CudaArray:
    """x, indices (N, C, H, W) -> out (N, C, OH, OW), same dtype as x (module docstring). Raises
    RuntimeError with PyTorch's message if an index falls outside ``[0, OH * OW)``."""
    _check_indices(indices, output_hw)
    N, C = x.shape[:2]
    OH, OW = output_hw
    out = CudaArray.empty((N, C, OH, OW), x.dtype)
    winner = CudaArray.empty(out.shape, np.int64)
    winner.fill(-1)
    launch(_claim_kernel, indices.size, _flat_planes(indices), _flat_planes(winner))
    launch(_place_kernel, out.size, _flat_planes(x), _flat_planes(winner), _flat_planes(out))
    return out


def max_unpool2d_backward(grad_out: CudaArray, indices: CudaArray) -> CudaArray:
    """grad_out (N, C, OH, OW), indices (N, C, H, W) -> grad_x (N, C, H, W):
    ``grad_x[n, c, h, w] = grad_out[n, c].flat[indices[n, c, h, w]]``. Precondition: indices valid
    (forward has checked them)."""
    grad_x = CudaArray.empty(indices.shape, grad_out.dtype)
    launch(_gather_kernel, grad_x.size, _flat_planes(grad_out), _flat_planes(indices), _flat_planes(grad_x))
    return grad_x
