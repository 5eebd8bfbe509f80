"""``LayerNorm``, ``GroupNorm`` and ``RMSNorm``: normalisation with per-sample statistics (the same
in training and eval mode, so no running statistics).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias          (LayerNorm, GroupNorm)
    y = x / sqrt(E[x^2] + eps) * weight                          (RMSNorm)
"""
from __future__ import annotations

import numbers

from ... import _creation
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ._affine import register_affine, reset_affine
from .module import Module


class LayerNorm(Module):
    """Layer norm over the trailing ``normalized_shape`` dims: input (*, *normalized_shape), each
    leading index normalised over those dims; ``weight`` (ones) and ``bias`` (zeros) have shape
    normalized_shape when ``elementwise_affine`` (no ``bias`` when bias=False).

    Args: normalized_shape (an int or a shape); eps added to the variance; elementwise_affine; bias.
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        register_affine(self, self.normalized_shape, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Group norm of (N, C, *): the C channels form ``num_groups`` groups of C / G consecutive
    channels, each normalised per sample over its (C / G, *) values; per-channel ``weight`` (ones)
    and ``bias`` (zeros) (C,) when ``affine``.

    Args: num_groups G (must divide num_channels); num_channels C; eps; affine; bias.
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        register_affine(self, num_channels, affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """Root-mean-square norm over the trailing ``normalized_shape`` dims: input (*, *normalized_shape),
    each leading index divided by the RMS of its values there; ``weight`` (ones, of shape
    normalized_shape) when ``elementwise_affine``. No bias, no mean subtraction.

    Args: normalized_shape (an int or a shape); eps added to the mean square (None: the machine
    epsilon of the input's dtype, ``minigrad.finfo(dtype).eps``); elementwise_affine.
    """

    def __init__(self, normalized_shape, eps: float | None = None, elementwise_affine: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        weight = Parameter(_creation.empty(self.normalized_shape, device=device, dtype=dtype))
        self.register_parameter("weight", weight if elementwise_affine else None)  # no bias, as PyTorch's
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


def _as_shape(normalized_shape) -> tuple[int, ...]:
    """The trailing shape a layer normalises over: an int n means (n,)."""
    return (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
