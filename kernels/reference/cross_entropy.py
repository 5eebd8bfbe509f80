"""Cross-entropy over logits (M, C) by its definition, PyTorch's: class indices or probabilities,
class weights, ignore_index and label smoothing.

Every case is the cross-entropy of row i's log-softmax against a target distribution q_i::

    loss_i = -sum_c q_ic * log_softmax(x_i)_c

with s = label_smoothing and w the class weights (ones when None):

* class-index targets t_i (PyTorch's ``(1 - s) * nll_loss + s / C * smoothing loss``):
  ``q_ic = (1 - s) * w[t_i] * [c == t_i] + s / C * w[c]``, and q_i = 0 when t_i == ignore_index;
  the 'mean' denominator is the sum of w[t_i] over the rows not ignored;
* probability targets p_i: the target is smoothed, then weighted, ``q_ic = ((1 - s) * p_ic + s / C) * w[c]``;
  the 'mean' denominator is M.

Backward, by the chain rule through log-softmax (``d log_softmax_k / d x_c = [k == c] - softmax_c``)::

    d loss_i / d x_ic = -sum_k q_ik * ([k == c] - softmax(x_i)_c)

Fast kernel: :mod:`minigrad.kernels.cross_entropy`.
"""
import math

import numpy as np

from .softmax import log_softmax_forward


def target_distribution(
    target: np.ndarray, C: int, weight: np.ndarray | None, ignore_index: int, label_smoothing: float,
) -> np.ndarray:
    """q (M, C), float64, from class indices (M,) or probabilities (M, C) (module docstring)."""
    w = np.ones(C) if weight is None else np.asarray(weight, np.float64)
    s = label_smoothing
    q = np.zeros((len(target), C))
    for i in range(len(target)):
        for c in range(C):
            if target.ndim == 2:
                q[i, c] = ((1 - s) * float(target[i, c]) + s / C) * w[c]
            elif target[i] != ignore_index:
                q[i, c] = (1 - s) * w[target[i]] * (c == target[i]) + s / C * w[c]
    return q


def cross_entropy_forward(
    logits: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    ignore_index: int = -100, label_smoothing: float = 0.0,
) -> tuple[np.ndarray, float]:
    """``(losses, denominator)``: losses (M,) float64 and the 'mean' denominator, a float. Unlike
    the fast forward, no log-sum-exp is returned: the reference backward needs none."""
    M, C = logits.shape
    q = target_distribution(target, C, weight, ignore_index, label_smoothing)
    log_p = log_softmax_forward(logits, 1)
    losses = np.array([-math.fsum(q[i, c] * log_p[i, c] for c in range(C)) for i in range(M)])
    if target.ndim == 2:
        denominator = float(M)
    else:
        denominator = math.fsum(1.0 if weight is None else float(weight[t]) for t in target if t != ignore_index)
    return losses, denominator


def cross_entropy_backward(
    grad_losses: np.ndarray | float, logits: np.ndarray, target: np.ndarray,
    weight: np.ndarray | None = None, ignore_index: int = -100, label_smoothing: float = 0.0,
) -> np.ndarray:
    """Gradient wrt logits (M, C), float64, of the per-row losses; ``grad_losses`` is (M,) or a scalar
    for every row ('sum': g, 'mean': g / denominator). Same arguments as the fast backward but lse."""
    M, C = logits.shape
    q = target_distribution(target, C, weight, ignore_index, label_smoothing)
    p = np.exp(log_softmax_forward(logits, 1))
    grad_rows = np.broadcast_to(np.asarray(grad_losses, np.float64), (M,))
    grad = np.empty((M, C))
    for i, c in np.ndindex(M, C):
        grad[i, c] = grad_rows[i] * -math.fsum(q[i, k] * ((k == c) - p[i, c]) for k in range(C))
    return grad
