"""Flatten parameters into one vector and back, as ``torch.nn.utils.parameters_to_vector``."""
from __future__ import annotations

from collections.abc import Iterable

from ..._tensor import Tensor
from ...functions.shape import cat
from ..modules.module import _typename


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters' elements, concatenated in order, as one 1-D tensor (differentiable)."""
    return cat([param.reshape(-1) for param in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters' data, in order."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected minigrad.Tensor, but got: {_typename(vec)}")
    offset = 0
    for param in parameters:
        count = param.numel()
        param.data = vec[offset:offset + count].view_as(param).data
        offset += count
