"""Linear interpolation ``lerp(input, end, weight) = input + weight * (end - input)``, broadcast.

    d/d input = 1 - weight      d/d end = weight      d/d weight = end - input

As PyTorch, it is computed as ``end - (end - input) * (1 - weight)`` where |weight| >= 0.5, so
that weight = 1 gives exactly ``end``.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import check_broadcast


class Lerp(ArrayFunction):
    """A Python-number weight."""
    backward_name = "LerpBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, end, weight):
        ctx.save_for_backward(x, end, weight)
        difference = end - x
        return np.where(np.abs(weight) < 0.5, x + weight * difference, end - difference * (1 - weight))

    @staticmethod
    def backward(ctx, grad):
        x, end, weight = ctx.saved_tensors
        grad_weight = grad * (end - x) if ctx.needs_input_grad[2] else None
        return grad * (1 - weight), grad * weight, grad_weight


class LerpTensorWeight(Lerp):
    """A tensor weight, which takes a gradient too."""

    backward_name = "LerpBackward1"
    runs_on_cuda = True


def _check_lerp(input: Tensor, end: Tensor, weight) -> None:
    tensor_weight = isinstance(weight, Tensor)
    if not input.dtype.is_floating_point:
        kind = "tensor" if tensor_weight else "scalar"
        raise NotImplementedError(f'"lerp_kernel_{kind}" not implemented for \'{type_name(input.dtype)}\'')
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and other.dtype != input.dtype:
            raise RuntimeError(f"expected dtype {type_name(input.dtype).lower()} for `{name}` but got dtype "
                               f"{type_name(other.dtype).lower()}")
    operands = [input, end, weight] if tensor_weight else [input, end]
    for i, a in enumerate(operands):
        for b in operands[i + 1:]:
            check_broadcast(a, b)


def lerp(input: Tensor, end: Tensor, weight) -> Tensor:
    """input + weight * (end - input), broadcast over all three; ``weight`` is a number or a tensor
    of input's dtype."""
    check_tensor(input, "lerp")
    check_tensor(end, "lerp", "end", 2)
    _check_lerp(input, end, weight)
    if isinstance(weight, Tensor):
        return LerpTensorWeight.apply(input, end, weight)
    return Lerp.apply(input, end, float(weight))
