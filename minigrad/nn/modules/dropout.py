"""Dropout layers: zero random elements (``Dropout``) or whole channels (``Dropout2d``) while training."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


class _DropoutNd(Module):
    """Holds and validates ``p`` and ``inplace`` for every dropout variant."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability ``p`` and scale the others by 1 / (1 - p);
    in eval mode, the identity. Any shape in, same shape out."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """In training, zero each whole channel ``input[n, c]`` of (N, C, H, W) with probability ``p``
    and scale the kept ones by 1 / (1 - p); in eval mode, the identity. As PyTorch 2.x, a 3-D
    input is taken as (N, C, L), with a warning (see ``F.dropout2d``)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)
