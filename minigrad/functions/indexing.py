"""Indexing: ``x[index]``, ``x[index] = value``, ``gather``, ``index_select``, ``masked_fill``.

Indices follow numpy's rules, which are PyTorch's: ints, slices with steps, negative indices,
``None``, ``...``, boolean masks and integer arrays. The gradient of a read scatters back into a
zero tensor with ``np.add.at``, so an element read twice (repeated integer indices) receives
both gradients.
"""
from __future__ import annotations

import numpy as np

from .._device import as_array, mixed_devices_error
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import wrap_dim


def _index_part(part):
    if isinstance(part, Tensor):
        part = part._data
    if isinstance(part, (list, np.ndarray)):
        part = as_array(part)
        if part.dtype.kind not in "biu" and part.size:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return part.astype(np.int64) if part.dtype.kind in "iu" or not part.size and part.dtype.kind == "f" else part
    return part


def to_numpy_index(index):
    """A PyTorch index expression in numpy's terms (tensors and lists become arrays)."""
    if isinstance(index, tuple):
        return tuple(_index_part(p) for p in index)
    return _index_part(index)


def is_basic_index(index) -> bool:
    """Whether a numpy index is basic (ints, slices, None, ...): it selects a view, not a copy."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, slice)
               or isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in parts)


def checked_indexing(action):
    """Run numpy indexing, re-raising its errors in PyTorch's words."""
    try:
        return action()
    except IndexError as error:
        raise IndexError(str(error).replace("axis", "dimension")) from None


class GetItem(ArrayFunction):
    backward_name = "IndexBackward0"
    is_view = True
    runs_on_cuda = True
    takes_host_indices = True

    @staticmethod
    def forward(ctx, x, index):
        # A tuple even for one part: a bare index array passed on to the gradient ops would become
        # a (CPU) tensor argument under create_graph, on another device than a CUDA gradient.
        ctx.shape, ctx.dtype, ctx.index = x.shape, x.dtype, index if isinstance(index, tuple) else (index,)
        out = checked_indexing(lambda: x[index])
        if np.isscalar(out):  # numpy gives a scalar copy for one element; PyTorch a view
            out = x[(*index, Ellipsis) if isinstance(index, tuple) else (index, Ellipsis)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return GetItemBackward.compute(grad, ctx.shape, ctx.index), None


class GetItemBackward(ArrayFunction):
    """The gradient of ``x[index]``: zeros of x's shape with ``grad`` added at ``index``. It is
    linear in ``grad``, so its own gradient reads ``index`` again."""

    backward_name = "IndexBackwardBackward0"
    runs_on_cuda = True
    takes_host_indices = True

    @staticmethod
    def forward(ctx, grad, shape, index):
        ctx.index = index
        grad_x = np.zeros_like(grad, shape=shape)  # on grad's device
        if is_basic_index(index):
            grad_x[index] = grad  # each element is read at most once
        else:
            np.add.at(grad_x, index, grad)
        return grad_x

    @staticmethod
    def backward(ctx, grad_grad_x):
        return GetItem.compute(grad_grad_x, ctx.index), None, None


class Take(GetItem):
    """``take``: a read of the flattened input at an integer array."""

    backward_name = "TakeBackward0"


class MaskedSelect(GetItem):
    """``masked_select``: a read at a bool mask of the input's shape."""

    backward_name = "MaskedSelectBackward0"


def getitem(input: Tensor, index) -> Tensor:
    check_tensor(input, "getitem")
    return GetItem.apply(input, to_numpy_index(index))


class IndexPut(ArrayFunction):
    runs_on_cuda = True
    takes_host_indices = True

    @staticmethod
    def forward(ctx, x, index, value):
        ctx.index = index
        out = x.copy()
        checked_indexing(lambda: out.__setitem__(index, value))
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad.copy()
        grad_x[ctx.index] = 0  # overwritten elements no longer depend on x
        # [...] makes a scalar read (every index an int) a 0-d array rather than a numpy scalar.
        grad_value = grad[ctx.index][...] if ctx.needs_input_grad[2] else None
        return grad_x, None, grad_value


class IndexPutAccumulate(ArrayFunction):
    """``input[index] += value``, repeated indices adding up; x's gradient passes unchanged."""

    backward_name = "IndexPutBackward0"
    runs_on_cuda = True
    takes_host_indices = True

    @staticmethod
    def forward(ctx, x, index, value):
        ctx.index = index
        out = x.copy()
        checked_indexing(lambda: np.add.at(out, index, value))
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad, None, grad[ctx.index][...] if ctx.needs_input_grad[2] else None  # [...]: see IndexPut


@autocast_op
def index_put(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """``input`` with ``input[indices] = values`` applied (out of place; ``__setitem__`` writes it
    back), or ``+=`` with ``accumulate``. ``indices``: a tuple of index tensors, as PyTorch's, or
    any index expression."""
    check_tensor(input, "index_put")
    if isinstance(values, Tensor) and values.dtype != input.dtype:
        values = values.to(input.dtype)
    return (IndexPutAccumulate if accumulate else IndexPut).apply(input, to_numpy_index(indices), values)


class Gather(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis, index):
        ctx.shape, ctx.axis = x.shape, axis
        ctx.save_for_backward(index)
        return np.take_along_axis(x, index, axis)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return GatherBackward.compute(grad, ctx.shape, ctx.axis, index), None, None


class GatherBackward(ArrayFunction):
    """The gradient of ``gather``: zeros of the input's shape with ``grad`` added along ``axis`` at
    ``index`` (repeated indices add up, so ``np.add.at``, not assignment). Linear in ``grad``: its
    own gradient gathers again."""

    backward_name = "GatherBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad, shape, axis, index):
        ctx.axis, ctx.index = axis, index
        grad_x = np.zeros_like(grad, shape=shape)  # on grad's device
        grid = list(np.indices(index.shape, sparse=True))
        grid[axis] = index
        np.add.at(grad_x, tuple(grid), grad)
        return grad_x

    @staticmethod
    def backward(ctx, grad_grad_x):
        return Gather.compute(grad_grad_x, ctx.axis, ctx.index), None, None, None


class PutAlongAxis(ArrayFunction):
    """The gradient of a read along ``axis`` at distinct ``indices`` (sort, topk, max along a dim):
    zeros of the input's shape with ``grad`` put at ``indices``. Its own gradient reads them back."""

    backward_name = "ValuesBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad, shape, indices, axis):
        ctx.indices, ctx.axis = indices, axis
        grad_x = np.zeros_like(grad, shape=shape)  # on grad's device
        np.put_along_axis(grad_x, indices, grad, axis)
        return grad_x

    @staticmethod
    def backward(ctx, grad_grad_x):
        return np.take_along_axis(grad_grad_x, ctx.indices, ctx.axis), None, None, None


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """out[i][j] = input[index[i][j]][j] along ``dim`` (shown for dim=0)."""
    check_tensor(input, "gather")
    check_tensor(index, "gather", "index", 3)
    axis = wrap_dim(dim, input.ndim)
    if index.dtype.name != "int64":
        raise RuntimeError(f"gather(): Expected dtype int64 for index, but got {index.dtype}")
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d in range(input.ndim):
        if d != axis and index.shape[d] > input.shape[d]:
            raise RuntimeError(
                f"Size does not match at dimension {d} expected index {list(index.shape)} to be no larger "
                f"than self {list(input.shape)} apart from dimension {axis}"
            )
    if index.device != input.device:  # PyTorch's gather wants both on one device (unlike indexing)
        raise mixed_devices_error(input.device, index.device)
    data = index._data
    if data.size and (data.min() < -input.shape[axis] or data.max() >= input.shape[axis]):
        raise RuntimeError(f"index {int(data.max())} is out of bounds for dimension {axis} with size {input.shape[axis]}")
    # take_along_axis broadcasts; PyTorch reads only the index's extent, so slice the input first.
    region = tuple(slice(None) if d == axis else slice(0, index.shape[d]) for d in range(input.ndim))
    return Gather.apply(input[region] if input.shape != index.shape else input, axis, data)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    check_tensor(input, "index_select")
    check_tensor(index, "index_select", "index", 3)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    axis = wrap_dim(dim, input.ndim)
    return getitem(input, (slice(None),) * axis + (index,))


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    check_tensor(input, "masked_fill")
    check_tensor(mask, "masked_fill", "mask", 2)
    from .selection import where

    return where(mask, value, input).to(input.dtype)


def take(input: Tensor, index: Tensor) -> Tensor:
    """``input`` read as one flat row at ``index`` (negative counts from the end); the output has
    index's shape."""
    check_tensor(input, "take")
    check_tensor(index, "take", "index", 2)
    if index.dtype.name != "int64":
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {type_name(index.dtype)}")
    positions, count = index._data, input.numel()
    bad = positions[(positions >= count) | (positions < -count)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad.flat[0])} on a tensor of {count} elements.")
    return Take.apply(input.reshape(-1), positions)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """``gather`` after broadcasting input and ``indices`` against each other except along
    ``dim``; without ``dim``, both are read flat."""
    check_tensor(input, "take_along_dim")
    check_tensor(indices, "take_along_dim", "indices", 2)
    if indices.dtype.name != "int64":
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{type_name(indices.dtype)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    if input.ndim != indices.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    axis = wrap_dim(dim, input.ndim)
    shape = np.broadcast_shapes(*(tuple(1 if d == axis else n for d, n in enumerate(t.shape))
                                  for t in (input, indices)))

    def expanded(t: Tensor) -> Tensor:  # to the common shape, keeping t's own length along dim
        return t.expand(tuple(t.shape[axis] if d == axis else n for d, n in enumerate(shape)))

    return gather(expanded(input), axis, expanded(indices))


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where the bool ``mask`` holds (both broadcast), as one row."""
    check_tensor(input, "masked_select")
    check_tensor(mask, "masked_select", "mask", 2)
    if mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = np.broadcast_shapes(input.shape, mask.shape)
    return MaskedSelect.apply(input.expand(shape), np.broadcast_to(mask._data, shape))
