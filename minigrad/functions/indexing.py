"""Indexing: ``x[index]``, ``x[index] = value``, ``gather``, ``index_select``, ``masked_fill``.

Indices follow numpy's rules, which are PyTorch's: ints, slices with steps, negative indices,
``None``, ``...``, boolean masks and integer arrays. The gradient of a read scatters back into a
zero tensor with ``np.add.at``, so an element read twice (repeated integer indices) receives
both gradients.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._operands import wrap_dim


def _index_part(part):
    if isinstance(part, Tensor):
        part = part._data
    if isinstance(part, (list, np.ndarray)):
        part = np.asarray(part)
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

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.dtype, ctx.index = x.shape, x.dtype, index
        out = checked_indexing(lambda: x[index])
        if not isinstance(out, np.ndarray):  # numpy gives a scalar copy for one element; PyTorch a view
            out = x[(*index, Ellipsis) if isinstance(index, tuple) else (index, Ellipsis)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return GetItemBackward.compute(grad, ctx.shape, ctx.index), None


class GetItemBackward(ArrayFunction):
    """The gradient of ``x[index]``: zeros of x's shape with ``grad`` added at ``index``. It is
    linear in ``grad``, so its own gradient reads ``index`` again."""

    backward_name = "IndexBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, index):
        ctx.index = index
        grad_x = np.zeros(shape, grad.dtype)
        if is_basic_index(index):
            grad_x[index] = grad  # each element is read at most once
        else:
            np.add.at(grad_x, index, grad)
        return grad_x

    @staticmethod
    def backward(ctx, grad_grad_x):
        return GetItem.compute(grad_grad_x, ctx.index), None, None


def getitem(input: Tensor, index) -> Tensor:
    return GetItem.apply(input, to_numpy_index(index))


class IndexPut(ArrayFunction):
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


def index_put(input: Tensor, index, value) -> Tensor:
    """``input`` with ``input[index] = value`` applied (out of place; ``__setitem__`` writes it back)."""
    if isinstance(value, Tensor) and value.dtype != input.dtype:
        value = value.to(input.dtype)
    return IndexPut.apply(input, to_numpy_index(index), value)


class Gather(ArrayFunction):
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

    @staticmethod
    def forward(ctx, grad, shape, axis, index):
        ctx.axis, ctx.index = axis, index
        grad_x = np.zeros(shape, grad.dtype)
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

    @staticmethod
    def forward(ctx, grad, shape, indices, axis):
        ctx.indices, ctx.axis = indices, axis
        grad_x = np.zeros(shape, grad.dtype)
        np.put_along_axis(grad_x, indices, grad, axis)
        return grad_x

    @staticmethod
    def backward(ctx, grad_grad_x):
        return np.take_along_axis(grad_grad_x, ctx.indices, ctx.axis), None, None, None


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """out[i][j] = input[index[i][j]][j] along ``dim`` (shown for dim=0)."""
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
    data = index._data
    if data.size and (data.min() < -input.shape[axis] or data.max() >= input.shape[axis]):
        raise RuntimeError(f"index {int(data.max())} is out of bounds for dimension {axis} with size {input.shape[axis]}")
    # take_along_axis broadcasts; PyTorch reads only the index's extent, so slice the input first.
    region = tuple(slice(None) if d == axis else slice(0, index.shape[d]) for d in range(input.ndim))
    return Gather.apply(input[region] if input.shape != index.shape else input, axis, data)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    axis = wrap_dim(dim, input.ndim)
    return getitem(input, (slice(None),) * axis + (index,))


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    from .selection import where

    return where(mask, value, input).to(input.dtype)
