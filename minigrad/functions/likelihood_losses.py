"""Losses from probability distributions: kl_div, poisson_nll_loss and gaussian_nll_loss.

    kl_div (x = log q, t = p):       l = t (log t - x)       dl/dx = -t     dl/dt = log t + 1 - x
           (log_target, t = log p):  l = e^t (t - x)         dl/dx = -e^t   dl/dt = e^t (t - x + 1)
    poisson_nll (log_input):         l = e^x - t x
                (otherwise):         l = x - t log(x + eps)
                (full): + the Stirling term t log t - t + log(2 pi t) / 2 where t > 1
    gaussian_nll:                    l = (log(max(var, eps)) + (x - t)^2 / max(var, eps)) / 2
                (full): + log(2 pi) / 2

kl_div is one fused node (with t log t = 0 at t = 0); 'batchmean' divides its sum by the batch
size, the true KL divergence per sample. The Poisson and Gaussian losses are, as in PyTorch,
built from the elementwise ops.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _creation
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import no_grad
from ._loss import losses_gradient, reduce_losses, reduce_tensor, reduction_mode
from ._messages import check_tensor
from ._operands import floating_dtype


class KlDiv(ArrayFunction):
    backward_name = "KlDivBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, target, reduction, log_target, dtype):
        input, target = input.astype(dtype, copy=False), target.astype(dtype, copy=False)
        ctx.save_for_backward(input, target)
        ctx.reduction, ctx.log_target = reduction, log_target
        if log_target:
            losses = np.exp(target) * (target - input)
        else:
            # t = 0 is masked; t < 0 gives nan, as PyTorch
            losses = np.where(target == 0, 0, target * np.log(target)) - target * input
        ctx.count = losses.size
        return reduce_losses(losses, reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        grad = losses_gradient(grad, ctx.reduction, ctx.count)
        probability = np.exp(target) if ctx.log_target else target
        grad_input = -grad * probability if ctx.needs_input_grad[0] else None
        grad_target = None
        if ctx.needs_input_grad[1]:
            log_probability = target if ctx.log_target else np.log(target)
            grad_target = grad * (log_probability + 1 - input) * (probability if ctx.log_target else 1)
        return grad_input, grad_target, None, None, None


@autocast_op
def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence of the distribution ``target`` from log-probabilities ``input`` (same shape),
    as ``torch.nn.functional.kl_div``; ``reduction='batchmean'`` gives sum / batch size."""
    check_tensor(input, "kl_div")
    check_tensor(target, "kl_div", "target", 2)
    if size_average is not None or reduce is not None:
        mode = reduction_mode(size_average, reduce, reduction)
    elif reduction == "batchmean":
        mode = "sum"
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        mode = reduction_mode(None, None, reduction)
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    loss = KlDiv.apply(input, target, mode, log_target, floating_dtype(input, target))
    if reduction == "batchmean" and input.dim() != 0:
        return loss / input.shape[0]
    return loss


@autocast_op
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of counts ``target`` under Poisson rates ``input`` (log-rates with
    ``log_input``), as ``torch.nn.functional.poisson_nll_loss``; same shape (*)."""
    check_tensor(input, "poisson_nll_loss")
    check_tensor(target, "poisson_nll_loss", "target", 2)
    reduction = reduction_mode(size_average, reduce, reduction)
    losses = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        small = target <= 1  # no Stirling term there; 1 stands in so log sees no 0 (no numpy warning)
        counts = target.masked_fill(small, 1)
        stirling = counts * counts.log() - counts + 0.5 * (2 * math.pi * counts).log()
        losses = losses + stirling.masked_fill(small, 0)
    return reduce_tensor(losses, reduction)


def _var_shaped_for(var: Tensor, input: Tensor) -> Tensor:
    """``var`` broadcastable to the input, as PyTorch accepts it: the input's shape (one variance
    per element), the input's shape minus its last dim, or that shape with one dim of size 1
    (one variance shared along that dim)."""
    if var.shape == input.shape:
        return var
    if input.shape[:-1] == var.shape:
        return var.unsqueeze(-1)
    if input.dim() == var.dim() and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ValueError("var is of incorrect size")


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under normal distributions of mean ``input`` and
    variance ``var``, as ``torch.nn.functional.gaussian_nll_loss``. The variance is clamped to at
    least eps outside autograd (its gradient is taken as if unclamped)."""
    check_tensor(input, "gaussian_nll_loss")
    check_tensor(target, "gaussian_nll_loss", "target", 2)
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * _creation.ones_like(input)
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    var = _var_shaped_for(var, input)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    losses = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return reduce_tensor(losses, reduction)
