"""Padding layers, each ``F.pad`` with a fixed mode over the last 1, 2 or 3 dims:
``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad`` and ``CircularPad`` {1,2,3}d.

``padding`` is an int (the same on every side) or a tuple in ``F.pad``'s order: (left, right) for
1d, (left, right, top, bottom) for 2d, (left, right, top, bottom, front, back) for 3d.
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...functions._messages import check_tensor
from .. import functional as F
from .module import Module
from .utils import _ntuple


class _PadNd(Module):
    """``F.pad(input, self.padding, self.mode)`` over the last ``dims`` dims."""

    mode: str
    dims: int

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _ntuple(2 * self.dims)(padding)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``: (.., W) -> (.., left + W + right)."""

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dims with ``value``: (.., H, W) -> (.., top + H + bottom, left + W + right)."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dims with ``value``: (.., D, H, W) -> (.., front + D + back, ..)."""

    dims = 3


class _ZeroPad:
    """``ConstantPadNd`` with value 0, shown with the padding alone (as PyTorch's ZeroPadNd)."""

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPad, ConstantPad1d):
    """Pads the last dim with zeros."""


class ZeroPad2d(_ZeroPad, ConstantPad2d):
    """Pads the last two dims with zeros."""


class ZeroPad3d(_ZeroPad, ConstantPad3d):
    """Pads the last three dims with zeros."""


class ReflectionPad1d(_PadNd):
    """Mirrors about the edge element, not repeating it: ``[a b c]`` by 2 -> ``c b [a b c] b a``;
    (N, C, W) or (C, W); each pad < W."""

    mode, dims = "reflect", 1


class ReflectionPad2d(_PadNd):
    """Reflection padding of the last two dims of (N, C, H, W) or (C, H, W); each pad < its dim."""

    mode, dims = "reflect", 2


class ReflectionPad3d(_PadNd):
    """Reflection padding of the last three dims of (N, C, D, H, W) or (C, D, H, W)."""

    mode, dims = "reflect", 3


class ReplicationPad1d(_PadNd):
    """Repeats the edge element: ``[a b c]`` by 2 -> ``a a [a b c] c c``; (N, C, W) or (C, W)."""

    mode, dims = "replicate", 1


class ReplicationPad2d(_PadNd):
    """Replication padding of the last two dims of (N, C, H, W) or (C, H, W)."""

    mode, dims = "replicate", 2


class ReplicationPad3d(_PadNd):
    """Replication padding of the last three dims of (N, C, D, H, W) or (C, D, H, W)."""

    mode, dims = "replicate", 3


class _CircularPadNd(_PadNd):
    """Wraps around: ``[a b c]`` by 2 -> ``b c [a b c] a b``; each pad <= its dim."""

    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        check_tensor(input, "pad")
        if input.dim() not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Circular padding of the last dim of (N, C, W) or (C, W)."""

    dims = 1


class CircularPad2d(_CircularPadNd):
    """Circular padding of the last two dims of (N, C, H, W) or (C, H, W)."""

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Circular padding of the last three dims of (N, C, D, H, W) or (C, D, H, W)."""

    dims = 3
