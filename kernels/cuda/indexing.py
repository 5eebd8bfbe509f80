"""``CudaArray[key]`` and ``CudaArray[key] = value``: numpy's basic indexing as a view, advanced
(integer-array and boolean) indexing by the kernels of ``advanced_indexing.py``.

CPU sibling: numpy's indexing. Basic indexing (ints, slices, ``None``, ``...``) only makes a new
view (shape, strides, offset) of the same buffer; writing through it is the elementwise copy.
Advanced indexing copies: reading is a gather kernel, writing a scatter kernel.
"""
from __future__ import annotations

import operator

from .advanced_indexing import gather, is_advanced, scatter
from .array import CudaArray
from .elementwise import assign


def get_item(array: CudaArray, key) -> CudaArray:
    if is_advanced(key):
        return gather(array, key)
    return _basic(array, key if isinstance(key, tuple) else (key,))


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


def set_item(array: CudaArray, key, value) -> None:
    """``array[key] = value``: through the view of a basic key, or the scatter kernel of an advanced one."""
    if is_advanced(key):
        scatter(array, key, value)
    else:
        assign(get_item(array, key), value)


def take(array: CudaArray, indices: CudaArray, axis: int) -> CudaArray:
    """``np.take(array, indices, axis)`` (negative indices count from the end; out of range raises):
    the gather of ``array[:, ..., indices]`` with ``indices`` at ``axis``."""
    return gather(array, (slice(None),) * axis + (indices,))
