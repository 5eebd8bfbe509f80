"""The optional elementwise affine map ``y * weight + bias`` of the normalisation layers: its
parameters (weight ones, bias zeros, both of one shape) and their reset."""
from __future__ import annotations

from ... import _creation
from .. import init
from ..parameter import Parameter
from .module import Module


def register_affine(module: Module, shape, affine: bool, bias: bool, device=None, dtype=None) -> None:
    """Register ``weight`` and ``bias`` of ``shape`` on ``module`` (uninitialised; call
    ``reset_affine``), or None placeholders: both without ``affine``, the bias without ``bias``."""
    def parameter(enabled: bool) -> Parameter | None:
        return Parameter(_creation.empty(shape, device=device, dtype=dtype)) if enabled else None

    module.register_parameter("weight", parameter(affine))
    module.register_parameter("bias", parameter(affine and bias))


def reset_affine(module: Module) -> None:
    """weight = 1, bias = 0: the affine map starts as the identity."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)
