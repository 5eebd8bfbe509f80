"""Rearranging a tensor's elements, built from ``repeat``, ``flip`` and ``transpose`` as in
PyTorch (so the gradients are theirs):

- ``tile(x, dims)``: ``repeat`` with ``dims`` padded on the left with 1s to x's rank;
- ``rot90(x, k, dims)``: k quarter turns from ``dims[0]`` towards ``dims[1]``: one turn is a flip
  of ``dims[1]`` then a transpose, two turns a flip of both, three a flip of ``dims[0]`` then a
  transpose;
- ``fliplr`` / ``flipud``: flip dim 1 / dim 0.
"""
from __future__ import annotations

from .._tensor import Tensor
from ._messages import check_tensor, typename
from ._operands import _as_int, wrap_dim
from .shape import flip, repeat, transpose


def tile(input: Tensor, dims) -> Tensor:
    check_tensor(input, "tile")
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not {typename(dims)}")
    dims = tuple(_as_int(d, "dims") for d in dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    check_tensor(input, "rot90")
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    first, second = (wrap_dim(d, input.ndim) for d in dims)
    if first == second:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    turns = _as_int(k, "k") % 4
    if turns == 1:
        return transpose(flip(input, [second]), first, second)
    if turns == 2:
        return flip(input, [first, second])
    if turns == 3:
        return transpose(flip(input, [first]), first, second)
    return input.clone()


def fliplr(input: Tensor) -> Tensor:
    check_tensor(input, "fliplr")
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


def flipud(input: Tensor) -> Tensor:
    check_tensor(input, "flipud")
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])
