"""``CudaArray[key]``: numpy's basic indexing as a view, integer-array indexing as a gather kernel.

CPU sibling: numpy's indexing. Basic indexing (ints, slices, ``None``, ``...``) only makes a new
view (shape, strides, offset) of the same buffer. Integer-array (and boolean-mask) indexing on one
axis copies: :func:`take` runs a gather kernel.
"""
from __future__ import annotations

import operator

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray
from .elementwise import element


def get_item(array: CudaArray, key) -> CudaArray:
    key = key if isinstance(key, tuple) else (key,)
    advanced = [i for i, k in enumerate(key) if isinstance(k, (CudaArray, np.ndarray, list))]
    if advanced:
        return _advanced(array, key, advanced)
    return _basic(array, key)


def _basic(array: CudaArray, key: tuple) -> CudaArray:
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(k is not None and k is not Ellipsis for k in key)
    if consumed > array.ndim:
        raise IndexError(f"too many indices for array: array is {array.ndim}-dimensional, "
                         f"but {consumed} were indexed")
    if any(k is Ellipsis for k in key):
        at = next(i for i, k in enumerate(key) if k is Ellipsis)
        key = key[:at] + (slice(None),) * (array.ndim - consumed) + key[at + 1:]
    else:
        key = key + (slice(None),) * (array.ndim - consumed)
    shape, strides, offset, dim = [], [], array.offset, 0
    for k in key:
        if k is None:
            shape.append(1)
            strides.append(0)
            continue
        extent, stride = array.shape[dim], array.strides[dim]
        if isinstance(k, slice):
            start, stop, step = k.indices(extent)
            shape.append(len(range(start, stop, step)))
            strides.append(stride * step)
            offset += start * stride
        else:
            index = operator.index(k)
            if not -extent <= index < extent:
                raise IndexError(f"index {index} is out of bounds for axis {dim} with size {extent}")
            offset += (index % extent) * stride
        dim += 1
    return CudaArray(array.buffer, shape, strides, offset)


def _advanced(array: CudaArray, key: tuple, advanced: list) -> CudaArray:
    """One integer (or boolean) array on one axis, the rest full slices: ``take`` along that axis."""
    (at,) = advanced if len(advanced) == 1 else (None,)
    if at is None or any(not (isinstance(k, slice) and k == slice(None)) for i, k in enumerate(key) if i != at):
        raise NotImplementedError("CUDA arrays support one integer or boolean index array with full slices "
                                  "elsewhere (e.g. a[:, idx]); got a more complex index")
    index = key[at]
    if not isinstance(index, CudaArray):
        index = CudaArray.from_host(np.asarray(index))
    if index.dtype == np.bool_:
        if index.ndim != 1:
            raise NotImplementedError("CUDA arrays support one-dimensional boolean masks only")
        index = CudaArray.from_host(np.flatnonzero(index.to_host()))  # the result's size needs the host
    return take(array, index, at)


@cuda.jit
def _gather_kernel(out, source, source_offset, source_strides, indices, axis, out_shape, size):
    """out[o_0..o_{a-1}, j.., o_{a+1}..] = source[o_0.., indices[j], ...]; thread per output element."""
    for i in range(cuda.grid(1), size, cuda.gridsize(1)):
        # Unravel i over out_shape = source.shape[:axis] + indices.shape + source.shape[axis+1:] with
        # the index dims flattened into one (the caller passes indices flat).
        remainder, position = i, source_offset
        for d in range(len(out_shape) - 1, -1, -1):
            coordinate = remainder % out_shape[d]
            remainder //= out_shape[d]
            if d == axis:
                coordinate = indices[coordinate]  # already non-negative and in range (see take)
            position += coordinate * source_strides[d]
        out[i] = source[position]


def take(array: CudaArray, indices: CudaArray, axis: int) -> CudaArray:
    """``np.take(array, indices, axis)`` (negative indices count from the end; out of range raises)."""
    extent = array.shape[axis]
    flat = indices.reshape(-1).astype(np.int64)
    if flat.size:
        low, high = int(np.min(flat)), int(np.max(flat))
        if low < -extent or high >= extent:
            bad = high if high >= extent else low
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {extent}")
        if low < 0:
            flat = np.where(flat < 0, flat + extent, flat)
    gathered = array.shape[:axis] + (flat.size,) + array.shape[axis + 1:]
    out = CudaArray.empty(gathered, array.dtype)
    if out.size:
        _gather_kernel[blocks_for(out.size), THREADS](out.buffer, array.buffer, array.offset, array.strides,
                                                      flat.device_array(), axis, gathered, out.size)
    return out.reshape(array.shape[:axis] + indices.shape + array.shape[axis + 1:])
