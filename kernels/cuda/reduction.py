"""Reductions over axes of a CudaArray: sum, prod, max, min, any, all, mean, argmax, argmin.

CPU sibling: numpy's reductions (``np.sum(a, axis=...)`` and the ufuncs' ``reduce``).

The array is seen as (kept dims..., reduced dims...) by permuting its view; with ``K`` kept and
``R`` reduced elements:

    out[o] = combine over r < R of  a[kept(o) + reduced(r)]        (starting from the op's identity)

Thread mapping: thread ``(o, p)`` folds the reduced elements ``r = p, p + P, p + 2P, ...`` of output
``o`` into ``partial[o, p]`` (a grid-stride loop over the ``K * P`` pairs). With ``P = 1`` that is
the result; a reduction of few outputs over many elements (a loss's mean) takes ``P`` parts so that
many threads share the work, and a second pass folds the ``P`` partials. Race-free: every partial
(and every output) is written by one thread only; no atomics.
"""
from __future__ import annotations

import functools

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray, _normalize_axis
from .elementwise import BINARY, coalesce, element

# (combine, identity) per reduction; the identity also sets the accumulator's type.
_COMBINE = {"sum": BINARY["add"], "prod": BINARY["multiply"], "max": BINARY["maximum"],
            "min": BINARY["minimum"], "any": BINARY["logical_or"], "all": BINARY["logical_and"]}
_UFUNC_REDUCTIONS = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
                     "logical_or": "any", "logical_and": "all"}
_UFUNC_OF = {name: getattr(np, ufunc) for ufunc, name in _UFUNC_REDUCTIONS.items()}
# A reduction of a few outputs over more than four parts' worth of elements each is split into parts
# of about this many elements.
_PART = 1024


@functools.lru_cache(maxsize=None)
def _fold_kernel(name: str):
    combine = cuda.jit(device=True)(_COMBINE[name])

    @cuda.jit
    def kernel(partial, a, a_offset, kept_shape, kept_strides, reduced_shape, reduced_strides,
               reduced_size, parts, identity):
        for i in range(cuda.grid(1), partial.size, cuda.gridsize(1)):
            o, p = i // parts, i % parts
            base = element(o, kept_shape, kept_strides, a_offset)
            accumulator = identity
            for r in range(p, reduced_size, parts):
                accumulator = combine(accumulator, a[element(r, reduced_shape, reduced_strides, base)])
            partial[i] = accumulator
    return kernel


def _greater(candidate, best):  # numpy's argmax: the first NaN wins, else the first maximum
    return best == best and (candidate != candidate or candidate > best)


def _less(candidate, best):
    return best == best and (candidate != candidate or candidate < best)


@functools.lru_cache(maxsize=None)
def _arg_kernel(name: str):
    better = cuda.jit(device=True)(_greater if name == "argmax" else _less)

    @cuda.jit
    def kernel(out, a, a_offset, kept_shape, kept_strides, reduced_shape, reduced_strides, reduced_size):
        for o in range(cuda.grid(1), out.size, cuda.gridsize(1)):
            base = element(o, kept_shape, kept_strides, a_offset)
            best, best_index = a[base], 0
            for r in range(1, reduced_size):
                candidate = a[element(r, reduced_shape, reduced_strides, base)]
                if better(candidate, best):
                    best, best_index = candidate, r
            out[o] = best_index
    return kernel


def _axes(array: CudaArray, axis) -> tuple:
    if axis is None:
        return tuple(range(array.ndim))
    axes = tuple(_normalize_axis(a, array.ndim) for a in (axis if isinstance(axis, tuple) else (axis,)))
    if len(set(axes)) != len(axes):
        raise ValueError("duplicate value in 'axis'")
    return axes


def _split(array: CudaArray, axes: tuple):
    """(kept shape, kept strides, reduced shape, reduced strides), each at least one dim long."""
    kept = [d for d in range(array.ndim) if d not in axes]
    kept_shape = tuple(array.shape[d] for d in kept) or (1,)
    kept_strides = tuple(array.strides[d] for d in kept) or (0,)
    reduced_shape = tuple(array.shape[d] for d in axes) or (1,)
    reduced_strides = tuple(array.strides[d] for d in axes) or (0,)
    return kept_shape, kept_strides, reduced_shape, reduced_strides


def _result_shape(array: CudaArray, axes: tuple, keepdims: bool) -> tuple:
    if keepdims:
        return tuple(1 if d in axes else extent for d, extent in enumerate(array.shape))
    return tuple(extent for d, extent in enumerate(array.shape) if d not in axes)


def reduce(name: str, array: CudaArray, axis=None, dtype=None, keepdims: bool = False) -> CudaArray:
    """``np.<name>(array, axis, dtype, keepdims)`` for name in sum, prod, max, min, any, all (a
    float16 sum or product accumulates in float32, as PyTorch's CUDA reductions do)."""
    axes = _axes(array, axis)
    ufunc = _UFUNC_OF[name]
    out_dtype = np.dtype(bool) if name in ("any", "all") else ufunc.reduce(np.zeros(1, array.dtype), dtype=dtype).dtype
    if out_dtype == np.float16 and name in ("sum", "prod"):  # accumulated in float32, rounded once
        return reduce(name, array, axis, np.float32, keepdims).astype(np.float16)
    # A cast copy is contiguous: its strides, not the view's, locate the elements.
    source = array if array.dtype == out_dtype or name in ("max", "min") else array.astype(out_dtype)
    kept_shape, kept_strides, reduced_shape, reduced_strides = _split(source, axes)
    (kept_shape, (kept_strides,)), (reduced_shape, (reduced_strides,)) = (
        coalesce(kept_shape, [kept_strides]), coalesce(reduced_shape, [reduced_strides]))
    reduced_size = int(np.prod(reduced_shape))
    outputs = int(np.prod(kept_shape))
    if reduced_size == 0 and name in ("max", "min"):
        raise ValueError(f"zero-size array to reduction operation {ufunc.__name__} which has no identity")
    identity = _identity(name, out_dtype)
    parts = 1
    if outputs < 256 and reduced_size > 4 * _PART:
        parts = min(256, reduced_size // _PART)
    partial = CudaArray.empty((outputs, parts), out_dtype)
    if partial.size:
        _fold_kernel(name)[blocks_for(partial.size), THREADS](
            partial.buffer, source.buffer, source.offset, kept_shape, kept_strides, reduced_shape,
            reduced_strides, reduced_size, parts, identity)
    result = partial.reshape(outputs, parts)
    if parts > 1:  # fold the partials of each output
        result = reduce(name, result, axis=1, keepdims=True)
    return result.reshape(_result_shape(array, axes, keepdims))


def _identity(name: str, dtype: np.dtype):
    """The starting value of the accumulator, typed so that numba accumulates in ``dtype``."""
    if name in ("max", "min"):
        if dtype.kind == "f":
            value = -np.inf if name == "max" else np.inf
        elif dtype.kind == "b":
            value = name == "min"
        else:
            info = np.iinfo(dtype)
            value = info.min if name == "max" else info.max
    else:
        value = {"sum": 0, "prod": 1, "any": False, "all": True}[name]
    return dtype.type(value)


def mean(array: CudaArray, axis=None, dtype=None, keepdims: bool = False) -> CudaArray:
    """``np.mean``: the sum (in float64 for integer input, as numpy) over the count."""
    axes = _axes(array, axis)
    if dtype is None:
        dtype = np.float64 if array.dtype.kind in "biu" else array.dtype
    count = int(np.prod([array.shape[d] for d in axes]))
    total = reduce("sum", array, axes, dtype=dtype, keepdims=keepdims)
    return total / np.asarray(count, dtype=total.dtype) if count else total * np.nan


def arg_reduce(name: str, array: CudaArray, axis=None, keepdims: bool = False) -> CudaArray:
    """``np.argmax`` / ``np.argmin``: the index along ``axis`` (over the flattened array when None)."""
    if axis is None:
        flat = array.reshape(-1)
        result = arg_reduce(name, flat, 0)
        return result.reshape((1,) * array.ndim) if keepdims else result
    axes = _axes(array, axis)
    if array.shape[axes[0]] == 0:
        raise ValueError(f"attempt to get {name} of an empty sequence")
    kept_shape, kept_strides, reduced_shape, reduced_strides = _split(array, axes)
    out = CudaArray.empty(kept_shape, np.int64)
    _arg_kernel(name)[blocks_for(out.size), THREADS](out.buffer, array.buffer, array.offset, kept_shape,
                                                     kept_strides, reduced_shape, reduced_strides,
                                                     array.shape[axes[0]])
    return out.reshape(_result_shape(array, axes, keepdims))


def reduce_ufunc(ufunc, array, axis=0, dtype=None, out=None, keepdims=False, **unsupported):
    """``ufunc.reduce(array, axis)`` (numpy's default axis 0) for the ufuncs with a reduction."""
    name = _UFUNC_REDUCTIONS.get(ufunc.__name__)
    if name is None or unsupported or out is not None:
        raise NotImplementedError(f"numpy.{ufunc.__name__}.reduce with {sorted(unsupported)} has no CUDA "
                                  "kernel in minigrad yet")
    return reduce(name, array, axis, dtype=dtype, keepdims=keepdims)
