"""Replicating elements: ``repeat_interleave`` (each element r times in a row) and ``meshgrid``
(coordinate grids). Both are built from existing differentiable ops, as in PyTorch, so the
gradient of a replicated element is the sum over its copies:

- ``repeat_interleave(x, r, dim)`` with an int r: x.unsqueeze(dim + 1), expanded to r along the
  new dim, flattened back — x = [a, b], r = 2 -> [a, a, b, b];
- with a tensor of repeats: ``index_select`` of the indices [0]*r_0 + [1]*r_1 + ...;
- ``meshgrid``: each 1-D input viewed along its own output dim and expanded over the others.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor
from ._messages import check_tensor, type_name
from ._operands import _as_int, wrap_dim
from .indexing import index_select
from .shape import expand, flatten, reshape, unsqueeze


def _repeat_indices(repeats: Tensor) -> Tensor:
    """``repeat_interleave(repeats)``: i repeated repeats[i] times, for a 1-D int64 ``repeats``."""
    if repeats.dtype.is_floating_point or repeats.dtype.name == "bool":
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{type_name(repeats.dtype)}\'')
    if repeats.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    counts = repeats._data.reshape(-1)
    if counts.size and counts.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return Tensor._from_storage(np.repeat(np.arange(counts.size, dtype=np.int64), counts), repeats.device)


def repeat_interleave(input: Tensor, repeats=None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element (each slice along ``dim``) of ``input`` ``repeats`` times in place.

    ``repeats`` is an int or a 0-d/1-D integer tensor with one count per slice (a single count
    is shared). Without ``dim`` the input is flattened first. The output's size along ``dim``
    is the total count. ``repeat_interleave(repeats)`` alone gives the indices
    [0]*repeats[0] + [1]*repeats[1] + ... . ``output_size`` (a hint that spares PyTorch a
    device sync) is accepted and not needed.
    """
    check_tensor(input, "repeat_interleave")
    if repeats is None:
        return _repeat_indices(input)
    axis = 0 if dim is None else wrap_dim(dim, input.ndim)
    if dim is None:
        input = flatten(input)
    if isinstance(repeats, Tensor):
        if input.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        length = input.shape[axis]
        if repeats.ndim == 1 and repeats.shape[0] not in (1, length):
            raise RuntimeError(
                "repeats must have the same size as input along dim, but got repeats.size(0) = "
                f"{repeats.shape[0]} and input.size({axis}) = {length}")
        if repeats.numel() == 1:
            repeats = Tensor._from_storage(np.broadcast_to(repeats._data.reshape(1), (length,)), repeats.device)
        return index_select(input, axis, _repeat_indices(repeats))
    count = _as_int(repeats, "repeats")
    if count < 0:
        raise RuntimeError("Repeats must be non-negative")
    copies = unsqueeze(input, axis + 1)
    copies = expand(copies, *copies.shape[:axis + 1], count, *copies.shape[axis + 2:])
    return flatten(copies, axis, axis + 1)


def _grid_inputs(tensors: tuple) -> list:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    if any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a {t.ndim}-D tensor")
    return list(tensors)


def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids of N 0-D/1-D tensors of sizes n_0, ..., n_{N-1}.

    ``indexing='ij'``: every output has shape (n_0, ..., n_{N-1}) and out_k[i_0, ..., i_{N-1}] =
    tensors[k][i_k]. ``'xy'`` (Cartesian, as numpy's default) swaps the first two output dims:
    shape (n_1, n_0, n_2, ...). Without ``indexing``, 'ij' with PyTorch's warning. The outputs
    are broadcast views of the inputs.
    """
    tensors = _grid_inputs(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    sizes = [t.numel() for t in tensors]
    position = list(range(len(tensors)))  # output dim of each input
    if indexing == "xy" and len(tensors) > 1:
        position[0], position[1] = 1, 0
    shape = [0] * len(tensors)
    for k, p in enumerate(position):
        shape[p] = sizes[k]
    grids = []
    for k, t in enumerate(tensors):
        view = [1] * len(tensors)
        view[position[k]] = sizes[k]
        grids.append(expand(reshape(t, *view), *shape))
    return tuple(grids)
