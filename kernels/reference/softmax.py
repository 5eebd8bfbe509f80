"""Softmax and log-softmax along one axis by their definitions, and their explicit Jacobians.

Every line ``v`` of x along ``dim`` (a 0-d array is one line of length 1) becomes::

    softmax(v)_j     = exp(v_j - m) / sum_i exp(v_i - m)
    log_softmax(v)_j = v_j - m - log(sum_i exp(v_i - m))           m = max_i v_i

(subtracting the maximum changes nothing mathematically and keeps every exp <= 1).

Backward, per line, with y the forward output and g the incoming gradient, as the Jacobian-vector
product ``dx_j = sum_i g_i * d y_i / d x_j``::

    softmax:      d y_i / d x_j = y_i * ([i == j] - y_j)
    log_softmax:  d y_i / d x_j = [i == j] - exp(y_j)              (exp(y_j) is softmax_j)

Fast kernel: :mod:`minigrad.kernels.softmax`.
"""
import math

import numpy as np


def _lines(a: np.ndarray, dim: int) -> np.ndarray:
    """float64 copy of ``a`` with axis ``dim`` moved last (0-d -> one line of length 1)."""
    return np.moveaxis(np.atleast_1d(np.asarray(a, np.float64)), dim, -1).copy()


def _forward(x: np.ndarray, dim: int, log: bool) -> np.ndarray:
    lines = _lines(x, dim)
    for index in np.ndindex(lines.shape[:-1]):
        v = [float(value) for value in lines[index]]
        m = max(v)
        total = math.fsum(math.exp(vj - m) for vj in v)
        lines[index] = [vj - m - math.log(total) if log else math.exp(vj - m) / total for vj in v]
    return np.moveaxis(lines, -1, dim if np.ndim(x) else 0).reshape(np.shape(x))


def _backward(grad_out: np.ndarray, out: np.ndarray, dim: int, log: bool) -> np.ndarray:
    g_lines, y_lines = _lines(grad_out, dim), _lines(out, dim)
    grad_x = np.empty(y_lines.shape)
    n = y_lines.shape[-1]
    for index in np.ndindex(y_lines.shape[:-1]):
        g, y = g_lines[index], y_lines[index]
        for j in range(n):
            if log:
                grad_x[index + (j,)] = math.fsum(g[i] * ((i == j) - math.exp(y[j])) for i in range(n))
            else:
                grad_x[index + (j,)] = math.fsum(g[i] * y[i] * ((i == j) - y[j]) for i in range(n))
    return np.moveaxis(grad_x, -1, dim if np.ndim(out) else 0).reshape(np.shape(out))


def softmax_forward(x: np.ndarray, dim: int) -> np.ndarray:
    """softmax of every line of x along ``dim`` (non-empty), float64, x's shape."""
    return _forward(x, dim, log=False)


def log_softmax_forward(x: np.ndarray, dim: int) -> np.ndarray:
    """log_softmax of every line of x along ``dim`` (non-empty), float64, x's shape."""
    return _forward(x, dim, log=True)


def softmax_backward(grad_out: np.ndarray, out: np.ndarray, dim: int) -> np.ndarray:
    """Gradient wrt x of ``out = softmax(x, dim)``, float64, out's shape."""
    return _backward(grad_out, out, dim, log=False)


def log_softmax_backward(grad_out: np.ndarray, out: np.ndarray, dim: int) -> np.ndarray:
    """Gradient wrt x of ``out = log_softmax(x, dim)``, float64, out's shape."""
    return _backward(grad_out, out, dim, log=True)
