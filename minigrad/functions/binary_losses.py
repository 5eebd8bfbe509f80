"""binary_cross_entropy (on probabilities) and binary_cross_entropy_with_logits (on logits).

For a probability x in [0, 1] and a target y in [0, 1], with elementwise weight w:

    bce:  l = -w (y max(log x, -100) + (1 - y) max(log(1 - x), -100))
          dl/dx = w (x - y) / max(x (1 - x), 1e-12)

The clamps are PyTorch's: a probability of exactly 0 or 1 costs at most 100 and the gradient at
most 1e12, never inf or nan. On logits x, with positive-class weight p (pos_weight, broadcast
over the last dim) and the never-overflowing softplus(-x) = log(1 + e^-|x|) + max(-x, 0):

    with_logits:  l = w ((1 - y) x + L softplus(-x)),   L = 1 + (p - 1) y
                  dl/dx = w (L sigmoid(x) - p y),        dl/dy = w ((p - 1) softplus(-x) - x)

(p = 1 without pos_weight). Targets are differentiable; weights are not, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import type_name
from ._loss import check_broadcasts_to_input, losses_gradient, no_weight_grad, reduce_losses, reduction_mode
from .activation import _floating
from .softplus import log1p_exp
from ._messages import check_tensor
from .unary import sigmoid_array

_LOG_FLOOR = -100.0  # PyTorch's clamp of log(x) and log(1 - x) in binary_cross_entropy
_EPSILON = 1e-12  # PyTorch's floor of x (1 - x) in its gradient


class BinaryCrossEntropy(ArrayFunction):
    backward_name = "BinaryCrossEntropyBackward0"
    saves_constants = True  # the weight: not differentiable (PyTorch's rule)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        log_x = np.maximum(np.log(input), _LOG_FLOOR)  # log(0) = -inf, clamped right away
        log_1mx = np.maximum(np.log1p(-input), _LOG_FLOOR)
        losses = -(target * log_x + (1 - target) * log_1mx)
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(input, target, weight)
        ctx.reduction = reduction
        return reduce_losses(losses, reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight = ctx.saved_tensors
        grad = losses_gradient(grad, ctx.reduction, input.size)
        if weight is not None:
            grad = grad * weight
        grad_input = grad_target = None
        if ctx.needs_input_grad[0]:
            grad_input = grad * (input - target) / np.maximum(input * (1 - input), _EPSILON)
        if ctx.needs_input_grad[1]:  # the derivative of the clamped forward: log(1 - x) - log(x)
            grad_target = grad * (np.maximum(np.log1p(-input), _LOG_FLOOR) - np.maximum(np.log(input), _LOG_FLOOR))
        return grad_input, grad_target, None, None


class BinaryCrossEntropyWithLogits(ArrayFunction):
    backward_name = "BinaryCrossEntropyWithLogitsBackward0"
    saves_constants = True  # weight and pos_weight: not differentiable (PyTorch's rule)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        softplus = log1p_exp(-input)
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * target
        losses = (1 - target) * input + log_weight * softplus
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(input, target, weight, pos_weight)
        ctx.reduction = reduction
        return reduce_losses(losses.astype(target.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight, pos_weight = ctx.saved_tensors
        grad = losses_gradient(grad, ctx.reduction, input.size)
        if weight is not None:
            grad = grad * weight
        grad_input = grad_target = None
        if ctx.needs_input_grad[0]:
            sigmoid = sigmoid_array(input)
            if pos_weight is None:
                grad_input = grad * (sigmoid - target)
            else:
                log_weight = 1 + (pos_weight - 1) * target
                grad_input = grad * (log_weight * sigmoid - pos_weight * target)
        if ctx.needs_input_grad[1]:
            grad_target = grad * (-input if pos_weight is None else (pos_weight - 1) * log1p_exp(-input) - input)
        return grad_input, grad_target, None, None, None


def _weight_storage(weight: Tensor | None, input: Tensor, dtype: np.dtype) -> np.ndarray | None:
    """The storage of an elementwise weight in ``dtype``, checked to broadcast to the input's shape."""
    if weight is None:
        return None
    check_broadcasts_to_input(weight, input)
    return weight._data.astype(dtype, copy=False)


@autocast_op
def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy between probabilities ``input`` and ``target`` (same shape, values in
    [0, 1]), as ``torch.nn.functional.binary_cross_entropy``; ``weight`` broadcasts to the input."""
    check_tensor(input, "binary_cross_entropy")
    check_tensor(target, "binary_cross_entropy", "target", 2)
    if weight is not None:
        check_tensor(weight, "binary_cross_entropy", "weight", 3)
    reduction = reduction_mode(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    _floating(input, "binary_cross_entropy")
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {type_name(target)} but expected {type_name(input)}")
    no_weight_grad("binary_cross_entropy", "weight", weight)
    weight = _weight_storage(weight, input, input.dtype.numpy)
    for name, values in (("input", input._data), ("target", target._data)):
        if not ((values >= 0) & (values <= 1)).all():  # written so that nan fails too
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    return BinaryCrossEntropy.apply(input, target, weight, reduction)


@autocast_op
def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid and binary cross-entropy in one stable step, as
    ``torch.nn.functional.binary_cross_entropy_with_logits``: logits ``input`` and targets of the
    same shape; ``weight`` (elementwise) and ``pos_weight`` (per class, the last dim) broadcast."""
    check_tensor(input, "binary_cross_entropy_with_logits")
    check_tensor(target, "binary_cross_entropy_with_logits", "target", 2)
    if weight is not None:
        check_tensor(weight, "binary_cross_entropy_with_logits", "weight", 3)
    if pos_weight is not None:
        check_tensor(pos_weight, "binary_cross_entropy_with_logits", "pos_weight", 7)
    reduction = reduction_mode(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _floating(input, "log_sigmoid_cpu")
    if not target.dtype.is_floating_point:  # PyTorch computes in the target's dtype
        raise RuntimeError(f"result type {type_name(input)} can't be cast to the desired output type "
                           f"{type_name(target)}")
    no_weight_grad("binary_cross_entropy_with_logits", "weight", weight)
    no_weight_grad("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    dtype = target.dtype.numpy
    return BinaryCrossEntropyWithLogits.apply(input, target, _weight_storage(weight, input, dtype),
                                              _weight_storage(pos_weight, input, dtype), reduction)
