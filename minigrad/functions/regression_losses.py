"""mse_loss, l1_loss, smooth_l1_loss and huber_loss: elementwise distances between an input and a
target of the same shape. With d = x - y:

    mse:       l = d^2,   dl/dx = 2 d = -dl/dy
    l1:        l = |d|,   dl/dx = sign(d) = -dl/dy   (0 at x == y, as PyTorch)
    smooth_l1: l = d^2 / (2 beta) if |d| < beta else |d| - beta / 2      dl/dx = clamp(d / beta, -1, 1)
    huber:     l = delta * smooth_l1(beta=delta)                          dl/dx = clamp(d, -delta, delta)

Smooth L1 and Huber are one Function (quadratic near 0, linear beyond beta, so outliers pull with
a bounded force); smooth_l1 with beta = 0 is l1_loss, as in PyTorch.

As in PyTorch, a target of another shape is broadcast against the input (with a warning), and the
optional elementwise ``weight`` gives ``sum(w * l) / sum(w)`` for 'mean'. mse_loss is one fused
node (PyTorch's MseLossBackward0); l1_loss and the weighted forms are, as in PyTorch, built from
the elementwise ops, so their graphs and gradients (weight included) are the ops' own.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from . import reduction as _reduction
from ._messages import type_name
from ._loss import check_castable_to_input, losses_gradient, reduce_losses, reduce_tensor, reduction_mode
from ._messages import check_tensor
from ._operands import result_dtype


class MseLoss(ArrayFunction):
    backward_name = "MseLossBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, target, reduction, dtype):
        # The operands are kept, not their difference: backward forms it again (one subtraction), so
        # that it is a function of them when the backward is recorded (create_graph).
        ctx.save_for_backward(input, target)
        ctx.reduction, ctx.dtype = reduction, dtype
        difference = np.subtract(input, target, dtype=dtype)
        return reduce_losses(difference * difference, reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        difference = np.subtract(input, target, dtype=ctx.dtype)
        grad_input = 2 * difference * losses_gradient(grad, ctx.reduction, difference.size)
        return grad_input, (-grad_input if ctx.needs_input_grad[1] else None), None, None


class SmoothL1Loss(ArrayFunction):
    backward_name = "SmoothL1LossBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, target, reduction, dtype, beta, scale):
        difference = np.subtract(input, target, dtype=dtype)
        distance = np.abs(difference)
        quadratic = distance < beta
        ctx.save_for_backward(input, target, quadratic)  # the operands, as MseLoss
        ctx.reduction, ctx.dtype, ctx.beta, ctx.scale = reduction, dtype, beta, scale
        losses = np.where(quadratic, 0.5 * difference * difference / beta, distance - 0.5 * beta)
        return reduce_losses(scale * losses, reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target, quadratic = ctx.saved_tensors
        difference = np.subtract(input, target, dtype=ctx.dtype)
        slope = np.where(quadratic, difference / ctx.beta, np.sign(difference))
        grad_input = ctx.scale * slope * losses_gradient(grad, ctx.reduction, difference.size)
        return grad_input, (-grad_input if ctx.needs_input_grad[1] else None), None, None, None, None


class HuberLoss(SmoothL1Loss):
    backward_name = "HuberLossBackward0"


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


@autocast_op
def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error, (input - target)^2 elementwise, then reduced; input and target of the
    same shape (*), as ``torch.nn.functional.mse_loss``."""
    check_tensor(input, "mse_loss")
    check_tensor(target, "mse_loss", "target", 2)
    if weight is not None:
        check_tensor(weight, "mse_loss", "weight", 6)
    dtype = _checked_pair(input, target)
    reduction = reduction_mode(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    if dtype.kind != "f":
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{type_name(input)}\'')
    return MseLoss.apply(input, target, reduction, dtype)


@autocast_op
def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error, |input - target| elementwise, then reduced; input and target of the
    same shape (*), as ``torch.nn.functional.l1_loss``."""
    check_tensor(input, "l1_loss")
    check_tensor(target, "l1_loss", "target", 2)
    if weight is not None:
        check_tensor(weight, "l1_loss", "weight", 6)
    _checked_pair(input, target)
    reduction = reduction_mode(size_average, reduce, reduction)
    errors = (input - target).abs()
    if weight is not None:
        return _weighted(errors, weight, input, reduction)
    return reduce_tensor(errors, reduction)


@autocast_op
def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error below ``beta``, absolute error (minus beta / 2) above it, as
    ``torch.nn.functional.smooth_l1_loss``; input and target of the same shape (*)."""
    check_tensor(input, "smooth_l1_loss")
    check_tensor(target, "smooth_l1_loss", "target", 2)
    dtype = _checked_pair(input, target)
    reduction = reduction_mode(size_average, reduce, reduction)
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if dtype.kind != "f":
        raise NotImplementedError(f'"smooth_l1_cpu" not implemented for \'{type_name(input)}\'')
    return SmoothL1Loss.apply(input, target, reduction, dtype, beta, 1.0)


@autocast_op
def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared error / 2 below ``delta``, delta * (absolute error - delta / 2) above it, as
    ``torch.nn.functional.huber_loss``; input and target of the same shape (*). The result has the
    input's dtype; the optional elementwise ``weight`` multiplies the losses before the reduction."""
    check_tensor(input, "huber_loss")
    check_tensor(target, "huber_loss", "target", 2)
    if weight is not None:
        check_tensor(weight, "huber_loss", "weight", 5)
    dtype = _checked_pair(input, target)
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
        return reduce_tensor(huber_loss(input, target, "none", delta) * weight, reduction)
    reduction = reduction_mode(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    check_castable_to_input(dtype, input)  # PyTorch writes the losses in the input's dtype
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"huber_cpu" not implemented for \'{type_name(input)}\'')
    return HuberLoss.apply(input, target, reduction, input.dtype.numpy, delta, delta)
