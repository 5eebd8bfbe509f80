"""Running combinations along one axis (scans): ``np.cumsum``, ``np.cumprod`` and any binary ufunc's
``accumulate`` (``np.logaddexp.accumulate``, ``np.maximum.accumulate``...) on CudaArrays.

CPU sibling: numpy's ``cumsum`` / ``cumprod`` / ``ufunc.accumulate`` (minigrad has no CPU scan
kernel of its own: the autograd Functions in ``minigrad/functions/cumulative.py`` call numpy).

The array (any strides, e.g. a flipped view with a negative stride) is seen as ``L`` lines of
``N`` elements along ``axis``; line ``l`` is the ``l``-th index, row-major, over the other dims
(``line_shape``), starting at buffer position ``s_l = element(l, line_shape, line_strides, offset)``:

    out[l, 0] = a[s_l]
    out[l, i] = combine(out[l, i - 1], a[s_l + i * stride])        (i = 1 .. N - 1)

in the same order as numpy (a left fold), so sums and products round as numpy's do. ``out`` is a
new C-contiguous array of the input's shape. Thread mapping (grid-stride loop): thread ``t`` scans
lines ``t, t + T, ...`` sequentially along the axis. Race-free: each line is read and written by
one thread only, and the lines' output elements are disjoint; no atomics, no shared memory.

A few long lines would leave the GPU idle, one thread each: for an associative op (add, multiply,
maximum, minimum, logaddexp) a line of more than ``4 * _PART`` elements among fewer than 256 lines
is scanned in ``P`` parts of about ``_PART`` elements instead, in three launches:

1. thread per (line, part): the part scanned on its own, as above;
2. thread per line: ``carry[l, p]`` = the combination of parts ``0 .. p - 1``, folded from the parts'
   last elements (each part's total after step 1);
3. thread per element of parts ``p >= 1``: ``out[l, i] = combine(carry[l, p], out[l, i])``.

Each step writes disjoint elements (its own part, line, or element), and each launch sees the last
one's writes. Sums then round in another order than numpy's left fold, as any parallel scan's do
(PyTorch's CUDA cumsum differs from its CPU one alike).
"""
from __future__ import annotations

import functools

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray, _normalize_axis
from .elementwise import BINARY, element


# Ops whose scan may be split into parts (their combination is associative).
_ASSOCIATIVE = frozenset({"add", "multiply", "maximum", "minimum", "logaddexp"})
_PART = 1024  # elements per part of a split line (module docstring)


@functools.lru_cache(maxsize=None)
def _scan_kernels(name: str):
    """The three kernels (module docstring) of the binary op ``name`` of elementwise.BINARY; with one
    part per line the first is the whole scan (compiled per dtypes on first call)."""
    combine = cuda.jit(device=True)(BINARY[name])

    @cuda.jit
    def scan_parts(out, out_offset, out_line_strides, out_stride, a, a_offset, line_shape, line_strides, stride,
                   length, lines, parts, part_length):
        for t in range(cuda.grid(1), lines * parts, cuda.gridsize(1)):
            line, first = t // parts, (t % parts) * part_length
            source = element(line, line_shape, line_strides, a_offset)
            target = element(line, line_shape, out_line_strides, out_offset)
            running = a[source + first * stride]
            out[target + first * out_stride] = running
            for i in range(first + 1, min(first + part_length, length)):
                running = combine(running, a[source + i * stride])
                out[target + i * out_stride] = running

    @cuda.jit
    def fold_carries(carry, out, out_offset, out_line_strides, out_stride, line_shape, parts, part_length):
        for line in range(cuda.grid(1), carry.shape[0], cuda.gridsize(1)):
            target = element(line, line_shape, out_line_strides, out_offset)
            running = out[target + (part_length - 1) * out_stride]  # part 0's total
            carry[line, 1] = running
            for p in range(2, parts):  # part p - 1 is a whole part: its total is its last element
                running = combine(running, out[target + (p * part_length - 1) * out_stride])
                carry[line, p] = running

    @cuda.jit
    def add_carries(carry, out, out_offset, out_line_strides, out_stride, line_shape, length, part_length):
        tail = length - part_length  # the elements of parts 1 .. P - 1
        for t in range(cuda.grid(1), carry.shape[0] * tail, cuda.gridsize(1)):
            line, i = t // tail, part_length + t % tail
            position = element(line, line_shape, out_line_strides, out_offset) + i * out_stride
            out[position] = combine(carry[line, i // part_length], out[position])

    return scan_parts, fold_carries, add_carries


def _others(values: tuple, axis: int, empty) -> tuple:
    """``values`` without entry ``axis`` (a kernel's tuple needs one entry at least: ``empty``)."""
    return tuple(v for d, v in enumerate(values) if d != axis) or (empty,)


def accumulate(name: str, array: CudaArray, axis: int, dtype) -> CudaArray:
    """The running ``name`` (an op of elementwise.BINARY) of ``array`` along ``axis``, computed in
    and returned as ``dtype`` (the caller resolves it as numpy does). Same shape, C-contiguous."""
    axis = _normalize_axis(axis, array.ndim)
    dtype = np.dtype(dtype)
    source = array if array.dtype == dtype else array.astype(dtype)
    out = CudaArray.empty(array.shape, dtype)
    length = array.shape[axis]
    lines = out.size // length if length else 0
    if not lines:
        return out
    parts = 1
    if name in _ASSOCIATIVE and lines < 256 and length > 4 * _PART:
        parts = min(256, length // _PART)
    part_length = -(-length // parts)
    parts = -(-length // part_length)  # no empty part
    scan_parts, fold_carries, add_carries = _scan_kernels(name)
    line_shape = _others(array.shape, axis, 1)
    out_at = (out.buffer, out.offset, _others(out.strides, axis, 0), out.strides[axis])
    scan_parts[blocks_for(lines * parts), THREADS](
        *out_at, source.buffer, source.offset, line_shape, _others(source.strides, axis, 0), source.strides[axis],
        length, lines, parts, part_length)
    if parts > 1:
        carry = CudaArray.empty((lines, parts), dtype).device_array()
        fold_carries[blocks_for(lines), THREADS](carry, *out_at, line_shape, parts, part_length)
        add_carries[blocks_for(lines * (length - part_length)), THREADS](carry, *out_at, line_shape, length,
                                                                          part_length)
    return out


def cumulative(host_function, name: str, array: CudaArray, axis=None, dtype=None) -> CudaArray:
    """``host_function(array, axis, dtype)`` for ``np.cumsum`` (``name`` 'add') or ``np.cumprod``
    ('multiply'), ``axis=None`` scanning the flattened array: the result dtype is the one numpy
    gives (small integers and bools widen to int64)."""
    if axis is None:
        array, axis = array.reshape(-1), 0
    elif array.ndim == 0:
        raise np.exceptions.AxisError(axis, 0)
    return accumulate(name, array, axis, host_function(np.zeros(1, array.dtype), dtype=dtype).dtype)


def accumulate_ufunc(ufunc, array: CudaArray, axis=0, dtype=None, out=None, **unsupported) -> CudaArray:
    """``ufunc.accumulate(array, axis, dtype)`` for the binary ufuncs of elementwise.BINARY."""
    if ufunc.__name__ not in BINARY or unsupported or out is not None:
        raise NotImplementedError(f"numpy.{ufunc.__name__}.accumulate with {sorted(unsupported)} has no CUDA "
                                  "kernel in minigrad yet")
    if array.ndim == 0:
        raise TypeError("cannot accumulate on a scalar")
    return accumulate(ufunc.__name__, array, axis, ufunc.accumulate(np.zeros(1, array.dtype), dtype=dtype).dtype)
