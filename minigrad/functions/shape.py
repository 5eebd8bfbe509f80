"""Shape ops: reshape/view, transpose/permute, expand/repeat, squeeze/unsqueeze, flatten, flip,
cat/stack, split/chunk. Their backward moves the gradient back into the input's layout.

``reshape``, ``view``, ``transpose``, ``permute``, ``expand`` and friends return views of the
input's storage when numpy can (``is_view``), as PyTorch does.
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.copy_slices import mark_multi_output
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, check_tensor_sequence
from ._operands import shape_arg, wrap_dim, wrap_dims


def _infer_shape(shape: tuple, numel: int, current: tuple) -> tuple:
    """Resolve one ``-1`` in ``shape`` and check the element count, with PyTorch's errors."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"invalid shape dimension {min(shape)}")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(ArrayFunction):
    backward_name = "ViewBackward0"
    is_view = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, shape, must_view):
        ctx.shape = x.shape
        if must_view:
            try:
                return x.reshape(shape, copy=False)
            except ValueError:
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least one "
                    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
                ) from None
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None, None


def reshape(input: Tensor, *shape) -> Tensor:
    check_tensor(input, "reshape")
    shape = _infer_shape(shape_arg(shape, infer=True), input.numel(), input.shape)
    return Reshape.apply(input, shape, False)


def view(input: Tensor, *shape) -> Tensor:
    check_tensor(input, "view")
    from .. import _dtype

    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
    shape = _infer_shape(shape_arg(shape, infer=True), input.numel(), input.shape)
    return Reshape.apply(input, shape, True)


class Permute(ArrayFunction):
    is_view = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes):
        ctx.inverse = tuple(np.argsort(axes))
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, grad):
        return np.transpose(grad, ctx.inverse), None


def permute(input: Tensor, *dims) -> Tensor:
    check_tensor(input, "permute")
    dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
            f"the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    axes = tuple(wrap_dim(d, input.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, axes)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    check_tensor(input, "transpose")
    if input.ndim == 0:
        return Permute.apply(input, ())
    axes = list(range(input.ndim))
    a, b = wrap_dim(dim0, input.ndim), wrap_dim(dim1, input.ndim)
    axes[a], axes[b] = axes[b], axes[a]
    return Permute.apply(input, tuple(axes))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    check_tensor(input, "t")
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return Permute.apply(input, tuple(reversed(range(input.ndim))))


def movedim(input: Tensor, source, destination) -> Tensor:
    check_tensor(input, "movedim")
    source = (source,) if isinstance(source, int) else tuple(source)
    destination = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(source)} dims) should "
                           f"contain the same number of dims as destination ({list(destination)} dims)")
    moved = [wrap_dim(s, input.ndim) for s in source]
    targets = [wrap_dim(d, input.ndim) for d in destination]
    for name, dims, given in (("source", moved, source), ("destination", targets, destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    order = [d for d in range(input.ndim) if d not in moved]  # the other dims keep their order
    for target, dim in sorted(zip(targets, moved)):
        order.insert(target, dim)
    return Permute.apply(input, tuple(order))


moveaxis = movedim


class Expand(ArrayFunction):
    is_view = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine sums the broadcast gradient back to x's shape


def expanded_shape(shape: tuple, sizes: tuple) -> tuple:
    """The shape that ``expand(*sizes)`` gives a tensor of ``shape`` (-1 keeps a dim, new dims
    may be added on the left), or PyTorch's RuntimeError when it cannot."""
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater "
            f"or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    expanded = []
    for i, s in enumerate(sizes):
        current = shape[i - lead] if i >= lead else None
        if s == -1:
            if current is None:
                raise RuntimeError(f"expand: -1 is not allowed in a leading, non-existing dimension {i}")
            s = current
        if current is not None and current != 1 and current != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({current}) at non-singleton "
                f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        expanded.append(s)
    return tuple(expanded)


def expand(input: Tensor, *sizes) -> Tensor:
    """A broadcast view with ``sizes``; -1 keeps a dim, new dims may be added on the left."""
    check_tensor(input, "expand")
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    return Expand.apply(input, expanded_shape(input._data.shape, sizes))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "expand_as")
    check_tensor(other, "expand_as", "other", 2)
    return expand(input, *other.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    check_tensor(input, "broadcast_to")
    return expand(input, *size)


class Repeat(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, repeats):
        ctx.shape = (1,) * (len(repeats) - x.ndim) + x.shape
        ctx.repeats = repeats
        return np.tile(x, repeats)

    @staticmethod
    def backward(ctx, grad):
        # Output axis i of size r*s splits into (r, s); summing the r axes adds up the copies.
        split = [n for pair in zip(ctx.repeats, ctx.shape) for n in pair]
        summed = grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return summed, None


def repeat(input: Tensor, *repeats) -> Tensor:
    check_tensor(input, "repeat")
    repeats = shape_arg(repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    return Repeat.apply(input, repeats)


def squeeze(input: Tensor, dim=None) -> Tensor:
    check_tensor(input, "squeeze")
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        axes = wrap_dims(dim, input.ndim) if input.ndim else ()
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in axes and s == 1))
    return Reshape.apply(input, shape, False)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    check_tensor(input, "unsqueeze")
    axis = wrap_dim(dim, input.ndim + 1)
    shape = input.shape[:axis] + (1,) + input.shape[axis:]
    return Reshape.apply(input, tuple(shape), False)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    check_tensor(input, "flatten")
    if input.ndim == 0:
        return Reshape.apply(input, (1,), False)
    shape = input._data.shape
    start, end = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return Reshape.apply(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:], False)


def ravel(input: Tensor) -> Tensor:
    """The elements as one dim, in row-major order (a view when the layout allows)."""
    check_tensor(input, "ravel")
    return Reshape.apply(input, (input.numel(),), False)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    check_tensor(input, "unflatten")
    axis = wrap_dim(dim, input.ndim)
    inner = _infer_shape(tuple(sizes), input.shape[axis], ())
    return Reshape.apply(input, input.shape[:axis] + inner + input.shape[axis + 1:], False)


class Flip(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.flip(x, axes).copy()

    @staticmethod
    def backward(ctx, grad):
        return np.flip(grad, ctx.axes), None


def flip(input: Tensor, dims) -> Tensor:
    check_tensor(input, "flip")
    return Flip.apply(input, wrap_dims(dims, input.ndim))


class Cat(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, axis, *arrays):
        ctx.axis = axis
        ctx.bounds = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return (None, *np.split(grad, ctx.bounds, axis=ctx.axis))


@autocast_op
def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dim; 1-D empty tensors are skipped, as PyTorch's legacy rule."""
    tensors = check_tensor_sequence(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    parts = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    reference = parts[0]
    if reference.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    axis = wrap_dim(dim, reference.ndim)
    for i, t in enumerate(parts):
        if t.ndim != reference.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {reference.ndim} and {t.ndim}"
            )
        for d in range(reference.ndim):
            if d != axis and t.shape[d] != reference.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size "
                    f"{reference.shape[d]} but got size {t.shape[d]} for tensor number {i} in the list."
                )
    from .. import _dtype

    target = _dtype.result_type(*parts)
    parts = [t if t.dtype == target else t.to(target) for t in parts]
    return Cat.apply(axis, *parts)


concat = concatenate = cat


@autocast_op
def stack(tensors, dim: int = 0) -> Tensor:
    tensors = check_tensor_sequence(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    axis = wrap_dim(dim, tensors[0].ndim + 1)
    return cat([unsqueeze(t, axis) for t in tensors], axis)


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into chunks of ``split_size`` (the last may be smaller) or into the given sizes."""
    check_tensor(tensor, "split", "tensor", 1)
    axis = wrap_dim(dim, tensor.ndim)
    length = tensor.shape[axis]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0 and length > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {length}")
        sizes = [min(size, length - start) for start in range(0, length, size)] if size else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at "
                f"dimension {axis}), but got split_sizes={sizes}"
            )
    views = tuple(narrow(tensor, axis, start, size)
                  for start, size in zip(np.cumsum([0] + sizes[:-1]).tolist(), sizes))
    return mark_multi_output(views, "Split" if isinstance(split_size_or_sections, int) else "SplitWithSizes")


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    check_tensor(input, "chunk")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    length = input.shape[wrap_dim(dim, input.ndim)]
    return split(input, max(math.ceil(length / chunks), 1) if length else 1, dim)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    check_tensor(input, "unbind")
    axis = wrap_dim(dim, input.ndim)
    return mark_multi_output(tuple(select(input, axis, i) for i in range(input.shape[axis])), "Unbind")


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    check_tensor(input, "narrow")
    axis = wrap_dim(dim, input.ndim)
    index = (slice(None),) * axis + (slice(start, start + length),)
    return input[index]


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``narrow`` as a new tensor rather than a view."""
    return narrow(input, dim, start, length).clone()


def select(input: Tensor, dim: int, index: int) -> Tensor:
    check_tensor(input, "select")
    axis = wrap_dim(dim, input.ndim)
    return input[(slice(None),) * axis + (index,)]
