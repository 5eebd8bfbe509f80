"""Softplus and the activations built on it, as ``torch.nn``; every one is overflow-free."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .activation import _InplaceActivation
from .module import Module


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, linear (x) where beta * x > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class LogSigmoid(Module):
    """log(sigmoid(x)) = -softplus(-x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Mish(_InplaceActivation):
    """x * tanh(softplus(x))."""

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, inplace=self.inplace)
