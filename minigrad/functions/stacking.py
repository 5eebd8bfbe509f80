"""Joining and splitting tensors along the dims numpy's names suggest, built from ``cat``,
``reshape``, ``narrow`` and ``expand`` as in PyTorch, so their gradients are those ops':

- ``atleast_1d/2d/3d``: views with leading (and for 3-D, trailing) size-1 dims added:
  () -> (1,) / (1, 1) / (1, 1, 1); (n,) -> (1, n) / (1, n, 1); (m, n) -> (m, n, 1);
- ``hstack``: cat along dim 1 (dim 0 for 1-D tensors); ``vstack`` (``row_stack``): cat of the
  ``atleast_2d`` tensors along dim 0; ``dstack``: cat of the ``atleast_3d`` ones along dim 2;
  ``column_stack``: 0-D and 1-D tensors become columns (n, 1), then cat along dim 1;
- ``block_diag``: the blocks on the diagonal of a zero matrix, each row of blocks a cat of zeros
  and the block;
- ``cartesian_prod``: the rows of all combinations, from ``meshgrid`` ('ij') flattened and stacked;
  ``combinations``: the rows of r-element combinations, read with ``index_select``;
- ``tensor_split``: ``narrow`` views at the given indices, or n near-equal parts (the first
  ``size % n`` one longer); ``hsplit`` / ``vsplit`` / ``dsplit`` along dim 1 (0 for 1-D) / 0 / 2;
- ``broadcast_tensors``: each tensor ``expand``-ed to the common shape.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._messages import check_tensor, check_tensor_sequence, typename
from ._operands import _as_int, wrap_dim
from .indexing import index_select
from .replication import meshgrid
from .shape import cat, expand, narrow, reshape, stack


def _atleast(tensors: tuple, shape_of):
    """One tensor (``f(t)``) or a tuple (``f(a, b)``, ``f([a, b])``), each reshaped by ``shape_of``."""
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = check_tensor_sequence(tensors[0] if len(tensors) == 1 and not single else tensors, "atleast")
    shaped = tuple(t if t.shape == shape_of(t.shape) else reshape(t, shape_of(t.shape)) for t in items)
    return shaped[0] if single else shaped


def _shape_1d(shape: tuple) -> tuple:
    return shape or (1,)


def _shape_2d(shape: tuple) -> tuple:
    return (1,) * (2 - len(shape)) + shape if len(shape) < 2 else shape


def _shape_3d(shape: tuple) -> tuple:
    return {0: (1, 1, 1), 1: (1, *shape, 1), 2: (*shape, 1)}.get(len(shape), shape)


def atleast_1d(*tensors):
    return _atleast(tensors, _shape_1d)


def atleast_2d(*tensors):
    return _atleast(tensors, _shape_2d)


def atleast_3d(*tensors):
    return _atleast(tensors, _shape_3d)


def _nonempty(tensors, op: str) -> list:
    tensors = check_tensor_sequence(tensors, op)
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return tensors


def hstack(tensors) -> Tensor:
    parts = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(parts, 0 if parts[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0)


def row_stack(tensors) -> Tensor:
    return cat(atleast_2d(_nonempty(tensors, "row_stack")), 0)


def dstack(tensors) -> Tensor:
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2)


def column_stack(tensors) -> Tensor:
    parts = _nonempty(tensors, "column_stack")
    return cat([reshape(t, t.numel(), 1) if t.ndim <= 1 else t for t in parts], 1)


def block_diag(*tensors) -> Tensor:
    """The 0-2-D ``tensors`` (a scalar is 1x1, a vector one row) as blocks down the diagonal of
    a zero matrix of the promoted dtype: (sum of rows, sum of columns)."""
    for i, t in enumerate(check_tensor_sequence(tensors, "block_diag")):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    blocks = [t if t.ndim == 2 else reshape(t, _shape_2d(t.shape)) for t in tensors]
    if not blocks:
        from .._creation import empty

        return empty(1, 0)
    dtype = _dtype.result_type(*blocks)
    width = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for block in blocks:
        rows_of_block, columns = block.shape
        left = block.new_zeros(rows_of_block, start, dtype=dtype)
        right = block.new_zeros(rows_of_block, width - start - columns, dtype=dtype)
        rows.append(cat([left, block.to(dtype), right], 1))
        start += columns
    return cat(rows, 0)


def cartesian_prod(*tensors) -> Tensor:
    """All combinations of one element from each 1-D tensor, as rows (n_0 ... n_k, k); the first
    tensor varies slowest. One tensor is returned as it is."""
    tensors = check_tensor_sequence(tensors, "cartesian_prod")
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([reshape(grid, -1) for grid in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The r-element combinations of the 1-D ``input``'s elements as rows (n choose r, r), in
    lexicographic order of positions (with repeats when ``with_replacement``)."""
    check_tensor(input, "combinations")
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(choose(range(input.shape[0]), r)), np.int64).reshape(-1, r)
    positions = Tensor._from_storage(rows.reshape(-1), input.device)
    return index_select(input, 0, positions).reshape(rows.shape)


def broadcast_tensors(*tensors) -> tuple:
    """The tensors expanded to their common broadcast shape (views)."""
    tensors = check_tensor_sequence(tensors, "broadcast_tensors")
    shape = np.broadcast_shapes(*(t.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    """Views of ``input`` along ``dim``: ``sections`` (an int) near-equal parts, or the parts
    between the given ``indices`` (a list, or a 0-d/1-D int64 tensor)."""
    check_tensor(input, "tensor_split")
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    axis = wrap_dim(dim, input.ndim)
    length = input.shape[axis]
    split_points = indices_or_sections
    if isinstance(split_points, Tensor):
        if split_points.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {split_points.ndim} dims")
        split_points = split_points.item() if split_points.ndim == 0 else split_points.tolist()
    if isinstance(split_points, (int, np.integer)) and not isinstance(split_points, bool):
        sections = int(split_points)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, longer = divmod(length, sections)
        bounds = list(itertools.accumulate([size + 1] * longer + [size] * (sections - longer), initial=0))
    elif isinstance(split_points, (list, tuple)):
        points = [_as_int(p, "indices") for p in split_points]
        bounds = [0, *points, length]
    else:
        raise TypeError(f"tensor_split(): argument 'indices' (position 2) must be tuple of ints, not "
                        f"{typename(split_points)}")
    clipped = [min(max(b, 0), length) for b in bounds]
    return tuple(narrow(input, axis, start, max(end - start, 0)) for start, end in zip(clipped, clipped[1:]))


def _split_along(input: Tensor, indices_or_sections, dim: int, needed: int, op: str) -> tuple:
    check_tensor(input, op)
    if input.ndim < needed:
        raise RuntimeError(f"torch.{op} requires a tensor with at least {needed} dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    if isinstance(indices_or_sections, int) and input.shape[dim] % indices_or_sections:
        raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input.shape[dim]} is not divisible by the split_size {indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections) -> tuple:
    return _split_along(input, indices_or_sections, 1 if input.ndim > 1 else 0, 1, "hsplit")


def vsplit(input: Tensor, indices_or_sections) -> tuple:
    return _split_along(input, indices_or_sections, 0, 2, "vsplit")


def dsplit(input: Tensor, indices_or_sections) -> tuple:
    return _split_along(input, indices_or_sections, 2, 3, "dsplit")
