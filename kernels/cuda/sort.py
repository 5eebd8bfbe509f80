"""Stable sorting along one axis: ``np.sort`` and ``np.argsort`` on CudaArrays.

CPU sibling: numpy's ``sort`` / ``argsort`` with ``kind='stable'`` (the autograd Functions in
``minigrad/functions/sorting.py`` and ``order_statistics.py`` call them; their descending order is
built from the ascending one by flips, which are views here). Order: NaN after every number, equal
keys in input order, as numpy's stable sort.

The input (any strides) is seen as ``L`` lines of ``N`` keys along ``axis``; line ``l`` starts at
buffer position ``s_l = element(l, line_shape, line_strides, offset)`` (row-major over the other dims).
Each line is sorted as (key, index) pairs by a bottom-up merge sort: the pairs are loaded in input
order, then pass ``p = 0, 1, ..., P - 1`` (``P = ceil(log2 N)``) merges neighbouring sorted runs of
``2^p`` pairs into runs of ``2^(p+1)``, from one pair of work arrays into the other. A merge takes
the right run's head only when its key is strictly before the left run's head, so equal keys keep
their input order (stability); no recursion, no allocation in the kernel. The host picks which of
(``values``, ``indices``) and the scratch pair receives the load so that the last pass lands in
(``values``, ``indices``):

    values[l, j] = the j-th smallest key of line l,   indices[l, j] = its position i along the axis

(both ``(L, N)`` C-contiguous, then seen with the sorted axis back in place). Thread mapping
(grid-stride loop): thread ``t`` sorts lines ``t, t + T, ...`` on its own, sequentially. Race-free:
line ``l`` reads only its own input keys and reads and writes only row ``l`` of the four work
arrays; no atomics, no shared memory.
"""
from __future__ import annotations

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray, _normalize_axis
from .elementwise import element


@cuda.jit(device=True)
def _before(a, b):
    """Key ``a`` sorts strictly before key ``b``: a smaller number, or a number before NaN."""
    return a < b or (b != b and a == a)


@cuda.jit(device=True)
def _merge_pass(src_keys, src_order, dst_keys, dst_order, line, length, width):
    """Row ``line`` of dst = the runs of ``width`` pairs of row ``line`` of src, merged in twos."""
    for left in range(0, length, 2 * width):
        middle, end = min(left + width, length), min(left + 2 * width, length)
        i, j = left, middle
        for k in range(left, end):
            if j < end and (i >= middle or _before(src_keys[line, j], src_keys[line, i])):
                dst_keys[line, k], dst_order[line, k] = src_keys[line, j], src_order[line, j]
                j += 1
            else:
                dst_keys[line, k], dst_order[line, k] = src_keys[line, i], src_order[line, i]
                i += 1


@cuda.jit
def _sort_kernel(keys, offset, line_shape, line_strides, stride, first_keys, first_order, second_keys,
                 second_order, passes):
    lines, length = first_keys.shape
    for line in range(cuda.grid(1), lines, cuda.gridsize(1)):
        start = element(line, line_shape, line_strides, offset)
        for i in range(length):
            first_keys[line, i] = keys[start + i * stride]
            first_order[line, i] = i
        width = 1
        for p in range(passes):
            if p % 2 == 0:
                _merge_pass(first_keys, first_order, second_keys, second_order, line, length, width)
            else:
                _merge_pass(second_keys, second_order, first_keys, first_order, line, length, width)
            width *= 2


def sort_pairs(array: CudaArray, axis: int) -> tuple[CudaArray, CudaArray]:
    """(sorted keys, int64 positions they came from) of ``array`` along ``axis``, stable, NaN last:
    numpy's ``sort`` and ``argsort`` with ``kind='stable'`` in one pass. Both have ``array``'s shape."""
    axis = _normalize_axis(axis, array.ndim)
    length = array.shape[axis]
    others = [d for d in range(array.ndim) if d != axis]
    lines = int(np.prod([array.shape[d] for d in others]))
    values, indices = CudaArray.empty((lines, length), array.dtype), CudaArray.empty((lines, length), np.int64)
    if lines and length:
        passes = (length - 1).bit_length()  # ceil(log2 N)
        scratch = CudaArray.empty((lines, length), array.dtype), CudaArray.empty((lines, length), np.int64)
        # Each pass moves the pairs from one pair of arrays to the other: load where P passes end in the outputs.
        first, second = ((values, indices), scratch) if passes % 2 == 0 else (scratch, (values, indices))
        _sort_kernel[blocks_for(lines), THREADS](
            array.buffer, array.offset, tuple(array.shape[d] for d in others) or (1,),
            tuple(array.strides[d] for d in others) or (0,), array.strides[axis],
            *(a.device_array() for a in first + second), passes)
    moved = tuple(array.shape[d] for d in others) + (length,)
    return tuple(np.moveaxis(a.reshape(moved), -1, axis) for a in (values, indices))
