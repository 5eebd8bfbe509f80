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
"""
from __future__ import annotations

import functools

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray, _normalize_axis
from .elementwise import BINARY, element


@functools.lru_cache(maxsize=None)
def _scan_kernel(name: str):
    """The scan kernel of the binary op ``name`` of elementwise.BINARY (compiled per dtypes on first call)."""
    combine = cuda.jit(device=True)(BINARY[name])

    @cuda.jit
    def kernel(out, out_offset, out_line_strides, out_stride, a, a_offset, line_shape, line_strides, stride,
               length, lines):
        for line in range(cuda.grid(1), lines, cuda.gridsize(1)):
            source = element(line, line_shape, line_strides, a_offset)
            target = element(line, line_shape, out_line_strides, out_offset)
            running = a[source]
            out[target] = running
            for i in range(1, length):
                running = combine(running, a[source + i * stride])
                out[target + i * out_stride] = running
    return kernel


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
    if lines:
        line_shape = _others(array.shape, axis, 1)
        _scan_kernel(name)[blocks_for(lines), THREADS](
            out.buffer, out.offset, _others(out.strides, axis, 0), out.strides[axis], source.buffer,
            source.offset, line_shape, _others(source.strides, axis, 0), source.strides[axis], length, lines)
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
