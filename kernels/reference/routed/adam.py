"""Adam by :mod:`minigrad.kernels.reference.adam`, updating param and moments in place as the fast step does."""
import numpy as np

from .. import adam as reference


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
              decoupled_weight_decay):
    updated = reference.adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps,
                                  weight_decay, decoupled_weight_decay)
    for array, values in zip((param, exp_avg, exp_avg_sq, max_exp_avg_sq), updated):
        if array is not None:
            np.copyto(array, values, casting="unsafe")
