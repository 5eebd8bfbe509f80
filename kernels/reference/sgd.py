"""One SGD step by PyTorch's update rule, element by element. With gradient g, learning rate lr,
weight decay wd, momentum mu, dampening tau and momentum buffer b::

    g <- g + wd * theta                          (wd != 0)
    b <- g                                       (mu != 0, first step)
    b <- mu * b + (1 - tau) * g                  (mu != 0, later steps)
    g <- g + mu * b  (nesterov)  or  b           (mu != 0)
    theta <- theta - lr * g

Fast kernel: :mod:`minigrad.kernels.sgd`.
"""
import numpy as np


def sgd_step(param: np.ndarray, grad: np.ndarray, momentum_buffer: np.ndarray | None, lr: float,
             momentum: float, dampening: float, weight_decay: float, nesterov: bool,
             first_step: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """``(new_param, new_buffer)``, float64, param's shape (new_buffer None when momentum is 0).
    Unlike the fast step, nothing is updated in place."""
    new_param = np.empty(np.shape(param))
    new_buffer = None if momentum == 0 else np.empty(np.shape(param))
    for i in np.ndindex(new_param.shape):
        theta, g = float(param[i]), float(grad[i])
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            b = g if first_step else momentum * float(momentum_buffer[i]) + (1 - dampening) * g
            new_buffer[i] = b
            g = g + momentum * b if nesterov else b
        new_param[i] = theta - lr * g
    return new_param, new_buffer
