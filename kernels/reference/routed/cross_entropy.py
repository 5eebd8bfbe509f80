"""Cross-entropy by :mod:`minigrad.kernels.reference.cross_entropy`, with the fast kernel's signatures.

The fast forward also returns each row's log-sum-exp (which the layer saves for its gradients wrt
probability targets and class weights) and, with ``return_grad``, the unit gradient that its
backward reuses; here the log-sum-exp is computed by its definition and the unit gradient is the
reference backward at a gradient of 1, and the backward ignores both caches.
"""
import math

import numpy as np

from .. import cross_entropy as reference
from ._cast import like


def _log_sum_exp(logits: np.ndarray) -> np.ndarray:
    """(M,) float64: ``m_i + log(sum_c exp(x_ic - m_i))`` with ``m_i = max_c x_ic``."""
    lse = np.empty(logits.shape[0])
    for i, row in enumerate(logits):
        m = max(float(v) for v in row)
        lse[i] = m + math.log(math.fsum(math.exp(float(v) - m) for v in row))
    return lse


def cross_entropy_forward(logits, target, weight=None, ignore_index=-100, label_smoothing=0.0, return_grad=False):
    losses, denominator = reference.cross_entropy_forward(logits, target, weight, ignore_index, label_smoothing)
    results = like(losses, logits), np.asarray(denominator, logits.dtype), _log_sum_exp(logits)
    if not return_grad:
        return results
    unit_grad = reference.cross_entropy_backward(1.0, logits, target, weight, ignore_index, label_smoothing)
    return (*results, like(unit_grad, logits))


def cross_entropy_backward(grad_losses, logits, lse, target, weight=None, ignore_index=-100, label_smoothing=0.0,
                           unit_grad=None):
    grad = reference.cross_entropy_backward(grad_losses, logits, target, weight, ignore_index, label_smoothing)
    return like(grad, logits)
