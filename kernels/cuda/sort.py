"""Stable sorting along one axis: ``np.sort`` and ``np.argsort`` on CudaArrays.

CPU sibling: numpy's ``sort`` / ``argsort`` with ``kind='stable'`` (the autograd Functions in
``minigrad/functions/sorting.py`` and ``order_statistics.py`` call them; their descending order is
built from the ascending one by flips, which are views here). Order: NaN after every number, equal
keys in input order, as numpy's stable sort.

The input (any strides) is seen as ``L`` lines of ``N`` keys along ``axis``; line ``l`` starts at
buffer position ``s_l = element(l, line_shape, line_strides, offset)`` (row-major over the other dims).
Each line is sorted as (key, position) pairs by a bottom-up merge sort in which every pair finds its
own place, so each pass is one thread per pair:

* load: ``keys[l, i] = key i of line l``, ``order[l, i] = i``;
* pass ``p = 0, ..., P - 1`` (``P = ceil(log2 N)``) merges neighbouring sorted runs of ``w = 2^p``
  pairs. A pair at index ``i`` of run ``r`` (start ``r w``) goes to

      min(r w, partner start) + (i - r w) + (its rank in the partner run ``r ^ 1``),

  the rank being the number of partner keys strictly before it for a left run (even ``r``) and the
  number not after it for a right run, found by binary search (the partner run is sorted). Equal
  keys of the left run thus land before those of the right, and within a run keep their order:
  the sort is stable. A pair without a partner run (the line's tail) stays where it is.

The pairs move between two pairs of work arrays, pass after pass; the host picks where the load goes
so that the last pass lands in (``values``, ``indices``):

    values[l, j] = the j-th smallest key of line l,   indices[l, j] = its position i along the axis

(both ``(L, N)`` C-contiguous, then seen with the sorted axis back in place). Work ``O(N log^2 N)``
per line, ``P`` launches. Thread mapping (grid-stride loops): thread ``t`` handles pairs
``t, t + T, ...`` of the flat ``(L, N)`` index ``l N + i``. Race-free: within a merged block the
destinations of its pairs are all different (the ranks count each partner key once, ties broken
by side), and a pass only reads the source arrays and writes the destination ones; no atomics, no
shared memory, no recursion or allocation in the kernels.
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
def _rank(keys, line, start, stop, key, left):
    """How many of the sorted ``keys[line, start:stop]`` go before ``key``: those strictly before it
    when ``key`` comes from the left run (``left``), those not after it otherwise (binary search)."""
    low, high = start, stop
    while low < high:
        middle = (low + high) // 2
        if _before(keys[line, middle], key) if left else not _before(key, keys[line, middle]):
            low = middle + 1
        else:
            high = middle
    return low - start


@cuda.jit
def _load_kernel(keys, offset, line_shape, line_strides, stride, out_keys, out_order):
    """out_keys[l, i] = key i of line l (read through the input's strides), out_order[l, i] = i."""
    lines, length = out_keys.shape
    for t in range(cuda.grid(1), lines * length, cuda.gridsize(1)):
        line, i = t // length, t % length
        out_keys[line, i] = keys[element(line, line_shape, line_strides, offset) + i * stride]
        out_order[line, i] = i


@cuda.jit
def _merge_kernel(src_keys, src_order, dst_keys, dst_order, width):
    """One pass (module docstring): runs of ``width`` pairs in src merged in twos into dst."""
    lines, length = src_keys.shape
    for t in range(cuda.grid(1), lines * length, cuda.gridsize(1)):
        line, i = t // length, t % length
        run = i // width
        start, partner_start = run * width, (run ^ 1) * width
        destination = i
        if partner_start < length:
            rank = _rank(src_keys, line, partner_start, min(partner_start + width, length), src_keys[line, i],
                         run % 2 == 0)
            destination = min(start, partner_start) + (i - start) + rank
        dst_keys[line, destination] = src_keys[line, i]
        dst_order[line, destination] = src_order[line, i]


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
        first, second = [tuple(a.device_array() for a in pair) for pair in (first, second)]
        grid = blocks_for(lines * length), THREADS
        _load_kernel[grid](array.buffer, array.offset, tuple(array.shape[d] for d in others) or (1,),
                           tuple(array.strides[d] for d in others) or (0,), array.strides[axis], *first)
        for p in range(passes):
            _merge_kernel[grid](*first, *second, 1 << p)
            first, second = second, first
    moved = tuple(array.shape[d] for d in others) + (length,)
    return tuple(np.moveaxis(a.reshape(moved), -1, axis) for a in (values, indices))
