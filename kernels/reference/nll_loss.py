"""Negative log-likelihood loss by its definition, over log-probabilities (M, C) and class indices.

Row i with target class t_i and class weights w (ones when None)::

    loss_i = -w[t_i] * log_probs[i, t_i]          (0 when t_i == ignore_index)

The 'mean' reduction divides the summed losses by ``total_weight = sum of w[t_i] over the rows not
ignored``.

Backward: loss_i depends on ``log_probs[i, t_i]`` alone, with derivative ``-w[t_i]``.

Fast kernel: :mod:`minigrad.kernels.nll_loss`.
"""
import numpy as np


def _weight(weight: np.ndarray | None, t: int) -> float:
    return 1.0 if weight is None else float(weight[t])


def target_weights(target: np.ndarray, weight: np.ndarray | None, ignore_index: int, dtype=np.float64) -> np.ndarray:
    """(M,) weight of each row's target class, ``w[t_i]``, and 0 for ignored rows, float64."""
    return np.array([0.0 if t == ignore_index else _weight(weight, t) for t in target], np.float64)


def nll_loss_forward(
    log_probs: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None, ignore_index: int = -100,
) -> tuple[np.ndarray, float]:
    """``(losses, total_weight)``: losses (M,) float64 and the 'mean' denominator, a float."""
    losses, total_weight = np.zeros(len(target)), 0.0
    for i, t in enumerate(target):
        if t != ignore_index:
            losses[i] = -_weight(weight, t) * float(log_probs[i, t])
            total_weight += _weight(weight, t)
    return losses, total_weight


def nll_loss_backward(
    grad_losses: np.ndarray | float, log_probs: np.ndarray, target: np.ndarray,
    weight: np.ndarray | None = None, ignore_index: int = -100,
) -> np.ndarray:
    """Gradient wrt log_probs (M, C), float64, of the per-row losses; ``grad_losses`` is (M,) or a
    scalar for every row."""
    grad_rows = np.broadcast_to(np.asarray(grad_losses, np.float64), np.shape(target))
    grad = np.zeros(log_probs.shape)
    for i, t in enumerate(target):
        if t != ignore_index:
            grad[i, t] = -_weight(weight, t) * grad_rows[i]
    return grad
