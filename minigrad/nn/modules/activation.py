"""Activation layers: each wraps its ``nn.functional`` form and prints its arguments as PyTorch."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


class _InplaceActivation(Module):
    """An activation that can overwrite its input (``inplace=True``, saving memory); PyTorch
    prints the flag only when it is set, after the other arguments."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def _arguments_repr(self) -> str:
        return ""

    def extra_repr(self) -> str:
        return ", ".join(text for text in (self._arguments_repr(), "inplace=True" if self.inplace else "") if text)


class ReLU(_InplaceActivation):
    """max(x, 0) elementwise."""

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)


class LeakyReLU(_InplaceActivation):
    """x if x > 0 else negative_slope * x."""

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False):
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def _arguments_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class _ExponentialLinear(_InplaceActivation):
    """ELU and CELU: an exponential negative side that saturates at -alpha."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__(inplace)
        self.alpha = alpha

    def _arguments_repr(self) -> str:
        return f"alpha={self.alpha}"


class ELU(_ExponentialLinear):
    """x if x > 0 else alpha * (exp(x) - 1)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)


class SELU(_InplaceActivation):
    """1.0507 * elu(x, alpha=1.6733): keeps activations near zero mean and unit variance."""

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)


class CELU(_ExponentialLinear):
    """x if x > 0 else alpha * (exp(x / alpha) - 1)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)


class SiLU(_InplaceActivation):
    """x * sigmoid(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)


class GELU(Module):
    """x * Phi(x) (Phi: the standard normal CDF), or its tanh approximation with approximate='tanh'."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    """1 / (1 + exp(-x))."""

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class _AlongDim(Module):
    """A normalisation over one dim (``dim=None``: PyTorch's deprecated implicit choice)."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """exp(x_i) / sum_j exp(x_j) along ``dim``: each slice along dim sums to 1."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_AlongDim):
    """x_i - log(sum_j exp(x_j)) along ``dim`` (pairs with NLLLoss)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmin(_AlongDim):
    """softmax(-x) along ``dim``: the smallest values get the largest weights."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)


class GLU(Module):
    """Gated linear unit: a * sigmoid(b), a and b the two halves of the input along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
