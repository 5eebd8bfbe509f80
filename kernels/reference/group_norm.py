"""Group normalisation by its definition: per sample, over groups of consecutive channels.

``x`` (N, C, *spatial), viewed as (N, C, S), with G groups of C / G channels. Sample n's group g
(channels ``g*C/G .. (g+1)*C/G - 1``) normalises its (C / G) * S values (see :mod:`.normalize`); the
affine weight and bias are per channel::

    out[n, c, s] = (x[n, c, s] - mean_ng) * invstd_ng * weight[c] + bias[c],    g = c // (C / G)

InstanceNorm is G = C.

Backward, with ``g = grad_out``: ``grad_weight[c] = sum_{n, s} g * xhat`` and
``grad_bias[c] = sum_{n, s} g``; ``grad_x`` per (n, g) is the Jacobian-vector product of
:func:`.normalize.normalized_grad` applied to ``g * weight[c]``.

Fast kernel: :mod:`minigrad.kernels.group_norm`.
"""
import math

import numpy as np

from .normalize import mean_and_variance, normalized_grad


def _planes(x: np.ndarray) -> np.ndarray:
    """float64 (N, C, S) view of x (N, C, *spatial)."""
    return np.asarray(x, np.float64).reshape(x.shape[0], x.shape[1], -1)


def _per_channel(param: np.ndarray | None, C: int, default: float) -> list[float]:
    return [default] * C if param is None else [float(v) for v in param]


def group_norm_forward(
    x: np.ndarray, num_groups: int, weight: np.ndarray | None, bias: np.ndarray | None, eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(out, mean, invstd)``, float64: out like x, mean and invstd (N, G)."""
    planes = _planes(x)
    N, C, S = planes.shape
    size = C // num_groups
    w, b = _per_channel(weight, C, 1.0), _per_channel(bias, C, 0.0)
    out, mean, invstd = np.empty(planes.shape), np.empty((N, num_groups)), np.empty((N, num_groups))
    for n, g in np.ndindex(N, num_groups):
        mean[n, g], var = mean_and_variance(list(planes[n, g * size:(g + 1) * size].ravel()))
        invstd[n, g] = 1 / math.sqrt(var + eps)
        for c in range(g * size, (g + 1) * size):
            for s in range(S):
                out[n, c, s] = (planes[n, c, s] - mean[n, g]) * invstd[n, g] * w[c] + b[c]
    return out.reshape(x.shape), mean, invstd


def group_norm_backward(
    grad_out: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray, weight: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(grad_x, grad_weight, grad_bias)``, float64: grad_x like x, the others (C,). The number of
    groups is read from mean's shape (N, G)."""
    planes, grads = _planes(x), _planes(grad_out)
    N, C, S = planes.shape
    G = mean.shape[1]
    size = C // G
    w = _per_channel(weight, C, 1.0)
    grad_x = np.empty(planes.shape)
    xhat = np.empty(planes.shape)
    for n, g in np.ndindex(N, G):
        lo, hi = g * size, (g + 1) * size  # the group's channels
        xhat[n, lo:hi] = (planes[n, lo:hi] - mean[n, g]) * invstd[n, g]
        grad_xhat = [grads[n, c, s] * w[c] for c in range(lo, hi) for s in range(S)]
        group_grad = normalized_grad(grad_xhat, list(xhat[n, lo:hi].ravel()), invstd[n, g])
        grad_x[n, lo:hi] = np.reshape(group_grad, (size, S))
    grad_weight = [math.fsum(grads[n, c, s] * xhat[n, c, s] for n in range(N) for s in range(S)) for c in range(C)]
    grad_bias = [math.fsum(grads[n, c, s] for n in range(N) for s in range(S)) for c in range(C)]
    return grad_x.reshape(x.shape), np.array(grad_weight), np.array(grad_bias)
