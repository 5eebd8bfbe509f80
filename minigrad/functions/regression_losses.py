"""mse_loss and l1_loss: elementwise distances between an input and a target of the same shape.

    mse: l = (x - y)^2,   dl/dx = 2 (x - y) = -dl/dy
    l1:  l = |x - y|,     dl/dx = sign(x - y) = -dl/dy   (0 at x == y, as PyTorch)

As in PyTorch, a target of another shape is broadcast against the input (with a warning), and the
optional elementwise ``weight`` gives ``sum(w * l) / sum(w)`` for 'mean'. mse_loss is one fused
node (PyTorch's MseLossBackward0); l1_loss and the weighted forms are, as in PyTorch, built from
the elementwise ops, so their graphs and gradients (weight included) are the ops' own.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from . import reduction as _reduction
from ._loss import losses_gradient, reduce_losses, reduction_mode, type_name
from ._operands import result_dtype


class MseLoss(ArrayFunction):
    backward_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction, dtype):
        difference = np.subtract(input, target, dtype=dtype)
        ctx.save_for_backward(difference)
        ctx.reduction = reduction
        return reduce_losses(difference * difference, reduction)

    @staticmethod
    def backward(ctx, grad):
        (difference,) = ctx.saved_tensors
        grad_input = 2 * difference * losses_gradient(grad, ctx.reduction, difference.size)
        return grad_input, (-grad_input if ctx.needs_input_grad[1] else None), None, None


def _checked_pair(input: Tensor, target: Tensor) -> np.dtype:
    """Warn as PyTorch about a target that will broadcast; the (floating) dtype of the losses."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
    return result_dtype(input, target)


def _weighted(errors: Tensor, weight: Tensor, input: Tensor, reduction: str) -> Tensor:
    """PyTorch's elementwise-weighted reduction: w * l, sum(w * l), or sum(w * l) / sum(w)."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    if reduction == "none":
        return weighted
    total = _reduction.sum(weighted)
    return total / _reduction.sum(weight) if reduction == "mean" else total


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error, (input - target)^2 elementwise, then reduced; input and target of the
    same shape (*), as ``torch.nn.functional.mse_loss``."""
    dtype = _checked_pair(input, target)
    reduction = reduction_mode(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    if dtype.kind != "f":
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{type_name(input)}\'')
    return MseLoss.apply(input, target, reduction, dtype)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error, |input - target| elementwise, then reduced; input and target of the
    same shape (*), as ``torch.nn.functional.l1_loss``."""
    _checked_pair(input, target)
    reduction = reduction_mode(size_average, reduce, reduction)
    errors = (input - target).abs()
    if weight is not None:
        return _weighted(errors, weight, input, reduction)
    if reduction == "none":
        return errors
    return _reduction.mean(errors) if reduction == "mean" else _reduction.sum(errors)
