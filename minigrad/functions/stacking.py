"""Joining tensors along the dims numpy's names suggest, built from ``cat`` and ``reshape`` as
in PyTorch, so their gradients are those of ``cat``:

- ``atleast_1d/2d/3d``: views with leading (and for 3-D, trailing) size-1 dims added:
  () -> (1,) / (1, 1) / (1, 1, 1); (n,) -> (1, n) / (1, n, 1); (m, n) -> (m, n, 1);
- ``hstack``: cat along dim 1 (dim 0 for 1-D tensors); ``vstack`` (``row_stack``): cat of the
  ``atleast_2d`` tensors along dim 0; ``dstack``: cat of the ``atleast_3d`` ones along dim 2;
  ``column_stack``: 0-D and 1-D tensors become columns (n, 1), then cat along dim 1;
- ``block_diag``: the blocks on the diagonal of a zero matrix, each row of blocks a cat of zeros
  and the block;
- ``cartesian_prod``: the rows of all combinations, from ``meshgrid`` ('ij') flattened and stacked.
"""
from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from ._operands import check_tensor_sequence
from .replication import meshgrid
from .shape import cat, reshape, stack


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
