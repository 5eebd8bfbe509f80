"""Negative log-likelihood loss over log-probabilities (M, C) with class-index targets.

Per row i with target class t_i and class weights w (all ones when None):

    loss_i = -w[t_i] * log_probs[i, t_i]        (0 when t_i == ignore_index)

and the reductions are ``sum = sum_i loss_i`` and ``mean = sum_i loss_i / total_weight`` with
``total_weight = sum of w[t_i] over the rows that are not ignored`` (PyTorch's weighted mean; it is
NaN, 0 / 0, when every row is ignored or M == 0). The caller moves the class axis last and flattens
(N, C, d1, ...) into M = N * d1 * ... rows.

The loss touches one element per row: O(M) work, so the loops below are serial (never worth a
thread). They are loops and not numpy's masked gathers and scatters because, on a training batch,
the half dozen temporaries and fancy-indexing calls of those cost several times the work itself.

Reference: :mod:`minigrad.kernels.reference.nll_loss`.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def nll_loss_rows(log_probs, target, weight, ignore_index, losses, row_weight):
    """Per-row losses and target weights; serial.

    log_probs: (M, C); target: (M,) int64; weight: (C,) log_probs' dtype (ones when unweighted);
    losses, row_weight: (M,) log_probs' dtype outputs, ``row_weight[i] = w[t_i]`` and
    ``losses[i] = -w[t_i] * log_probs[i, t_i]``, both exactly 0 for ignored rows.
    Reference: :func:`minigrad.kernels.reference.nll_loss.nll_loss_forward`.
    """
    for i in range(target.shape[0]):
        t = target[i]
        if t == ignore_index:
            losses[i] = 0
            row_weight[i] = 0
        else:
            row_weight[i] = weight[t]
            losses[i] = -weight[t] * log_probs[i, t]


@njit(cache=True, nogil=True)
def nll_loss_backward_rows(grad_rows, target, row_weight, ignore_index, grad):
    """``grad[i, t_i] = -row_weight[i] * grad_rows[i]`` for the rows not ignored; serial.

    grad_rows, row_weight: (M,); target: (M,) int64; grad: (M, C), zero on entry.
    """
    for i in range(target.shape[0]):
        t = target[i]
        if t != ignore_index:
            grad[i, t] = -row_weight[i] * grad_rows[i]


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
    M, C = log_probs.shape
    dtype = log_probs.dtype
    losses, row_weight = np.empty(M, dtype), np.empty(M, dtype)
    class_weight = np.ones(C, dtype) if weight is None else np.ascontiguousarray(weight, dtype)
    nll_loss_rows(log_probs, np.ascontiguousarray(target, np.int64), class_weight, int(ignore_index), losses,
                  row_weight)
    return losses, np.asarray(row_weight.sum(dtype=np.float64), dtype)


def nll_loss_backward(
    grad_losses: np.ndarray | float, log_probs: np.ndarray, target: np.ndarray,
    weight: np.ndarray | None = None, ignore_index: int = -100,
) -> np.ndarray:
    """Gradient wrt log_probs (M, C) of the per-row losses of ``nll_loss_forward``.

    grad_losses: (M,) gradient of each row's loss, or a scalar broadcast to all rows (pass
    ``g`` for 'sum' and ``g / total_weight`` for 'mean'). Result: zeros except
    ``grad[i, t_i] = -grad_losses[i] * w[t_i]`` for non-ignored rows; log_probs' shape and dtype.
    """
    target = np.ascontiguousarray(target, np.int64)
    row_weight = target_weights(target, weight, ignore_index, log_probs.dtype)
    grad_rows = np.ascontiguousarray(np.broadcast_to(grad_losses, target.shape))
    grad = np.zeros(log_probs.shape, log_probs.dtype)
    nll_loss_backward_rows(grad_rows, target, row_weight, int(ignore_index), grad)
    return grad
