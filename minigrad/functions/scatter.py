"""Writing into a copy of a tensor at indexed places: ``scatter``, ``scatter_add``, ``scatter_reduce``, ``index_add``,
``index_copy``, ``index_fill``, ``masked_scatter``, ``put`` (each with a ``_`` in-place form), and
the embeddings ``select_scatter``, ``slice_scatter``, ``diagonal_scatter``.

Each returns ``input`` with some elements replaced (or, for the ``add`` forms, increased) by
values of ``src``. The gradient of ``input`` is the output gradient, zeroed where an element was
replaced; the gradient of the written values is the output gradient read back at the places they
went to (a ``gather`` / ``index_select`` / masked read), padded with zeros for values of a larger
``src`` that were not used. So backward only reads and selects: no scatter of its own.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import wrap_dim
from .diagonal import diagonal_view
from .indexing import IndexPut


def _along(index: np.ndarray, axis: int) -> tuple:
    """The numpy index of the elements that ``index`` (one entry per element) points at along ``axis``."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _region(index: np.ndarray, axis: int) -> tuple:
    """The part of an array that ``np.take_along_axis(array, index, axis)`` should read: PyTorch's
    gather reads only the index's extent in the other dims, where numpy would broadcast."""
    return tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(index.shape))


def _written(like: np.ndarray, where) -> np.ndarray:
    """A bool mask of ``like``'s shape, on its device: True at ``where``."""
    mask = np.zeros_like(like, dtype=bool)
    mask[where] = True
    return mask


def _padded(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """``grad`` with zeros after it along every dim, up to ``shape``."""
    if grad.shape == shape:
        return grad
    padded = np.zeros_like(grad, shape=shape)
    padded[tuple(slice(0, n) for n in grad.shape)] = grad
    return padded


class Scatter(ArrayFunction):
    """out[index[i][j]][j] = src[i][j] along ``axis`` (shown for axis 0); ``src`` may be a number."""

    accumulate = False
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, src, axis, index):
        out, where = x.copy(), _along(index, axis)
        given = not np.isscalar(src)  # an array (of either device), not a number
        values = src[tuple(slice(0, n) for n in index.shape)] if given else src
        if ctx.accumulate:
            np.add.at(out, where, values)
        else:
            out[where] = values
            ctx.written = _written(x, where)
        ctx.axis, ctx.index = axis, index
        ctx.src_shape = src.shape if given else None
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.accumulate else np.where(ctx.written, 0, grad)
        grad_src = None
        if ctx.needs_input_grad[1]:  # a gather of grad
            grad_src = _padded(np.take_along_axis(grad[_region(ctx.index, ctx.axis)], ctx.index, ctx.axis),
                               ctx.src_shape)
        return grad_x, grad_src, None, None


class ScatterValue(Scatter):
    backward_name = "ScatterBackward1"


class ScatterAdd(Scatter):
    accumulate = True


def _identity(reduce: str, dtype: np.dtype):
    """The value a reduction starts from when the input's own value does not count."""
    if reduce in ("sum", "mean", "prod"):
        return 1 if reduce == "prod" else 0
    low, high = (-np.inf, np.inf) if dtype.kind == "f" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    return low if reduce == "amax" else high


class ScatterReduce(ArrayFunction):
    """Each output element reduced ('sum', 'prod', 'mean', 'amax', 'amin') over the src values
    scattered to it along ``axis``, and over its own input value with ``include_self``; elements
    nothing is scattered to keep the input.

    Gradients, as PyTorch's: sum passes grad to every contributor; mean grad / count; amax/amin
    share grad evenly between the contributors equal to the result; prod gives each contributor
    the product of the others (result / value, and for a zero the product of the rest when it is
    the only zero, else 0). The counts and, for prod, the zero-free products are taken in forward
    (so prod's second derivative treats them as constants).
    """

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, src, axis, index, reduce, include_self):
        where = _along(index, axis)
        values = src[tuple(slice(0, n) for n in index.shape)]
        scattered = _written(x, where)
        counts = np.zeros_like(x, dtype=np.int64)
        np.add.at(counts, where, 1)
        out = x.copy()
        if include_self:
            counts += 1
        else:
            out[scattered] = _identity(reduce, x.dtype)
        if reduce in ("sum", "mean"):
            np.add.at(out, where, values)
            if reduce == "mean":
                divided = out / np.maximum(counts, 1)
                out = np.where(scattered, divided if x.dtype.kind == "f" else np.floor(divided), out).astype(x.dtype)
        else:
            ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
            ufunc.at(out, where, values)
        if reduce in ("amax", "amin"):
            # How many contributors equal the result (PyTorch counts an input equal to it even
            # without include_self, whose gradient is then 0 anyway).
            ctx.winners = (x == out).astype(np.int64)
            np.add.at(ctx.winners, where, (values == np.take_along_axis(out[_region(index, axis)], index, axis)))
        if reduce == "prod":
            own = x if include_self else np.ones_like(x)
            ctx.nonzero_product = np.where(own == 0, 1, own)
            np.multiply.at(ctx.nonzero_product, where, np.where(values == 0, 1, values))
            ctx.zeros = (own == 0).astype(np.int64)
            np.add.at(ctx.zeros, where, (values == 0).astype(np.int64))
        ctx.save_for_backward(x, src, out)
        ctx.axis, ctx.index, ctx.reduce, ctx.include_self = axis, index, reduce, include_self
        ctx.scattered, ctx.counts = scattered, counts
        return out

    @staticmethod
    def backward(ctx, grad):
        x, src, out = ctx.saved_tensors
        region = _region(ctx.index, ctx.axis)

        def at_src(a):  # the output-shaped ``a`` read where each src value went
            return np.take_along_axis(a[region], ctx.index, ctx.axis)

        values = src[tuple(slice(0, n) for n in ctx.index.shape)]
        if ctx.reduce in ("sum", "mean"):
            share = grad / ctx.counts if ctx.reduce == "mean" else grad
            grad_self, grad_values = share, at_src(share)
        elif ctx.reduce == "prod":
            def others(value, result, product, zeros):  # the product of the other contributors
                return np.where(value != 0, result / np.where(value == 0, 1, value), np.where(zeros == 1, product, 0))

            grad_self = grad * others(x, out, ctx.nonzero_product, ctx.zeros)
            grad_values = at_src(grad) * others(values, at_src(out), at_src(ctx.nonzero_product), at_src(ctx.zeros))
        else:
            share = grad / np.maximum(ctx.winners, 1)
            grad_self, grad_values = np.where(x == out, share, 0), np.where(values == at_src(out), at_src(share), 0)
        grad_x = np.where(ctx.scattered, grad_self if ctx.include_self else 0, grad)
        grad_src = _padded(grad_values, src.shape) if ctx.needs_input_grad[1] else None
        return grad_x, grad_src, None, None, None, None


class IndexAdd(ArrayFunction):
    """out[..., index[i], ...] += alpha * source[..., i, ...] along ``axis`` (repeats add up)."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, source, axis, index, alpha):
        out, where = x.copy(), (slice(None),) * axis + (index,)
        np.add.at(out, where, source * alpha if alpha != 1 else source)
        ctx.axis, ctx.index, ctx.alpha = axis, index, alpha
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_source = np.take(grad, ctx.index, ctx.axis) * ctx.alpha if ctx.needs_input_grad[1] else None
        return grad, grad_source, None, None, None


class IndexCopy(ArrayFunction):
    """out[..., index[i], ...] = source[..., i, ...] along ``axis``."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, source, axis, index):
        out, where = x.copy(), (slice(None),) * axis + (index,)
        out[where] = source
        ctx.written, ctx.axis, ctx.index = _written(x, where), axis, index
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_source = np.take(grad, ctx.index, ctx.axis) if ctx.needs_input_grad[1] else None
        return np.where(ctx.written, 0, grad), grad_source, None, None


class IndexFill(ArrayFunction):
    """out[..., index[i], ...] = value along ``axis``; a 0-d tensor value gets the sum of the
    gradient over the filled places."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, value, axis, index):
        out = x.copy()
        ctx.written = _written(x, (slice(None),) * axis + (index,))
        out[ctx.written] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_value = np.sum(np.where(ctx.written, grad, 0)) if ctx.needs_input_grad[1] else None
        return np.where(ctx.written, 0, grad), grad_value, None, None


class IndexFillTensor(IndexFill):
    backward_name = "IndexFillBackward1"


class MaskedScatter(ArrayFunction):
    """The elements of ``x`` where ``mask`` holds replaced, in row-major order, by the first
    elements of ``source``."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, source, mask):
        out = x.copy()
        count = int(np.count_nonzero(mask))
        out[mask] = source.reshape(-1)[:count]
        ctx.mask, ctx.source_shape, ctx.unused = mask, source.shape, source.size - count
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_source = None
        if ctx.needs_input_grad[1]:
            used = grad[ctx.mask]
            grad_source = np.concatenate([used, np.zeros_like(used, shape=(ctx.unused,))]).reshape(ctx.source_shape)
        return np.where(ctx.mask, 0, grad), grad_source, None


class Put(ArrayFunction):
    """``x`` read as one flat row with out[index[i]] = source[i] (or += with ``accumulate``)."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, source, positions, accumulate):
        out = x.copy().reshape(-1)
        if accumulate:
            np.add.at(out, positions, source.reshape(-1))
        else:
            out[positions] = source.reshape(-1)
            ctx.written = _written(out, positions).reshape(x.shape)
        ctx.positions, ctx.accumulate, ctx.source_shape = positions, accumulate, source.shape
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.accumulate else np.where(ctx.written, 0, grad)
        grad_source = grad.reshape(-1)[ctx.positions].reshape(ctx.source_shape) if ctx.needs_input_grad[1] else None
        return grad_x, grad_source, None, None


# ---- argument checks, in PyTorch's order and words ---------------------------------------------

def _index_array(index: Tensor) -> np.ndarray:
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    return index._data.astype(np.int64, copy=False)


def _check_bounds(index: np.ndarray, size: int, axis: int) -> np.ndarray:
    """``index`` as it is, or PyTorch's error for an entry outside [0, size) (negative ones too)."""
    bad = index[(index >= size) | (index < 0)]
    if bad.size:
        raise RuntimeError(f"index {int(bad.flat[0])} is out of bounds for dimension {axis} with size {size}")
    return index


def _same_dtype(input: Tensor, source: Tensor, message: str) -> None:
    if source.dtype != input.dtype:
        raise RuntimeError(message.format(self=type_name(input.dtype), src=type_name(source.dtype)))


def _scatter(apply, op: str, input: Tensor, dim: int, index: Tensor, src) -> Tensor:
    """Check the arguments as PyTorch does, then ``apply(input, src, axis, index array)``."""
    check_tensor(input, op)
    check_tensor(index, op, "index", 3)
    axis = wrap_dim(dim, input.ndim)
    positions = _index_array(index)
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor) and src.ndim != index.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if isinstance(src, Tensor):
        _same_dtype(input, src, "scatter(): Expected self.dtype to be equal to src.dtype")
    src_shape = src.shape if isinstance(src, Tensor) else None
    for d in range(input.ndim):
        too_long = (d != axis and index.shape[d] > input.shape[d]) or (src_shape and index.shape[d] > src_shape[d])
        if too_long:
            raise RuntimeError(
                f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart from "
                f"dimension {axis}" + (f" and to be no larger size than src {list(src_shape)}" if src_shape else ""))
    positions = _check_bounds(positions, input.shape[axis], axis)
    return apply(input, src, axis, positions)


def scatter(input: Tensor, dim: int, index: Tensor, src=None, *, value=None, reduce: str | None = None) -> Tensor:
    """A copy of ``input`` with out[index[i][j]][j] = src[i][j] along ``dim`` (for dim 0); ``src``
    may be a number (or ``value=``). ``reduce`` (deprecated in PyTorch) is not supported."""
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not supported by minigrad; use scatter_add")
    src = value if src is None else src
    return _scatter((Scatter if isinstance(src, Tensor) else ScatterValue).apply, "scatter", input, dim, index, src)


@autocast_op
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with out[index[i][j]][j] += src[i][j] along ``dim`` (for dim 0)."""
    check_tensor(src, "scatter_add", "src", 4)
    return _scatter(ScatterAdd.apply, "scatter_add", input, dim, index, src)


# PyTorch's messages differ between the three index_* ops: (exception type, text) per check.
_INDEX_ERRORS = {
    "index_add_": {
        "dtype": (RuntimeError, "index_add_(): Expected dtype int32/int64 for index but got: {dtype}"),
        "vector": (IndexError, "index_add_(): Index is supposed to be a vector, but got dim: {ndim} with type: "
                               "{dtype} and size: {size}"),
        "source_dtype": (RuntimeError, "index_add_(): self ({self}) and source ({src}) must have the same scalar type"),
        "count": (RuntimeError, "index_add_(): Number of indices ({count}) should be equal to source.size(dim): "
                                "({length}), for dim: {axis}"),
        "slices": (RuntimeError, "source tensor shape must match self tensor shape, excluding the specified "
                                 "dimension. Got self.shape = {self_shape} source.shape = {source_shape}"),
    },
    "index_copy_": {
        "dtype": (RuntimeError, "index_copy_(): Expected a long tensor for index, but got {dtype}"),
        "vector": (IndexError, "index_copy_(): Index should have dimension 1 or 0 (got {ndim})"),
        "source_dtype": (RuntimeError, "index_copy_(): self and source expected to have the same dtype, but got "
                                       "(self) {self} and (source) {src}"),
        "count": (IndexError, "index_copy_(): Number of indices ({count}) should be equal to source.size(dim) "
                              "({length})"),
        "slices": (RuntimeError, "index_copy_(): Source/destination tensor must have same slice shapes. "
                                 "Destination slice shape: {self_slice} at dimension {axis} and source slice shape: "
                                 "{source_slice} at dimension 0."),
    },
    "index_fill_": {
        "dtype": (IndexError, "index_fill_(): Expected dtype int64 for index."),
        "vector": (RuntimeError, "Index has to be a vector/scalar"),
    },
}


def _index_error(op: str, check: str, **values) -> Exception:
    kind, text = _INDEX_ERRORS[op][check]
    return kind(text.format(**values))


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """A copy of ``input`` whose elements at index[i][j] (along ``dim``, shown for dim 0) are
    reduced with src[i][j] by ``reduce`` ('sum', 'prod', 'mean', 'amax', 'amin'), counting the
    input's own value unless ``include_self=False``."""
    check_tensor(src, "scatter_reduce", "src", 4)
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return _scatter(lambda *args: ScatterReduce.apply(*args, reduce, include_self), "scatter_reduce",
                    input, dim, index, src)


def _index_rows(op: str, input: Tensor, dim: int, index: Tensor) -> tuple:
    check_tensor(input, op.rstrip("_"))
    check_tensor(index, op.rstrip("_"), "index", 3)
    allowed = ("int64", "int32") if op == "index_add_" else ("int64",)
    if index.dtype.name not in allowed:
        raise _index_error(op, "dtype", dtype=type_name(index.dtype))
    if index.ndim > 1:
        raise _index_error(op, "vector", ndim=index.ndim, dtype=type_name(index.dtype), size=list(index.shape))
    axis = wrap_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    return axis, _check_bounds(index._data.astype(np.int64).reshape(-1), size, axis)


def _check_source(op: str, input: Tensor, source: Tensor, axis: int, positions: np.ndarray) -> None:
    check_tensor(source, op.rstrip("_"), "source", 4)
    if source.dtype != input.dtype:
        raise _index_error(op, "source_dtype", self=type_name(input.dtype), src=type_name(source.dtype))
    length = source.shape[axis] if source.ndim else 1
    if len(positions) != length:
        raise _index_error(op, "count", count=len(positions), length=length, axis=axis)
    for d in range(input.ndim):
        if d != axis and (source.ndim != input.ndim or source.shape[d] != input.shape[d]):
            raise _index_error(op, "slices", self_shape=list(input.shape), source_shape=list(source.shape),
                               axis=axis, self_slice=input.shape[d], source_slice=source.shape[min(d, source.ndim - 1)])


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """A copy of ``input`` with out[..., index[i], ...] += alpha * source[..., i, ...] along ``dim``."""
    axis, positions = _index_rows("index_add_", input, dim, index)
    _check_source("index_add_", input, source, axis, positions)
    return IndexAdd.apply(input, source, axis, positions, alpha)


@autocast_op
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with out[..., index[i], ...] = source[..., i, ...] along ``dim``."""
    axis, positions = _index_rows("index_copy_", input, dim, index)
    _check_source("index_copy_", input, source, axis, positions)
    return IndexCopy.apply(input, source, axis, positions)


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """A copy of ``input`` with the slices ``index`` along ``dim`` set to ``value`` (a number or
    a 0-d tensor)."""
    axis, positions = _index_rows("index_fill_", input, dim, index)
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    return (IndexFillTensor if isinstance(value, Tensor) else IndexFill).apply(input, value, axis, positions)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` whose elements where ``mask`` (broadcast) holds are replaced, in order,
    by the first elements of ``source``."""
    check_tensor(input, "masked_scatter")
    check_tensor(mask, "masked_scatter", "mask", 2)
    check_tensor(source, "masked_scatter", "source", 3)
    if mask.dtype.name != "bool":
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{type_name(mask.dtype)}")
    _same_dtype(input, source, "masked_scatter: expected self and source to have same dtypes but got{self} and {src}")
    flags = np.broadcast_to(mask._data, input.shape)
    if np.count_nonzero(flags) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, source, flags)


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` read as one flat row with out[index[i]] = source[i] (+= with
    ``accumulate``); negative indices count from the end."""
    check_tensor(input, "put")
    check_tensor(index, "put", "index", 2)
    check_tensor(source, "put", "source", 3)
    if index.dtype.name != "int64":
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {type_name(index.dtype)}")
    _same_dtype(input, source, "put_(): self and source expected to have the same dtype, but got "
                "self.dtype = {self} and source.dtype = {src}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    positions, count = index._data.reshape(-1), input.numel()
    bad = positions[(positions >= count) | (positions < -count)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad.flat[0])} on a tensor of {count} elements.")
    return Put.apply(input, source, np.where(positions < 0, positions + count, positions), accumulate)


class SelectScatter(IndexPut):
    pass


class SliceScatter(IndexPut):
    pass


def _embedded(function: type, op: str, input: Tensor, src: Tensor, where: tuple) -> Tensor:
    """A copy of ``input`` with ``input[where] = src``; src must have that region's shape."""
    check_tensor(input, op)
    check_tensor(src, op, "src", 2)
    region = input._data[where].shape
    if tuple(src.shape) != region:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(region)}")
    return function.apply(input, where, src if src.dtype == input.dtype else src.to(input.dtype))


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    axis = wrap_dim(dim, input.ndim)
    return _embedded(SelectScatter, "select_scatter", input, src, (slice(None),) * axis + (index,))


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
                  step: int = 1) -> Tensor:
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by ``src``."""
    axis = wrap_dim(dim, input.ndim)
    return _embedded(SliceScatter, "slice_scatter", input, src, (slice(None),) * axis + (slice(start, end, step),))


class DiagonalScatter(ArrayFunction):
    """A copy of x with its ``offset`` diagonal over (axis1, axis2) replaced by src."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, src, offset, axis1, axis2):
        out = x.copy()
        diagonal_view(out, offset, axis1, axis2)[...] = src
        ctx.written = np.zeros_like(x, dtype=bool)
        diagonal_view(ctx.written, offset, axis1, axis2)[...] = True
        ctx.where = (offset, axis1, axis2)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_src = np.diagonal(grad, *ctx.where).copy() if ctx.needs_input_grad[1] else None
        return np.where(ctx.written, 0, grad), grad_src, None, None, None


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``."""
    check_tensor(input, "diagonal_scatter")
    check_tensor(src, "diagonal_scatter", "src", 2)
    axis1, axis2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    region = np.diagonal(input._data, offset, axis1, axis2).shape
    if tuple(src.shape) != region:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(region)}")
    return DiagonalScatter.apply(input, src, offset, axis1, axis2)
