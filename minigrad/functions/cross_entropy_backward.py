"""The backward passes of cross_entropy and nll_loss as ops of their own, so that their gradients
can be differentiated again (``create_graph=True``). The losses' backward calls them through
``compute``: on arrays that is the kernels' fast path, under ``create_graph`` a recorded node whose
backward is the derivative below (numpy and ops that record in turn, so third derivatives work).

Cross-entropy of logit rows x (M, C) against a target distribution q (M, C) (kernels/cross_entropy.py:
q from class indices, class weights w and smoothing s, or from probabilities p), with row-loss
gradients r (M,), y = softmax(x), l = log_softmax(x) and Q_i = sum_c q_ic:

    loss_i = -sum_c q_ic l_ic,   G = d/dx = r (y Q - q)      (``CrossEntropyBackward``)

Given U = dL/dG:

    d/dr_i  = sum_c U_ic (y_ic Q_i - q_ic)
    d/dx    = y * (V - sum_c V y),   V = r Q U        (softmax's backward applied to V)
    d/dq_ic = r_i (sum_c' U_ic' y_ic' - U_ic)  ->  p: (1 - s) w d/dq,   w: sum_i ((1 - s) p + s / C) d/dq

(class-index targets and their weights are constants). The gradients wrt probability targets
and weights read -l = lse - x, which ``NegativeLogSoftmax`` forms from the forward's saved
log-sum-exp, as an op whose derivative goes through x.

nll_loss of log-probabilities (M, C): G[i, t_i] = -w[t_i] r_i (``NllLossBackward``), linear in r:
d/dr_i = -w[t_i] U[i, t_i] (0 for ignored rows), and no derivative wrt the log-probabilities.
"""
from __future__ import annotations

import numpy as np

from .._device import kernel_module, storage_device, to_storage
from ..autograd.function import ArrayFunction
from .softmax import Softmax, SoftmaxBackward


def _class_index_distribution(target: np.ndarray, weight: np.ndarray | None, ignore_index: int,
                              smoothing: float, num_classes: int, dtype) -> np.ndarray:
    """The constant target distribution q (M, C) of class indices (module docstring of
    kernels/cross_entropy.py): (1 - s) w[t_i] at t_i plus s / C * w, and 0 on ignored rows."""
    classes = to_storage(np.arange(num_classes), storage_device([target]))  # on the target's device
    hit = target[:, None] == classes  # (M, C): each row's target class
    q = (smoothing / num_classes + (1 - smoothing) * hit).astype(dtype)
    if weight is not None:
        q = q * weight.astype(dtype, copy=False)
    return np.where((target != ignore_index)[:, None], q, dtype.type(0))


class CrossEntropyBackward(ArrayFunction):
    """The gradient (M, C) of the per-row cross-entropy losses wrt the logit rows, for row-loss
    gradients ``grad_rows`` (M,) (or (1,), broadcast), the forward's arguments in rows, and its
    log-sum-exp and unit gradient (the kernel's caches; ``unit_grad`` may be None)."""

    backward_name = "NllLossBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad_rows, logits, target, weight, lse, unit_grad, ignore_index, smoothing):
        ctx.save_for_backward(grad_rows, logits, target, weight)
        ctx.ignore_index, ctx.smoothing = ignore_index, smoothing
        return kernel_module("cross_entropy", ctx.device).cross_entropy_backward(
            grad_rows, logits, lse, target, weight, ignore_index, smoothing, unit_grad)

    @staticmethod
    def backward(ctx, grad_grad):
        grad_rows, logits, target, weight = ctx.saved_tensors
        smoothing, num_classes = ctx.smoothing, logits.shape[1]
        class_indices = target.ndim == 1
        if class_indices:
            q = _class_index_distribution(target, weight, ctx.ignore_index, smoothing, num_classes, logits.dtype)
        else:
            q = ((1 - smoothing) * target + smoothing / num_classes) * (1 if weight is None else weight)
        probabilities = Softmax.compute(logits, 1)
        total = q.sum(axis=1, keepdims=True)
        rows = grad_rows[:, None]
        grad_grad_rows = (grad_grad * (probabilities * total - q)).sum(axis=1)
        grad_logits = SoftmaxBackward.compute(grad_grad * rows * total, probabilities, 1)
        grad_target = grad_weight = None
        if not class_indices and (ctx.needs_input_grad[2] or ctx.needs_input_grad[3]):
            grad_q = rows * ((grad_grad * probabilities).sum(axis=1, keepdims=True) - grad_grad)
            if ctx.needs_input_grad[2]:
                grad_target = (1 - smoothing) * grad_q * (1 if weight is None else weight)
            if ctx.needs_input_grad[3]:
                grad_weight = (grad_q * ((1 - smoothing) * target + smoothing / num_classes)).sum(axis=0)
        return grad_grad_rows, grad_logits, grad_target, grad_weight, None, None, None, None


class NegativeLogSoftmax(ArrayFunction):
    """-log_softmax of logit rows (M, C), ``lse[:, None] - logits``, from the forward's log-sum-exp
    (M,): one subtraction. lse is a function of the logits, so the derivative goes through them:
    d/dx of sum g * out = softmax * sum(g) - g, with softmax = exp(-out)."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, logits, lse):
        out = lse[:, None] - logits
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return np.exp(-out) * grad.sum(axis=1, keepdims=True) - grad, None


class NllLossBackward(ArrayFunction):
    """The gradient (M, C) of the per-row NLL losses wrt the log-probability rows ``log_probs``
    (read for their shape and dtype only), for row-loss gradients ``grad_rows`` (M,) or (1,)."""

    backward_name = "NllLossBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad_rows, log_probs, target, weight, ignore_index):
        ctx.save_for_backward(target, weight)
        ctx.ignore_index = ignore_index
        return kernel_module("nll_loss", ctx.device).nll_loss_backward(grad_rows, log_probs, target, weight,
                                                                        ignore_index)

    @staticmethod
    def backward(ctx, grad_grad):
        target, weight = ctx.saved_tensors
        kept = target != ctx.ignore_index
        row_weight = kernel_module("nll_loss", ctx.device).target_weights(target, weight, ctx.ignore_index,
                                                                          grad_grad.dtype)
        picked = np.take_along_axis(grad_grad, np.where(kept, target, 0)[:, None], axis=1)[:, 0]
        return -row_weight * picked, None, None, None, None
