"""Batch normalisation by its definition: per channel, over the batch and the spatial positions.

``x`` (N, C, *spatial), viewed as (N, C, S), S = prod(spatial) (S = 1 for BatchNorm1d on (N, C)).
Channel c normalises the N * S values ``x[:, c, :]`` (see :mod:`.normalize`)::

    training:  out = (x - mean_c) * invstd_c * weight[c] + bias[c]     (the channel's batch statistics)
    eval:      the same with running_mean[c] and 1 / sqrt(running_var[c] + eps)

The training forward also returns the unbiased variance ``var_c * n / (n - 1)`` (NaN when n == 1) for
the caller's running-statistics update.

Backward, with ``g = grad_out``: ``grad_bias[c] = sum g`` and ``grad_weight[c] = sum g * xhat`` over
the channel; ``grad_x`` is the Jacobian-vector product of :func:`.normalize.normalized_grad` applied to
``g * weight[c]`` in training, and ``g * weight[c] * invstd_c`` in eval (there mean and invstd are
constants, so the Jacobian is diagonal).

Fast kernel: :mod:`minigrad.kernels.batch_norm`.
"""
import math

import numpy as np

from .normalize import mean_and_variance, normalized_grad


def _channels(x: np.ndarray) -> np.ndarray:
    """float64 (N, C, S) view of x (N, C, *spatial)."""
    return np.asarray(x, np.float64).reshape(x.shape[0], x.shape[1], -1)


def _affine(weight, bias, C):
    """Per-channel weight and bias as float lists (ones and zeros when None)."""
    return ([1.0] * C if weight is None else [float(w) for w in weight],
            [0.0] * C if bias is None else [float(b) for b in bias])


def _normalize(x: np.ndarray, mean, invstd, weight, bias) -> np.ndarray:
    """``(x - mean[c]) * invstd[c] * weight[c] + bias[c]`` element by element, float64."""
    planes = _channels(x)
    N, C, S = planes.shape
    w, b = _affine(weight, bias, C)
    out = np.empty(planes.shape)
    for n, c, s in np.ndindex(N, C, S):
        out[n, c, s] = (planes[n, c, s] - mean[c]) * invstd[c] * w[c] + b[c]
    return out.reshape(x.shape)


def batch_norm_forward_train(
    x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None, eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(out, mean, invstd, var_unbiased)``, all float64: out like x, the others (C,)."""
    planes = _channels(x)
    N, C, S = planes.shape
    count = N * S
    mean, invstd, var_unbiased = np.empty(C), np.empty(C), np.empty(C)
    for c in range(C):
        mean[c], var = mean_and_variance(list(planes[:, c, :].ravel()))
        invstd[c] = 1 / math.sqrt(var + eps)
        var_unbiased[c] = var * count / (count - 1) if count > 1 else math.nan
    return _normalize(x, mean, invstd, weight, bias), mean, invstd, var_unbiased


def batch_norm_forward_eval(
    x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray,
    weight: np.ndarray | None, bias: np.ndarray | None, eps: float,
) -> np.ndarray:
    """``(x - running_mean[c]) / sqrt(running_var[c] + eps) * weight[c] + bias[c]``, float64."""
    invstd = [1 / math.sqrt(float(v) + eps) for v in running_var]
    return _normalize(x, [float(m) for m in running_mean], invstd, weight, bias)


def batch_norm_backward(
    grad_out: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
    weight: np.ndarray | None, training: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(grad_x, grad_weight, grad_bias)``, float64, shaped like x, (C,) and (C,). ``mean`` and
    ``invstd`` are the forward's batch statistics (training) or from the running ones (eval)."""
    planes, grads = _channels(x), _channels(grad_out)
    N, C, S = planes.shape
    w, _ = _affine(weight, None, C)
    grad_x, grad_weight, grad_bias = np.empty(planes.shape), np.empty(C), np.empty(C)
    for c in range(C):
        xhat = [(v - mean[c]) * invstd[c] for v in planes[:, c, :].ravel()]
        g = list(grads[:, c, :].ravel())
        grad_bias[c] = math.fsum(g)
        grad_weight[c] = math.fsum(gi * xi for gi, xi in zip(g, xhat))
        grad_xhat = [gi * w[c] for gi in g]
        if training:
            grad_x[:, c, :] = np.reshape(normalized_grad(grad_xhat, xhat, invstd[c]), (N, S))
        else:
            grad_x[:, c, :] = np.reshape([h * invstd[c] for h in grad_xhat], (N, S))
    return grad_x.reshape(x.shape), grad_weight, grad_bias
