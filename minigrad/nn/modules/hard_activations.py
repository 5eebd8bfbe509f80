"""Hard activations (piecewise stand-ins for tanh, sigmoid and swish, and a step), as ``torch.nn``:
each wraps its ``nn.functional`` form and prints its arguments as PyTorch does."""
from __future__ import annotations

import warnings

from ..._tensor import Tensor
from .. import functional as F
from .activation import _InplaceActivation


class Hardtanh(_InplaceActivation):
    """clamp(x, min_val, max_val). ``min_value`` / ``max_value`` are PyTorch's deprecated spellings."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__(inplace)
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def _arguments_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Hardtanh):
    """min(max(x, 0), 6): Hardtanh(0, 6), printed with its inplace flag only."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def _arguments_repr(self) -> str:
        return ""


class Threshold(_InplaceActivation):
    """x if x > threshold else value."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.threshold = threshold
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def _arguments_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}"


class _UnprintedInplaceActivation(_InplaceActivation):
    """An activation with an ``inplace`` flag that PyTorch's repr never shows."""

    def extra_repr(self) -> str:
        return ""


class Hardsigmoid(_UnprintedInplaceActivation):
    """min(max(x + 3, 0), 6) / 6."""

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Hardswish(_UnprintedInplaceActivation):
    """x * hardsigmoid(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)
