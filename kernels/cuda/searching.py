"""Finding positions on CUDA: ``np.searchsorted``, ``np.argwhere`` and ``np.nonzero`` on CudaArrays.

CPU sibling: numpy's ``searchsorted``, ``argwhere`` and ``nonzero`` (the Functions in
``minigrad/functions/searching.py`` and ``sampling.py`` call them; minigrad has no CPU kernel of its
own). ``np.isin`` (``numpy_api.py``) is a sort of the test elements and a search here.

**searchsorted.** The sorted ``a`` (M,) and the values ``v`` (any shape, K elements) are cast to one
dtype; one thread per value finds, by binary search (sort.py's ``_rank``, numpy's order: NaN after
every number),

    out[k] = #{i : a[i] before v[k]}       (side='left':  seq[out - 1] <  v <= seq[out])
    out[k] = #{i : not v[k] before a[i]}   (side='right': seq[out - 1] <= v <  seq[out])

Thread mapping (grid-stride loop): thread ``t`` handles values ``t, t + T, ...``. Race-free: each
thread writes only its own values' outputs and reads ``a``, which no thread writes.

**argwhere / nonzero** are "count, then allocate": the number of nonzero elements sizes the result,
so it crosses to the host once (``unique.flatnonzero``: flags, their prefix sum on the device, the
last sum read, then a scatter of the flat positions), as PyTorch's CUDA ``nonzero`` synchronises to
size its output. The flat positions are then unravelled on the device, ``coordinate_d = (flat //
row_major_stride_d) % shape_d``, by elementwise kernels.
"""
from __future__ import annotations

import numpy as np

from ._backend import cuda
from ._planes import launch
from .array import CudaArray, contiguous_strides
from .sort import _rank
from .unique import flatnonzero


@cuda.jit
def _search_kernel(sorted_keys, values, left, out):
    """out[k] = the insertion point of values[k] in sorted_keys[0] (a (1, M) row, numpy's order);
    ``left``: side='left'. Thread k (grid-stride over K) writes out[k] only."""
    length = sorted_keys.shape[1]
    for k in range(cuda.grid(1), values.size, cuda.gridsize(1)):
        out[k] = _rank(sorted_keys, 0, 0, length, values[k], left)


def on_device(value) -> CudaArray:
    """A CudaArray, or a host scalar (a number, a 0-d array) as a 0-d device array; a host array
    with dims is refused, as in every CUDA computation."""
    if isinstance(value, CudaArray):
        return value
    if np.ndim(value):
        raise TypeError("a host (numpy) array cannot enter a CUDA computation; move it to the device first")
    return CudaArray.from_host(np.asarray(value))


def searchsorted(a: CudaArray, v, side: str = "left", sorter: CudaArray | None = None) -> CudaArray:
    """``np.searchsorted(a, v, side, sorter)``: int64 insertion points of ``v`` (a CudaArray or a
    number: then a 0-d result) in the 1-D ``a``, sorted ascending (or ordered by ``sorter``)."""
    if a.ndim != 1:
        raise ValueError("object too deep for desired array")
    if side not in ("left", "right"):
        raise ValueError(f"search side must be 'left' or 'right' (got {side!r})")
    if sorter is not None:
        a = a[sorter]
    values = on_device(v)
    dtype = np.result_type(a.dtype, values.dtype)
    keys = a.astype(dtype).reshape(1, -1).device_array()
    out = CudaArray.empty(values.shape, np.int64)
    launch(_search_kernel, values.size, keys, values.astype(dtype).reshape(-1).device_array(), side == "left",
           out.reshape(-1).device_array())
    return out


def argwhere(a: CudaArray) -> CudaArray:
    """``np.argwhere(a)``: the int64 indices (count, a.ndim) of a's nonzero elements, row-major
    order; the count crosses to the host once (module docstring)."""
    flat = flatnonzero(a)
    columns = [(flat // stride) % extent for extent, stride in zip(a.shape, contiguous_strides(a.shape))]
    return np.stack(columns, axis=1) if columns else CudaArray.empty((flat.shape[0], 0), np.int64)


def nonzero(a: CudaArray) -> tuple:
    """``np.nonzero(a)``: one int64 index array per dim of ``a`` (at least 1-D, as numpy requires)."""
    if a.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.")
    indices = argwhere(a)
    return tuple(indices[:, d] for d in range(a.ndim))
