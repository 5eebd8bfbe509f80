"""Batched matrix product on the GPU: a tiled shared-memory kernel.

CPU sibling: numpy's ``@`` (BLAS). numpy's rules: 1-D operands get a dim added and removed again,
batch dims broadcast. Every product runs as ``out[b] = a[b] @ b_[b]`` over (B, M, K) x (B, K, N)
views of any strides (a broadcast batch dim has stride 0, a transposed matrix is only a view).

Thread mapping: a block of ``TILE x TILE`` threads computes the ``TILE x TILE`` tile of ``out[b]``
at block (column tile, row tile, z) for b = z, z + Z, ... (Z grid blocks along z, at most CUDA's
65,535); thread (tx, ty) owns ``out[b, row, col]``, row = tile row + ty, col = tile column + tx. The K dimension is walked ``TILE`` columns at a time: each thread loads
one element of A's tile and one of B's into shared memory, the block synchronises, each thread
adds the tile's ``TILE`` products into its own accumulator, and the block synchronises again
before the tiles are overwritten. Each A and B element is read from global memory ``TILE`` times
fewer than by a naive kernel. Race-free: one thread per output element; the shared tiles are only
written between barriers.
"""
from __future__ import annotations

import functools

import numpy as np
from numba import float32, float64, int64

from ._backend import SIMULATED, cuda
from .array import CudaArray

# The simulator runs a Python thread per CUDA thread: small tiles there (several tiles per matrix
# still exercise the tile loop and the barriers).
TILE = 4 if SIMULATED else 16
#: CUDA's limit on a grid's y and z sizes; larger batches loop (the row tiles, on y, reach 65,535 *
#: TILE rows first).
MAX_GRID_Z = 65535
_NUMBA_TYPES = {np.dtype(np.float32): float32, np.dtype(np.float64): float64, np.dtype(np.int64): int64}


@functools.lru_cache(maxsize=None)
def _tiled_kernel(dtype: np.dtype):
    """The kernel for one dtype (shared-memory arrays need their type when compiled)."""
    element_type = _NUMBA_TYPES[dtype]

    @cuda.jit
    def kernel(out, a, a_offset, a_strides, b, b_offset, b_strides, rows, inner, columns, batches):
        a_tile = cuda.shared.array((TILE, TILE), element_type)
        b_tile = cuda.shared.array((TILE, TILE), element_type)
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        row, column = cuda.blockIdx.y * TILE + ty, cuda.blockIdx.x * TILE + tx
        # A grid-stride loop over the batch (grid z is at most 65,535 blocks): every thread of a
        # block takes the same batches, so the barriers inside stay uniform across the block.
        for batch in range(cuda.blockIdx.z, batches, cuda.gridDim.z):
            a_base, b_base = a_offset + batch * a_strides[0], b_offset + batch * b_strides[0]
            accumulator = element_type(0)
            for start in range(0, inner, TILE):
                k = start + tx  # this thread loads A[row, k] and B[start + ty, column]
                inside = row < rows and k < inner
                a_tile[ty, tx] = a[a_base + row * a_strides[1] + k * a_strides[2]] if inside else 0
                k = start + ty
                inside = k < inner and column < columns
                b_tile[ty, tx] = b[b_base + k * b_strides[1] + column * b_strides[2]] if inside else 0
                cuda.syncthreads()
                for j in range(TILE):
                    accumulator += a_tile[ty, j] * b_tile[j, tx]
                cuda.syncthreads()
            if row < rows and column < columns:
                out[batch, row, column] = accumulator
    return kernel


def matmul(a: CudaArray, b: CudaArray, out=None, dtype=None) -> CudaArray:
    """``a @ b`` with numpy's shapes and type promotion (float16, float32, float64 or int64 results;
    a float16 product is accumulated in float32 and rounded once, as PyTorch's half GEMMs do)."""
    if out is not None:
        raise NotImplementedError("matmul(out=) is not supported on CUDA arrays")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions")
    result_dtype = np.result_type(a.dtype, b.dtype) if dtype is None else np.dtype(dtype)
    if result_dtype.kind in "biu":
        result_dtype = np.dtype(np.int64)
    if result_dtype == np.float16:
        return matmul(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)
    if result_dtype not in _NUMBA_TYPES:
        raise TypeError(f"matmul on CUDA arrays supports float32, float64 and int64, not {result_dtype}")
    a_matrix = a.reshape(1, -1) if a.ndim == 1 else a
    b_matrix = b.reshape(-1, 1) if b.ndim == 1 else b
    if a_matrix.shape[-1] != b_matrix.shape[-2]:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                         f"signature (n?,k),(k,m?)->(n?,m?) (size {b_matrix.shape[-2]} is different from "
                         f"{a_matrix.shape[-1]})")
    batch = np.broadcast_shapes(a_matrix.shape[:-2], b_matrix.shape[:-2])
    rows, inner, columns = a_matrix.shape[-2], a_matrix.shape[-1], b_matrix.shape[-1]
    batches = int(np.prod(batch))
    a_view = _batched(a_matrix.astype(result_dtype, copy=False), batch, batches)
    b_view = _batched(b_matrix.astype(result_dtype, copy=False), batch, batches)
    out = CudaArray.empty((batches, rows, columns), result_dtype)
    if out.size:
        grid = (-(-columns // TILE), -(-rows // TILE), min(batches, MAX_GRID_Z))
        _tiled_kernel(result_dtype)[grid, (TILE, TILE)](
            out.device_array(), a_view.buffer, a_view.offset, a_view.strides, b_view.buffer, b_view.offset,
            b_view.strides, rows, inner, columns, batches)
    shape = batch + (rows, columns)
    if a.ndim == 1:
        shape = shape[:-2] + shape[-1:]
    if b.ndim == 1:
        shape = shape[:-1]
    return out.reshape(shape)


def _batched(matrix: CudaArray, batch: tuple, batches: int) -> CudaArray:
    """A (..., R, C) operand as a (B, R, C) view over the broadcast batch ``batch``: no copy when
    the batch dims merge into one stride (no batch, one batch dim, a broadcast or contiguous batch)."""
    view = matrix.broadcast_to(batch + matrix.shape[-2:])
    strides = view.strides[:-2]
    mergeable = all(strides[d] == strides[d + 1] * batch[d + 1] for d in range(len(batch) - 1))
    if not mergeable:
        view = view.copy()
        strides = view.strides[:-2]
    batch_stride = strides[-1] if strides else 0
    return CudaArray(view.buffer, (batches,) + view.shape[-2:], (batch_stride,) + view.strides[-2:], view.offset)
