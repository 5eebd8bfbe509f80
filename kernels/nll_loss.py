"""Negative log-likelihood loss over log-probabilities (M, C) with class-index targets.

Per row i with target class t_i and class weights w (all ones when None):

    loss_i = -w[t_i] * log_probs[i, t_i]        (0 when t_i == ignore_index)

and the reductions are ``sum = sum_i loss_i`` and ``mean = sum_i loss_i / total_weight`` with
``total_weight = sum of w[t_i] over the rows that are not ignored`` (PyTorch's weighted mean; it is
NaN, 0 / 0, when every row is ignored or M == 0). The caller moves the class axis last and flattens
(N, C, d1, ...) into M = N * d1 * ... rows.

The loss touches one element per row, so this is plain numpy gather/scatter (O(M) work, no loop
worth a kernel).

Reference: :mod:`minigrad.kernels.reference.nll_loss`.
"""
import numpy as np


def target_weights(target: np.ndarray, weight: np.ndarray | None, ignore_index: int, dtype) -> np.ndarray:
    """(M,) weight of each row's target class, ``w[t_i]``, and 0 for ignored rows; ``dtype``.

    target: int64 (M,), every entry in [0, C) or equal to ignore_index; weight: (C,) or None (ones).
    """
    kept = target != ignore_index
    row_weight = np.zeros(target.shape, dtype)
    row_weight[kept] = 1 if weight is None else weight[target[kept]]
    return row_weight


def nll_loss_forward(
    log_probs: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None, ignore_index: int = -100,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row NLL losses and the 'mean' denominator.

    log_probs: (M, C) float32/float64; target: (M,) int64 (class indices in [0, C) or ignore_index);
    weight: (C,) or None. Returns ``(losses, total_weight)``: losses (M,) in log_probs' dtype,
    ``losses[i] = -w[t_i] * log_probs[i, t_i]`` (exactly 0 for ignored rows), and total_weight, a
    0-d array of that dtype = sum of w[t_i] over non-ignored rows. Reductions: 'none' -> losses,
    'sum' -> losses.sum(), 'mean' -> losses.sum() / total_weight.
    """
    kept = target != ignore_index
    row_weight = target_weights(target, weight, ignore_index, log_probs.dtype)
    losses = np.zeros(target.shape, log_probs.dtype)
    losses[kept] = -row_weight[kept] * log_probs[kept, target[kept]]
    return losses, np.asarray(row_weight.sum(dtype=np.float64), log_probs.dtype)


def nll_loss_backward(
    grad_losses: np.ndarray | float, log_probs: np.ndarray, target: np.ndarray,
    weight: np.ndarray | None = None, ignore_index: int = -100,
) -> np.ndarray:
    """Gradient wrt log_probs (M, C) of the per-row losses of ``nll_loss_forward``.

    grad_losses: (M,) gradient of each row's loss, or a scalar broadcast to all rows (pass
    ``g`` for 'sum' and ``g / total_weight`` for 'mean'). Result: zeros except
    ``grad[i, t_i] = -grad_losses[i] * w[t_i]`` for non-ignored rows; log_probs' shape and dtype.
    """
    kept = target != ignore_index
    row_weight = target_weights(target, weight, ignore_index, log_probs.dtype)
    grad_rows = np.broadcast_to(grad_losses, target.shape)
    grad = np.zeros(log_probs.shape, log_probs.dtype)
    grad[kept, target[kept]] = -row_weight[kept] * grad_rows[kept]
    return grad
