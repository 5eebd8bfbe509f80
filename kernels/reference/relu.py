"""ReLU by its definition, elementwise::

    forward:   out_i    = x_i if x_i > 0 else 0       (NaN stays NaN: it is not <= 0)
    backward:  grad_x_i = grad_i if out_i > 0 else 0  (out > 0 exactly where x > 0; NaN passes grad)

Fast kernel: :mod:`minigrad.kernels.relu`.
"""
import numpy as np


def relu_forward(x: np.ndarray) -> np.ndarray:
    """max(x, 0) elementwise, float64, x's shape."""
    out = np.empty(np.shape(x))
    for i in np.ndindex(out.shape):
        out[i] = 0.0 if x[i] <= 0 else x[i]
    return out


def relu_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Gradient wrt x, float64, out's shape; ``grad`` broadcasts to it."""
    grad = np.broadcast_to(grad, np.shape(out))
    grad_x = np.empty(np.shape(out))
    for i in np.ndindex(grad_x.shape):
        grad_x[i] = 0.0 if out[i] <= 0 else grad[i]
    return grad_x
