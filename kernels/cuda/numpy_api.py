"""numpy functions on CudaArrays: the table ``CudaArray.__array_function__`` looks up.

``np.sum(a)``, ``np.where(m, a, b)``, ``np.zeros_like(a)``... called with a CudaArray land here
(numpy's ``__array_function__`` protocol) and run the CUDA kernels of ``elementwise.py``,
``reduction.py``, ``scan.py``, ``sort.py``, ``unique.py``, ``searching.py``, ``matmul.py`` (``einsum.py`` builds on
it) and ``indexing.py``, or only make a new view. A function missing from the table raises
NotImplementedError naming it, never computes on the host.
"""
from __future__ import annotations

import numpy as np

from . import counting, reduction, scan, searching, unique
from .array import CudaArray, _normalize_axis
from .elementwise import apply_ufunc, assign
from .advanced_indexing import along_axis
from .einsum import einsum
from .indexing import take
from .matmul import matmul
from .sort import sort_pairs
from .triangular import triangle

IMPLEMENTATIONS: dict = {}


def implements(*functions):
    def register(implementation):
        for function in functions:
            IMPLEMENTATIONS[function] = implementation
        return implementation
    return register


def _no_out(out):
    if out is not None:
        raise NotImplementedError("out= is not supported for this function on CUDA arrays")


# ---- reductions ----------------------------------------------------------------------------
@implements(np.sum)
def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.reduce("sum", a, axis, dtype, keepdims)


@implements(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.reduce("prod", a, axis, dtype, keepdims)


@implements(np.max, np.amax)
def _max(a, axis=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.reduce("max", a, axis, None, keepdims)


@implements(np.min, np.amin)
def _min(a, axis=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.reduce("min", a, axis, None, keepdims)


@implements(np.any)
def _any(a, axis=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.reduce("any", a, axis, None, keepdims)


@implements(np.all)
def _all(a, axis=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.reduce("all", a, axis, None, keepdims)


@implements(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    _no_out(out)
    return reduction.mean(a, axis, dtype, keepdims)


@implements(np.count_nonzero)
def _count_nonzero(a, axis=None, *, keepdims=False):
    """The count as an int64 CudaArray (0-d for ``axis=None``, where numpy returns a Python int: an
    int would have to cross to the host)."""
    return reduction.reduce("sum", a != 0, axis, np.int64, keepdims)


@implements(np.trace)
def _trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """The sum along a diagonal: its view summed (numpy's integer promotion by ``np.sum``)."""
    _no_out(out)
    return reduction.reduce("sum", np.diagonal(a, offset, axis1, axis2), -1, dtype)


@implements(np.argmax)
def _argmax(a, axis=None, out=None, keepdims=False):
    _no_out(out)
    return reduction.arg_reduce("argmax", a, axis, keepdims)


@implements(np.argmin)
def _argmin(a, axis=None, out=None, keepdims=False):
    _no_out(out)
    return reduction.arg_reduce("argmin", a, axis, keepdims)


# ---- scans and sorting ---------------------------------------------------------------------
@implements(np.cumsum)
def _cumsum(a, axis=None, dtype=None, out=None):
    _no_out(out)
    return scan.cumulative(np.cumsum, "add", a, axis, dtype)


@implements(np.cumprod)
def _cumprod(a, axis=None, dtype=None, out=None):
    _no_out(out)
    return scan.cumulative(np.cumprod, "multiply", a, axis, dtype)


def _sort_operand(a, axis, order):
    if order is not None:
        raise NotImplementedError("sorting by field (order=) has no CUDA implementation")
    if axis is None:
        return a.reshape(-1), 0
    if a.ndim == 0:
        raise np.exceptions.AxisError(axis, 0)
    return a, axis


# Every kind sorts stably: a stable order is a valid result of numpy's other kinds too.
@implements(np.sort)
def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    return sort_pairs(*_sort_operand(a, axis, order))[0]


@implements(np.argsort)
def _argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    return sort_pairs(*_sort_operand(a, axis, order))[1]


# ---- distinct values -----------------------------------------------------------------------
implements(np.unique)(unique.unique)
implements(np.bincount)(counting.bincount)
implements(np.flatnonzero)(unique.flatnonzero)


@implements(np.histogram)
def _histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002  (numpy's name)
    if not isinstance(bins, (int, np.integer)) or range is None or density or weights is not None:
        raise NotImplementedError("np.histogram on CUDA arrays takes an int bins and a range only")
    return counting.histogram(a, int(bins), range)


# ---- positions: count, then allocate (searching.py) ----------------------------------------
implements(np.searchsorted)(searching.searchsorted)
implements(np.argwhere)(searching.argwhere)
implements(np.nonzero)(searching.nonzero)


@implements(np.isin)
def _isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Whether each element is among ``test_elements``: the test elements sorted, each element's
    insertion point found (searching.py) and the value there compared (NaN is never found)."""
    element, test = searching.on_device(element), np.sort(searching.on_device(test_elements).reshape(-1))
    if test.size == 0:
        return np.full_like(element, invert, dtype=bool)
    found = test[np.minimum(np.searchsorted(test, element), test.size - 1)] == element
    return ~found if invert else found


# ---- elementwise ---------------------------------------------------------------------------
@implements(np.where)
def _where(condition, x=None, y=None):
    if x is None and y is None:  # the indices form: np.nonzero
        return searching.nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return apply_ufunc(_WHERE, (condition, x, y))


class _WhereOp:
    """np.where as the ternary op of elementwise.py (numpy has no ufunc for it)."""

    __name__ = "where"
    nout = 1

    @staticmethod
    def resolve_dtypes(signature, casting=None):
        condition, x, y, out = signature
        common = np.result_type(*(d if isinstance(d, np.dtype) else d(0) for d in (x, y)))
        return np.dtype(bool), common, common, common if out is None else out


_WHERE = _WhereOp()


@implements(np.isposinf)
def _isposinf(x, out=None):
    _no_out(out)
    return np.isinf(x) & ~np.signbit(x)


@implements(np.isneginf)
def _isneginf(x, out=None):
    _no_out(out)
    return np.isinf(x) & np.signbit(x)


@implements(np.isclose)
def _isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """numpy's formula: |a - b| <= atol + rtol |b| where b is finite, a == b (infinities), and
    with ``equal_nan`` two NaNs; b in floating point."""
    y = b.astype(np.result_type(b.dtype, 1.0), copy=False) if isinstance(b, CudaArray) else float(b)
    result = (np.less_equal(np.abs(a - y), atol + rtol * np.abs(y)) & np.isfinite(y)) | (a == y)
    return result | (np.isnan(a) & np.isnan(y)) if equal_nan else result


# The three below return a Python bool, as numpy: the one reduced flag crosses to the host.
@implements(np.allclose)
def _allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.all(_isclose(a, b, rtol, atol, equal_nan)))


@implements(np.array_equal)
def _array_equal(a1, a2, equal_nan=False):
    if np.shape(a1) != np.shape(a2):
        return False
    same = a1 == a2
    return bool(np.all(same | (np.isnan(a1) & np.isnan(a2)) if equal_nan else same))


@implements(np.sinc)
def _sinc(x):
    """sin(pi x) / (pi x), 1 at 0 (numpy's own formula: x = 0 is nudged to 1e-20)."""
    y = np.pi * np.where(x == 0, 1.0e-20, x)
    return np.sin(y) / y


@implements(np.round, np.around)
def _round(a, decimals=0, out=None):
    """Half to even, as numpy: ``rint``, of ``a * 10**decimals`` scaled back for other decimals."""
    _no_out(out)
    if decimals == 0:
        return np.rint(a)
    scale = 10.0 ** decimals
    return np.rint(a * scale) / scale


@implements(np.nan_to_num)
def _nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (defaults: the dtype's extremes)."""
    if x.dtype.kind != "f":
        return x.copy() if copy else x
    info = np.finfo(x.dtype)
    posinf, neginf = info.max if posinf is None else posinf, info.min if neginf is None else neginf
    infinite = np.where(x > 0, x.dtype.type(posinf), x.dtype.type(neginf))
    return np.where(np.isnan(x), x.dtype.type(nan), np.where(np.isinf(x), infinite, x))


@implements(np.nansum)
def _nansum(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    """The sum with NaNs counted as zero."""
    _no_out(out)
    return reduction.reduce("sum", np.where(np.isnan(a), a.dtype.type(0), a), axis, dtype, keepdims)


@implements(np.clip)
def _clip(a, a_min=None, a_max=None, out=None, **_):
    _no_out(out)
    result = a if a_min is None else np.maximum(a, a_min)
    return result if a_max is None else np.minimum(result, a_max)


@implements(np.dot)
def _dot(a, b, out=None):
    _no_out(out)
    if a.ndim <= 2 and b.ndim <= 2:
        return matmul(a, b) if a.ndim and b.ndim else a * b
    raise NotImplementedError("np.dot of arrays beyond 2-D has no CUDA implementation; use np.matmul")


implements(np.einsum)(einsum)  # views, reductions and the tiled matmul (einsum.py)


# ---- making arrays like another ------------------------------------------------------------
@implements(np.empty_like)
def _empty_like(prototype, dtype=None, order="K", subok=True, shape=None, device=None):
    return CudaArray.empty(prototype.shape if shape is None else shape, prototype.dtype if dtype is None else dtype)


@implements(np.full_like)
def _full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, device=None):
    out = _empty_like(a, dtype, shape=shape)
    assign(out, fill_value)
    return out


@implements(np.zeros_like)
def _zeros_like(a, dtype=None, order="K", subok=True, shape=None, device=None):
    return _full_like(a, 0, dtype, shape=shape)


@implements(np.ones_like)
def _ones_like(a, dtype=None, order="K", subok=True, shape=None, device=None):
    return _full_like(a, 1, dtype, shape=shape)


@implements(np.copy)
def _copy(a, order="K", subok=False):
    return a.copy()


@implements(np.ascontiguousarray)
def _ascontiguousarray(a, dtype=None, like=None):
    result = a if a.is_contiguous() else a.copy()
    return result if dtype is None else result.astype(dtype, copy=False)


# ---- views and layout ----------------------------------------------------------------------
@implements(np.atleast_1d)
def _atleast_1d(*arys):
    result = [a.reshape(1) if a.ndim == 0 else a for a in arys]
    return result[0] if len(result) == 1 else tuple(result)


@implements(np.broadcast_to)
def _broadcast_to(array, shape, subok=False):
    return array.broadcast_to(shape)


@implements(np.reshape)
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    return a.reshape(shape if shape is not None else newshape, order=order, copy=copy)


@implements(np.transpose)
def _transpose(a, axes=None):
    return a.transpose(axes)


@implements(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    return a.swapaxes(axis1, axis2)


@implements(np.moveaxis)
def _moveaxis(a, source, destination):
    source = [_normalize_axis(s, a.ndim) for s in np.atleast_1d(source)]
    destination = [_normalize_axis(d, a.ndim) for d in np.atleast_1d(destination)]
    order = [d for d in range(a.ndim) if d not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return a.transpose(order)


@implements(np.expand_dims)
def _expand_dims(a, axis):
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)  # numpy takes any sequence
    ndim = a.ndim + len(axes)
    axes = {_normalize_axis(x, ndim) for x in axes}
    shape = iter(a.shape)
    return a.reshape(tuple(1 if d in axes else next(shape) for d in range(ndim)))


@implements(np.diagonal)
def _diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal over (axis1, axis2) as a view: the other dims, then the diagonal
    (writable, unlike numpy's: CudaArray views all are)."""
    axis1, axis2 = _normalize_axis(axis1, a.ndim), _normalize_axis(axis2, a.ndim)
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    moved = _moveaxis(a, (axis1, axis2), (-2, -1))
    corner = moved[..., max(-offset, 0):, max(offset, 0):]  # the diagonal now starts at [..., 0, 0]
    length = min(corner.shape[-2], corner.shape[-1])
    return CudaArray(corner.buffer, corner.shape[:-2] + (length,),
                     corner.strides[:-2] + (corner.strides[-2] + corner.strides[-1],), corner.offset)


@implements(np.squeeze)
def _squeeze(a, axis=None):
    return a.squeeze(axis)


@implements(np.ravel)
def _ravel(a, order="C"):
    return a.ravel()


@implements(np.take)
def _take(a, indices, axis=None, out=None, mode="raise"):
    _no_out(out)
    if axis is None:
        return take(a.reshape(-1), indices, 0)
    return take(a, indices, _normalize_axis(axis, a.ndim))


@implements(np.take_along_axis)
def _take_along_axis(arr, indices, axis=-1):
    if axis is None:
        arr, axis = arr.reshape(-1), 0
    return arr[along_axis(arr.shape, indices, _normalize_axis(axis, arr.ndim))]


@implements(np.put_along_axis)
def _put_along_axis(arr, indices, values, axis):
    if axis is None:
        raise NotImplementedError("np.put_along_axis(axis=None) has no CUDA implementation")
    arr[along_axis(arr.shape, indices, _normalize_axis(axis, arr.ndim))] = values


@implements(np.concatenate)
def _concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    _no_out(out)
    arrays = list(arrays)
    axis = _normalize_axis(axis, arrays[0].ndim)
    dtype = np.result_type(*[a.dtype for a in arrays]) if dtype is None else np.dtype(dtype)
    shape = list(arrays[0].shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    result, start = CudaArray.empty(shape, dtype), 0
    for a in arrays:  # each input copied into its slice of the result
        where = [slice(None)] * len(shape)
        where[axis] = slice(start, start + a.shape[axis])
        assign(result[tuple(where)], a)
        start += a.shape[axis]
    return result


@implements(np.split)
def _split(ary, indices_or_sections, axis=0):
    """:func:`_array_split`, whose sections must be of equal size (numpy's ValueError otherwise)."""
    sections = isinstance(indices_or_sections, (int, np.integer))
    if sections and ary.shape[_normalize_axis(axis, ary.ndim)] % int(indices_or_sections):
        raise ValueError("array split does not result in an equal division")
    return _array_split(ary, indices_or_sections, axis)


@implements(np.array_split)
def _array_split(ary, indices_or_sections, axis=0):
    """Views of consecutive slices along ``axis`` (as numpy: ``count`` sections, the first
    ``extent % count`` one longer, or the slices between the given indices)."""
    axis = _normalize_axis(axis, ary.ndim)
    extent = ary.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        count = int(indices_or_sections)
        size, extra = divmod(extent, count)
        bounds = np.cumsum([size + (i < extra) for i in range(count)])[:-1].tolist()
    else:
        bounds = [int(b) for b in indices_or_sections]
    starts, stops = [0] + bounds, bounds + [extent]
    where = [slice(None)] * ary.ndim
    parts = []
    for start, stop in zip(starts, stops):
        where[axis] = slice(start, stop)
        parts.append(ary[tuple(where)])
    return parts


@implements(np.flip)
def _flip(m, axis=None):
    """A view with the given axes reversed (negative strides; no copy)."""
    axes = range(m.ndim) if axis is None else [_normalize_axis(a, m.ndim) for a in np.atleast_1d(axis)]
    return m[tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(m.ndim))]


@implements(np.roll)
def _roll(a, shift, axis=None):
    """Elements shifted along each axis, those leaving one end entering at the other: per axis the
    two slices concatenated in swapped order (a new array, as numpy's)."""
    if axis is None:
        return _roll(a.reshape(-1), shift, 0).reshape(a.shape)
    result = a
    for step, ax in zip(*(x.ravel().tolist() for x in np.broadcast_arrays(shift, axis))):
        ax = _normalize_axis(ax, a.ndim)
        extent = result.shape[ax]
        if extent and step % extent:
            result = _concatenate(_split(result, [extent - step % extent], ax)[::-1], ax)
    return a.copy() if result is a else result


@implements(np.tile)
def _tile(A, reps):
    """Each axis repeated ``reps`` times: A seen as (1, a0, 1, a1, ...) broadcast to
    (r0, a0, r1, a1, ...), copied, and merged to (r0 * a0, r1 * a1, ...)."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    ndim = max(A.ndim, len(reps))
    shape, reps = (1,) * (ndim - A.ndim) + A.shape, (1,) * (ndim - len(reps)) + reps
    interleaved = A.reshape(tuple(x for extent in shape for x in (1, extent)))
    repeated = interleaved.broadcast_to(tuple(x for pair in zip(reps, shape) for x in pair)).copy()
    return repeated.reshape(tuple(r * extent for r, extent in zip(reps, shape)))


@implements(np.tril)
def _tril(m, k=0):
    return triangle(m, k, upper=False)


@implements(np.triu)
def _triu(m, k=0):
    return triangle(m, k, upper=True)


@implements(np.stack)
def _stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    axis = _normalize_axis(axis, arrays[0].ndim + 1)
    return _concatenate([_expand_dims(a, axis) for a in arrays], axis, out, dtype)


# ---- facts ---------------------------------------------------------------------------------
@implements(np.may_share_memory, np.shares_memory)
def _shares_memory(a, b, max_work=None):
    return isinstance(a, CudaArray) and isinstance(b, CudaArray) and a.buffer is b.buffer


@implements(np.shape)
def _shape(a):
    return a.shape


@implements(np.ndim)
def _ndim(a):
    return a.ndim


@implements(np.size)
def _size(a, axis=None):
    return a.size if axis is None else a.shape[axis]


@implements(np.result_type)
def _result_type(*values):
    return np.result_type(*[v.dtype if isinstance(v, CudaArray) else v for v in values])

