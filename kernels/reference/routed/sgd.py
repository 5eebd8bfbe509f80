"""SGD by :mod:`minigrad.kernels.reference.sgd`, updating param and buffer in place as the fast step does."""
import numpy as np

from .. import sgd as reference


def sgd_step(param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov, first_step):
    new_param, new_buffer = reference.sgd_step(param, grad, momentum_buffer, lr, momentum, dampening,
                                               weight_decay, nesterov, first_step)
    np.copyto(param, new_param, casting="unsafe")
    if new_buffer is not None:
        np.copyto(momentum_buffer, new_buffer, casting="unsafe")
