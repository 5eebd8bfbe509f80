"""Layer normalisation by its definition: each row of the trailing dims normalised on its own.

``x`` (..., *normalized_shape), viewed as (M, D) rows with D = prod(normalized_shape) >= 1.
Row i normalises its D values (see :mod:`.normalize`), then applies an elementwise affine map::

    out[i, d] = (x[i, d] - mean_i) * invstd_i * weight[d] + bias[d]

Backward, with ``g = grad_out``: ``grad_weight[d] = sum_i g * xhat`` and ``grad_bias[d] = sum_i g``
(over the rows); ``grad_x`` row by row is the Jacobian-vector product of
:func:`.normalize.normalized_grad` applied to ``g * weight[d]``.

Fast kernel: :mod:`minigrad.kernels.layer_norm`.
"""
import math

import numpy as np

from .normalize import mean_and_variance, normalized_grad


def _rows(x: np.ndarray, normalized_shape: tuple[int, ...]) -> np.ndarray:
    """float64 (M, D) view of x."""
    return np.asarray(x, np.float64).reshape(-1, math.prod(normalized_shape))


def _flat(param: np.ndarray | None, D: int, default: float) -> list[float]:
    return [default] * D if param is None else [float(v) for v in np.ravel(param)]


def layer_norm_forward(
    x: np.ndarray, normalized_shape: tuple[int, ...], weight: np.ndarray | None,
    bias: np.ndarray | None, eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(out, mean, invstd)``, float64: out like x, mean and invstd (M,)."""
    rows = _rows(x, normalized_shape)
    M, D = rows.shape
    w, b = _flat(weight, D, 1.0), _flat(bias, D, 0.0)
    out, mean, invstd = np.empty(rows.shape), np.empty(M), np.empty(M)
    for i in range(M):
        mean[i], var = mean_and_variance(list(rows[i]))
        invstd[i] = 1 / math.sqrt(var + eps)
        for d in range(D):
            out[i, d] = (rows[i, d] - mean[i]) * invstd[i] * w[d] + b[d]
    return out.reshape(x.shape), mean, invstd


def layer_norm_backward(
    grad_out: np.ndarray, x: np.ndarray, normalized_shape: tuple[int, ...],
    mean: np.ndarray, invstd: np.ndarray, weight: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(grad_x, grad_weight, grad_bias)``, float64: grad_x like x, the others normalized_shape."""
    rows, grads = _rows(x, normalized_shape), _rows(grad_out, normalized_shape)
    M, D = rows.shape
    w = _flat(weight, D, 1.0)
    grad_x = np.empty(rows.shape)
    xhat = [[(rows[i, d] - mean[i]) * invstd[i] for d in range(D)] for i in range(M)]
    for i in range(M):
        grad_x[i] = normalized_grad([grads[i, d] * w[d] for d in range(D)], xhat[i], invstd[i])
    grad_weight = [math.fsum(grads[i, d] * xhat[i][d] for i in range(M)) for d in range(D)]
    grad_bias = [math.fsum(grads[i, d] for i in range(M)) for d in range(D)]
    return (grad_x.reshape(x.shape), np.reshape(grad_weight, normalized_shape),
            np.reshape(grad_bias, normalized_shape))
