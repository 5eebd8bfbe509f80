"""NLL loss by :mod:`minigrad.kernels.reference.nll_loss`, in the fast kernel's dtypes."""
import numpy as np

from .. import nll_loss as reference
from ._cast import like


def target_weights(target, weight, ignore_index, dtype):
    return reference.target_weights(target, weight, ignore_index).astype(dtype, copy=False)


def nll_loss_forward(log_probs, target, weight=None, ignore_index=-100):
    losses, total_weight = reference.nll_loss_forward(log_probs, target, weight, ignore_index)
    return like(losses, log_probs), np.asarray(total_weight, log_probs.dtype)


def nll_loss_backward(grad_losses, log_probs, target, weight=None, ignore_index=-100):
    return like(reference.nll_loss_backward(grad_losses, log_probs, target, weight, ignore_index), log_probs)
