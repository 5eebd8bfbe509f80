"""The lower or upper triangle of the last two dims, on CUDA: ``np.tril`` / ``np.triu`` of a CudaArray.

CPU sibling: numpy's ``np.tril`` / ``np.triu``. With a (P, H, W) plane view of the input:

    tril:  out[p, i, j] = x[p, i, j] if j - i <= k else 0
    triu:  out[p, i, j] = x[p, i, j] if j - i >= k else 0

Thread mapping: a grid-stride loop over the flat output index ``t = (p * H + i) * W + j``.
Race-free: each output element is written by its one thread.
"""
from __future__ import annotations

from ._backend import cuda
from ._planes import launch, planes
from .array import CudaArray


@cuda.jit
def _triangle_kernel(x, out, k, upper, zero):
    """x, out: (P, H, W) C-contiguous of one dtype; keeps j - i <= k (lower) or >= k (upper)."""
    height, width = x.shape[1], x.shape[2]
    for t in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        p, i, j = t // (height * width), (t // width) % height, t % width
        keep = j - i >= k if upper else j - i <= k
        out[p, i, j] = x[p, i, j] if keep else zero


def triangle(x: CudaArray, k: int, upper: bool) -> CudaArray:
    """``np.triu(x, k)`` if ``upper`` else ``np.tril(x, k)``; x at least 2-D."""
    if x.ndim < 2:
        raise ValueError(f"{'triu' if upper else 'tril'} needs an array of at least 2 dims, got {x.ndim}")
    out = CudaArray.empty(x.shape, x.dtype)
    launch(_triangle_kernel, out.size, planes(x), planes(out), int(k), bool(upper), x.dtype.type(0))
    return out
