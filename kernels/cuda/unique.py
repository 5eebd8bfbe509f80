"""Distinct values on CUDA: ``np.unique`` and ``np.flatnonzero`` on CudaArrays.

CPU sibling: numpy's ``unique`` and ``flatnonzero`` (minigrad has no CPU kernel of its own: the
Functions in ``minigrad/functions/counting.py`` and ``embedding.py`` call numpy).

``np.unique`` is sort, flag, scan, compact, all on the device:

1. sort: ``sorted, order = sort_pairs(flat)`` (sort.py: stable, NaN last), flat = ``ar`` flattened (N,);
2. flag the first element of each run of equal neighbours:
   ``start[0] = True``, ``start[i] = sorted[i] != sorted[i - 1]`` (i >= 1; with ``equal_nan``
   two NaNs are equal, so all NaNs make one run, the last);
3. scan: ``id = cumsum(start) - 1`` is each sorted element's unique id;
4. compact: ``starts = flatnonzero(start)`` (U,), the run starts in sorted order. Then
   ``values = sorted[starts]``, ``index = order[starts]`` (the stable sort keeps equal values in
   input order, so the first of a run is its smallest original index), ``counts = diff(starts, N)``
   and ``inverse[order[i]] = id[i]`` (a scatter through a permutation, so race-free: each element
   of ``inverse`` is written once).

The number of distinct values U sizes the outputs, so it crosses to the host once (in
:func:`flatnonzero`): the one host round trip, as in CuPy's ``unique``.

With ``axis`` the slices along it are the elements: they are seen as rows (N, M) and sorted
lexicographically by M stable sorts of the columns, last column first (a least-significant-digit
radix order), then flagged where a row differs from the previous one in any column (NaN never
equal, as numpy's ``unique`` with an axis).
"""
from __future__ import annotations

import math

import numpy as np

from ._backend import cuda
from ._planes import launch
from .array import CudaArray, _normalize_axis
from .sort import sort_pairs


@cuda.jit
def _compact_kernel(flags, positions, out):
    """flatnonzero's scatter. flags (N,) bool; positions (N,) int64, the inclusive prefix sum of
    flags; out (U,) int64, U = positions[N - 1]. Thread i (grid-stride over N) writes
    ``out[positions[i] - 1] = i`` where flags[i]. Race-free: the flagged i have distinct positions
    (the prefix sum rises by one at each), so each out element has exactly one writer; no atomics."""
    for i in range(cuda.grid(1), flags.size, cuda.gridsize(1)):
        if flags[i]:
            out[positions[i] - 1] = i


def flatnonzero(a: CudaArray) -> CudaArray:
    """``np.flatnonzero(a)``: the int64 positions of a's nonzero elements in the flattened array.
    Their count is data-dependent, so it is read on the host (one transfer of one int64)."""
    flags = (a.reshape(-1) != 0).device_array()
    positions = np.cumsum(CudaArray(flags, flags.shape))
    count = int(positions[-1].item()) if flags.size else 0
    out = CudaArray.empty((count,), np.int64)
    launch(_compact_kernel, flags.size, flags, positions.device_array(), out.device_array())
    return out


def _lexicographic_order(rows: CudaArray) -> CudaArray:
    """The stable order (N,) int64 that sorts the rows of ``rows`` (N, M) lexicographically."""
    order = np.cumsum(np.ones_like(rows, np.int64, shape=(rows.shape[0],))) - 1  # 0..N-1
    for column in reversed(range(rows.shape[1])):
        order = order[sort_pairs(rows[:, column][order], 0)[1]]
    return order


def unique(ar: CudaArray, return_index: bool = False, return_inverse: bool = False, return_counts: bool = False,
           axis=None, *, equal_nan: bool = True, sorted: bool = True):  # noqa: A002 (numpy's name)
    """``np.unique``: the sorted distinct values of ``ar`` (flattened, or the distinct slices
    along ``axis``), with on request the index of each one's first occurrence, the inverse
    (``values[inverse]`` rebuilds ``ar``: ar's shape for ``axis=None``, (N,) with an axis) and
    the counts, all int64. ``sorted=False`` still sorts (numpy allows any order).

    The result's size depends on the data: the count of distinct values crosses to the host once.
    """
    if axis is None:
        flat = ar.reshape(-1)
        keys, order = sort_pairs(flat, 0)
        different = keys[1:] != keys[:-1]
        if equal_nan and keys.dtype.kind == "f":
            different = different & ~(np.isnan(keys[1:]) & np.isnan(keys[:-1]))
        inverse_shape = ar.shape
    else:
        axis = _normalize_axis(axis, ar.ndim)
        moved = np.moveaxis(ar, axis, 0)
        rows = moved.reshape(moved.shape[0], math.prod(moved.shape[1:]))
        order = _lexicographic_order(rows)
        keys = rows[order]
        different = np.any(keys[1:] != keys[:-1], axis=1)
        inverse_shape = (rows.shape[0],)
    length = keys.shape[0]
    first = np.full_like(different, True, shape=(1 if length else 0,))  # the first element starts a run
    start = np.concatenate([first, different])
    starts = flatnonzero(start)  # the host round trip: the count U sizes every result
    values = keys[starts]
    if axis is not None:
        values = np.moveaxis(values.reshape((starts.shape[0],) + moved.shape[1:]), 0, axis)
    results = [values]
    if return_index:
        results.append(order[starts])
    if return_inverse:
        inverse = CudaArray.empty((length,), np.int64)
        inverse[order] = np.cumsum(start) - 1  # a scatter through a permutation: one write per element
        results.append(inverse.reshape(inverse_shape))
    if return_counts:
        bounds = np.concatenate([starts, np.full_like(starts, length, shape=(1,))])
        results.append(bounds[1:] - bounds[:-1])
    return tuple(results) if len(results) > 1 else values
