"""cross_entropy and nll_loss: losses over class scores (N, C), (N, C, d1, ..., dk) or unbatched (C,).

Both move the class axis last and flatten every other axis into M rows, (M, C), run the kernel
on the rows and reduce inside the same Function (kernels/cross_entropy.py, kernels/nll_loss.py):

    nll_loss:       l_i = -w[t_i] * input[i, t_i]
    cross_entropy:  l_i = sum_c q_ic * (logsumexp(x_i) - x_ic),   grad_i = softmax(x_i) * Q_i - q_i

cross_entropy is ONE graph node: log-softmax and the NLL are fused in one max-shifted kernel pass,
so logits of any size give finite losses and gradients. q is the (weighted, smoothed) target
distribution, Q_i its total. Targets are either

* class indices, int64 (or uint8) of the input's shape without the class axis; rows whose
  target is ``ignore_index`` add nothing, and 'mean' divides by the total weight w[t_i] of the
  other rows; or
* (cross_entropy only) class probabilities, a float tensor of the input's shape; 'mean' divides
  by M. These targets, and their class weights, are differentiable as in PyTorch.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._device import kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import is_grad_enabled
from ._messages import type_name
from ._loss import losses_gradient, no_weight_grad, reduce_losses, reduction_mode
from ._messages import check_tensor
from .activation import _floating
from .cross_entropy_backward import CrossEntropyBackward, NegativeLogSoftmax, NllLossBackward


def _rows(x: np.ndarray) -> np.ndarray:
    """(N, C, d1, ..., dk) -> (N * d1 * ... * dk, C), the class axis last; (N, C) as is; (C,) -> (1, C)."""
    if x.ndim == 2:
        return x
    if x.ndim == 1:
        return x[None]
    moved = np.moveaxis(x, 1, -1)
    return moved.reshape(math.prod(moved.shape[:-1]), x.shape[1])


def _unrows(rows: np.ndarray, shape: tuple) -> np.ndarray:
    """The inverse of ``_rows``: (M, C) back to the layout ``shape``."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    return np.moveaxis(rows.reshape(shape[0], *shape[2:], shape[1]), -1, 1)


def _loss_shape(shape: tuple) -> tuple:
    """Shape of the per-row losses ('none'): the input's without its class axis."""
    return (shape[0], *shape[2:]) if len(shape) > 1 else ()


def _target_rows(target: np.ndarray, input: np.ndarray) -> np.ndarray:
    """Targets as the kernels take them: probabilities (M, C) or class indices (M,)."""
    return _rows(target) if target.shape == input.shape else target.reshape(-1)


class CrossEntropy(ArrayFunction):
    # PyTorch's cross_entropy graph ends in its NLL node, so loss reprs read the same.
    backward_name = "NllLossBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True
    # Class weights of class-index targets are constants; the log-sum-exp and unit gradient are
    # caches handed only to ops whose derivatives go through the logits (cross_entropy_backward.py).
    saves_constants = True

    @staticmethod
    def forward(ctx, input, target, weight, reduction, ignore_index, label_smoothing):
        kernels = kernel_module("cross_entropy", ctx.device)
        # The gradient wrt the logits comes out of the forward's pass (kernels/cross_entropy.py).
        with_grad = ctx.needs_input_grad[0] and is_grad_enabled()
        results = kernels.cross_entropy_forward(
            _rows(input), _target_rows(target, input), weight, ignore_index, label_smoothing, return_grad=with_grad)
        losses, denominator, lse = results[:3]
        ctx.save_for_backward(input, target, weight, lse, results[3] if with_grad else None)
        ctx.options = (reduction, ignore_index, label_smoothing, denominator)
        return reduce_losses(losses.reshape(_loss_shape(input.shape)), reduction, denominator)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight, lse, unit_grad = ctx.saved_tensors
        reduction, ignore_index, smoothing, denominator = ctx.options
        logits, rows_target = _rows(input), _target_rows(target, input)
        grad_rows = losses_gradient(grad, reduction, denominator).reshape(-1)
        grad_input = grad_target = grad_weight = None
        if ctx.needs_input_grad[0]:
            grad_input = _unrows(CrossEntropyBackward.compute(
                grad_rows, logits, rows_target, weight, lse, unit_grad, ignore_index, smoothing),
                input.shape)
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
            # Probability targets: l_i = sum_c ((1 - s) p_ic + s / C) w_c nlp_ic, nlp = -log_softmax.
            weighted_nlp = grad_rows[:, None] * NegativeLogSoftmax.compute(logits, lse)
            if ctx.needs_input_grad[1]:
                class_weight = 1.0 if weight is None else weight
                grad_target = _unrows((1.0 - smoothing) * class_weight * weighted_nlp, input.shape)
            if ctx.needs_input_grad[2]:
                smoothed = (1.0 - smoothing) * rows_target + smoothing / logits.shape[1]
                grad_weight = (smoothed * weighted_nlp).sum(axis=0)
        return grad_input, grad_target, grad_weight, None, None, None


class NllLoss(ArrayFunction):
    backward_name = "NllLossBackward0"
    runs_on_cuda = True
    saves_constants = True  # the class weights

    @staticmethod
    def forward(ctx, input, target, weight, reduction, ignore_index):
        losses, total_weight = kernel_module("nll_loss", ctx.device).nll_loss_forward(
            _rows(input), target.reshape(-1), weight, ignore_index)
        ctx.save_for_backward(input, target, weight)
        ctx.options = (reduction, ignore_index, total_weight)
        return reduce_losses(losses.reshape(_loss_shape(input.shape)), reduction, total_weight)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight = ctx.saved_tensors
        reduction, ignore_index, total_weight = ctx.options
        grad_rows = losses_gradient(grad, reduction, total_weight).reshape(-1)
        grad_input = NllLossBackward.compute(grad_rows, _rows(input), target.reshape(-1), weight, ignore_index)
        return _unrows(grad_input, input.shape), None, None, None, None


def _class_indices(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> np.ndarray:
    """Check class-index targets (and the class weights) as PyTorch's nll_loss_nd; int64 targets."""
    shape, target_shape = input._data.shape, target._data.shape
    ndim, target_ndim = len(shape), len(target_shape)
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim != 1 and shape[0] != (target_shape[0] if target_ndim else 0):
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size "
                         f"({target_shape[0] if target_ndim else 0}).")
    num_classes = shape[1] if ndim > 1 else shape[0]
    if ndim <= 2:
        if target_ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if ndim == 1 and target_ndim == 1 and target_shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target_shape[0]}")
    else:
        if ndim == 4 and target_ndim != 3:
            raise RuntimeError("only batches of spatial targets supported (3D tensors) but got targets of "
                               f"dimension: {target_ndim}")
        if target_shape[1:] != shape[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(shape)} , target: {list(target_shape)}" if ndim == 4
                               else f"Expected target size {[shape[0], *shape[2:]]}, got {list(target_shape)}")
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != num_classes):
        raise RuntimeError("weight tensor should be defined either for all or no classes" if ndim > 2 else
                           f"weight tensor should be defined either for all {num_classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")
    if target.dtype is not _dtype.int64 and target.dtype is not _dtype.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {type_name(target)}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input)} but found {type_name(weight)}")
    indices = target._data.astype(np.int64, copy=False)
    # Two cheap reductions in the common all-valid case; the first bad target is looked for only then.
    if indices.size and (indices.min() < 0 or indices.max() >= num_classes):
        bad = ((indices < 0) | (indices >= num_classes)) & (indices != ignore_index)
        if bad.any():  # argmax of a mask: its first True (device storage has no flatnonzero)
            raise IndexError(f"Target {int(indices.reshape(-1)[int(np.argmax(bad))])} is out of bounds.")
    return indices


def _probability_target(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> tuple:
    """Check class-probability targets; input, target and weight in their common float dtype."""
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got {type_name(target)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    num_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != num_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {num_classes} classes "
                           f"or no classes but got weight tensor of shape: {list(weight.shape)}")
    common = _dtype.result_type(*(t for t in (input, target, weight) if t is not None))
    return input.to(common), target.to(common), None if weight is None else weight.to(common)


def _label_smoothing(value: float) -> float:
    """PyTorch applies smoothing only when it is positive, and rejects values above 1."""
    if value > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {value:g}")
    return max(float(value), 0.0)


@autocast_op
def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between the softmax of ``input`` (logits along dim 1, or dim 0 when
    unbatched) and ``target``, as ``torch.nn.functional.cross_entropy``.

    input: (N, C), (N, C, d1, ..., dk) or (C,). target: class indices of shape (N,),
    (N, d1, ..., dk) or () in [0, C) (or ``ignore_index``), or class probabilities of the input's
    shape. weight: (C,) class weights. With smoothing s the target becomes (1 - s) * target +
    s / C (uniform). Output: the reduced loss, or (N, d1, ..., dk) for ``reduction='none'``.
    """
    reduction = reduction_mode(size_average, reduce, reduction)
    check_tensor(input, "cross_entropy_loss")
    check_tensor(target, "cross_entropy_loss", "target", 2)
    if weight is not None:
        check_tensor(weight, "cross_entropy_loss", "weight", 3)
    _floating(input, "log_softmax_lastdim_kernel_impl")
    smoothing = _label_smoothing(label_smoothing)
    if input._data.shape == target._data.shape:
        input, target, weight = _probability_target(input, target, weight, ignore_index)
        return CrossEntropy.apply(input, target, weight, reduction, ignore_index, smoothing)
    no_weight_grad("nll_loss_forward", "weight", weight)
    indices = _class_indices(input, target, weight, ignore_index)
    return CrossEntropy.apply(input, indices, None if weight is None else weight._data, reduction,
                              ignore_index, smoothing)


@autocast_op
def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class-index targets given log-probabilities ``input`` (e.g.
    from ``log_softmax``), as ``torch.nn.functional.nll_loss``: l = -weight[t] * input[t].

    Shapes as in :func:`cross_entropy` (class-index targets only).
    """
    reduction = reduction_mode(size_average, reduce, reduction)
    check_tensor(input, "nll_loss_nd")
    check_tensor(target, "nll_loss_nd", "target", 2)
    if weight is not None:
        check_tensor(weight, "nll_loss_nd", "weight", 3)
    no_weight_grad("nll_loss_forward", "weight", weight)
    indices = _class_indices(input, target, weight, ignore_index)
    _floating(input, "nll_loss_out_frame")
    return NllLoss.apply(input, indices, None if weight is None else weight._data, reduction, ignore_index)
