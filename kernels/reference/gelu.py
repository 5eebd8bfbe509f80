"""GELU, ``x * Phi(x)`` with Phi the standard normal CDF, and its derivative, one element at a time.
Two forms, as PyTorch (``approximate='none'`` or ``'tanh'``)::

    exact:  gelu(x)  = x * Phi(x),                     Phi(x) = (1 + erf(x / sqrt(2))) / 2
            gelu'(x) = Phi(x) + x * phi(x),            phi(x) = exp(-x^2 / 2) / sqrt(2 pi)  (product rule)
    tanh:   gelu(x)  = x * (1 + tanh(u(x))) / 2,       u(x) = sqrt(2 / pi) * (x + 0.044715 x^3)
            gelu'(x) = (1 + tanh(u)) / 2 + x / 2 * (1 - tanh(u)^2) * u'(x),
                                                       u'(x) = sqrt(2 / pi) * (1 + 3 * 0.044715 x^2)

Fast kernel: :mod:`minigrad.kernels.gelu`.
"""
import math

import numpy as np


def _gelu_and_slope(x: float, approximate: str) -> tuple[float, float]:
    if approximate == "tanh":
        u = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        du = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x**2)
        t = math.tanh(u)
        return x * (1 + t) / 2, (1 + t) / 2 + x / 2 * (1 - t * t) * du
    cdf = (1 + math.erf(x / math.sqrt(2))) / 2
    pdf = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    return x * cdf, cdf + x * pdf


def gelu_forward(x: np.ndarray, approximate: str) -> np.ndarray:
    """gelu(x) elementwise, float64, x's shape."""
    return np.array([_gelu_and_slope(float(v), approximate)[0] for v in np.ravel(x)]).reshape(np.shape(x))


def gelu_backward(grad_out: np.ndarray, x: np.ndarray, approximate: str) -> np.ndarray:
    """``grad_out * gelu'(x)`` elementwise, float64, x's shape."""
    slopes = [_gelu_and_slope(float(v), approximate)[1] for v in np.ravel(x)]
    return (np.ravel(grad_out).astype(np.float64) * np.array(slopes)).reshape(np.shape(x))
