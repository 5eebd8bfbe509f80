"""One Adam / AdamW step by the textbook formulas, element by element. Step t, gradient g, learning
rate lr, betas b1, b2, weight decay wd, moments m, v (and v_max with amsgrad)::

    theta <- theta * (1 - lr * wd)                    (AdamW: decoupled weight decay)
    g <- g + wd * theta                               (Adam: L2 weight decay)
    m <- b1 * m + (1 - b1) * g
    v <- b2 * v + (1 - b2) * g^2
    v_max <- max(v_max, v), and v_max is used for v   (amsgrad)
    m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)
    theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)

Fast kernel: :mod:`minigrad.kernels.adam` (PyTorch's rounding order of the same formulas).
"""
import math

import numpy as np


def adam_step(param: np.ndarray, grad: np.ndarray, exp_avg: np.ndarray, exp_avg_sq: np.ndarray,
              max_exp_avg_sq: np.ndarray | None, step: float, lr: float, beta1: float, beta2: float, eps: float,
              weight_decay: float, decoupled_weight_decay: bool) -> tuple[np.ndarray, ...]:
    """``(param, exp_avg, exp_avg_sq, max_exp_avg_sq)`` after the step, float64 (the last None
    without amsgrad). Unlike the fast step, nothing is updated in place."""
    shape = np.shape(param)
    new_param, m, v = np.empty(shape), np.empty(shape), np.empty(shape)
    v_max = None if max_exp_avg_sq is None else np.empty(shape)
    for i in np.ndindex(shape):
        theta, g = float(param[i]), float(grad[i])
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m[i] = beta1 * float(exp_avg[i]) + (1 - beta1) * g
        v[i] = beta2 * float(exp_avg_sq[i]) + (1 - beta2) * g * g
        second = v[i]
        if v_max is not None:
            v_max[i] = second = max(float(max_exp_avg_sq[i]), v[i])
        m_hat, v_hat = m[i] / (1 - beta1**step), second / (1 - beta2**step)
        new_param[i] = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    return new_param, m, v, v_max
