"""Margin losses: labels y in {1, -1} say which way a score, a ranking or a distance should go.

    soft_margin:    l = log(1 + e^(-y x))                           dl/dx = -y sigmoid(-y x)  (y: no gradient)
    margin_ranking: l = max(0, -y (x1 - x2) + margin)               (y = 1: x1 should rank higher)
    hinge_embedding:l = x if y == 1, max(0, margin - x) if y == -1  (x: a distance)
    cosine_embedding: c = cos(x1, x2);  l = 1 - c if y == 1, max(0, c - margin) if y == -1
    triplet_margin: l = max(0, margin + d(a, p) - d(a, n)),  d = pairwise_distance
                    (swap: d(a, n) replaced by min(d(a, n), d(p, n)))

soft_margin is one fused node in the input's dtype; the others are, as in PyTorch, built from the
elementwise ops, so their graphs and gradients are the ops' own. As PyTorch's, hinge_embedding
adds both terms for labels that are neither 1 nor -1, and cosine_embedding gives them 0.
"""
from __future__ import annotations

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._loss import (check_broadcasts_to_input, check_castable_to_input, losses_gradient, no_weight_grad,
                    reduce_losses, reduce_tensor, reduction_mode)
from ._messages import check_tensor
from ._operands import floating_dtype
from .distance import pairwise_distance
from .selection import minimum, where
from .softplus import log1p_exp
from .unary import sigmoid_array

_COSINE_EPSILON = 1e-12  # PyTorch's: keeps the cosine of a zero vector finite


class SoftMarginLoss(ArrayFunction):
    backward_name = "SoftMarginLossBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, target, reduction):
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        target = target.astype(input.dtype, copy=False)
        return reduce_losses(log1p_exp(-target * input), reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        target = target.astype(input.dtype, copy=False)
        grad = losses_gradient(grad, ctx.reduction, input.size) * sigmoid_array(-target * input)
        return -grad * target, None, None


@autocast_op
def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """Logistic loss of scores ``input`` for labels ``target`` in {1, -1} (broadcast to the input's
    shape), as ``torch.nn.functional.soft_margin_loss``."""
    check_tensor(input, "soft_margin_loss")
    check_tensor(target, "soft_margin_loss", "target", 2)
    reduction = reduction_mode(size_average, reduce, reduction)
    check_castable_to_input(floating_dtype(input, target), input)
    check_broadcasts_to_input(target, input)
    no_weight_grad("soft_margin_loss", "target", target)  # PyTorch has no derivative for the target
    return SoftMarginLoss.apply(input, target, reduction)


@autocast_op
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """Hinge loss on the order of two scores, as ``torch.nn.functional.margin_ranking_loss``;
    input1, input2 and target of the same number of dims (broadcast)."""
    check_tensor(input1, "margin_ranking_loss", "input1", 1)
    check_tensor(input2, "margin_ranking_loss", "input2", 2)
    check_tensor(target, "margin_ranking_loss", "target", 3)
    reduction = reduction_mode(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError("margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return reduce_tensor((-target * (input1 - input2) + margin).clamp(min=0), reduction)


@autocast_op
def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Hinge loss on distances ``input`` for labels ``target`` in {1, -1} (similar / dissimilar),
    as ``torch.nn.functional.hinge_embedding_loss``."""
    check_tensor(input, "hinge_embedding_loss")
    check_tensor(target, "hinge_embedding_loss", "target", 2)
    reduction = reduction_mode(size_average, reduce, reduction)
    below_margin = where(target != 1, (margin - input).clamp(min=0), 0)
    return reduce_tensor(below_margin + where(target != -1, input, 0), reduction)


@autocast_op
def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """Pull pairs together (y = 1) or push them below a cosine margin (y = -1), as
    ``torch.nn.functional.cosine_embedding_loss``: inputs (N, D) with target (N,), or (D,) with ()."""
    check_tensor(input1, "cosine_embedding_loss", "input1", 1)
    check_tensor(input2, "cosine_embedding_loss", "input2", 2)
    check_tensor(target, "cosine_embedding_loss", "target", 3)
    reduction = reduction_mode(size_average, reduce, reduction)
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.dim() != dim + 1 or input2.dim() != dim + 1:
        raise RuntimeError(f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    squared_norms = ((input1 * input1).sum(dim) + _COSINE_EPSILON) * ((input2 * input2).sum(dim) + _COSINE_EPSILON)
    cosine = (input1 * input2).sum(dim) / squared_norms.sqrt()
    similar = where(target == 1, 1 - cosine, 0)
    return reduce_tensor(similar + where(target == -1, (cosine - margin).clamp(min=0), 0), reduction)


@autocast_op
def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """The anchor should be nearer (p-norm distance) to the positive than to the negative by
    ``margin``, as ``torch.nn.functional.triplet_margin_loss``: inputs (N, D) or (D,)."""
    check_tensor(anchor, "triplet_margin_loss", "anchor", 1)
    check_tensor(positive, "triplet_margin_loss", "positive", 2)
    check_tensor(negative, "triplet_margin_loss", "negative", 3)
    reduction = reduction_mode(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.dim() == positive.dim() == negative.dim():
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
                           f"negative {negative.dim()}D inputs")
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = minimum(to_negative, pairwise_distance(positive, negative, p, eps))
    return reduce_tensor((margin + to_positive - to_negative).clamp(min=0), reduction)
