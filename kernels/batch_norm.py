"""Batch normalisation over x (N, C, *spatial), viewed as (N, C, S) with S = prod(spatial)
(S = 1 for BatchNorm1d on (N, C)). Statistics are per channel c over the N * S values x[:, c, :].

Training:  mean_c, var_c = biased moments of channel c (``moments.mean_and_variance``),
           invstd_c = 1 / sqrt(var_c + eps),  xhat = (x - mean_c) * invstd_c,
           out = xhat * weight[c] + bias[c]
Eval:      the same with the running mean / variance in place of the batch moments.

The running-statistics update is the caller's: ``running = (1 - momentum) * running + momentum *
batch`` with the batch mean and the UNBIASED variance var_c * n / (n - 1), n = N * S, which the
training forward returns. Statistics are returned in float64.

Backward (g = grad_out, sums over the N * S values of channel c, float64):

    grad_bias[c]   = sum g
    grad_weight[c] = sum g * xhat
    grad_x         = weight[c] * invstd_c * (g - sum g / n - xhat * sum(g * xhat) / n)   (training)
    grad_x         = weight[c] * invstd_c * g                                          (eval)

(in eval mode mean and invstd are constants, so the two batch-mean terms vanish).

The passes are memory-bound: channels run in parallel only above
``_parallel.SERIAL_ELEMENTWISE_LIMIT`` elements.

Reference: :mod:`minigrad.kernels.reference.batch_norm`.
"""
import math

import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range
from .moments import mean_and_variance
from .plane_affine import as_planes, plane_affine


# 'reassoc' vectorises the float64 channel sums; each channel is summed by one thread in a fixed
# order, so results do not depend on the thread count.
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def batch_norm_backward_channels(grad_out, x, mean, invstd, weight, training, grad_x, grad_weight, grad_bias,
                                 start, stop):
    """Gradients of batch norm for channels ``start <= c < stop``; serial.

    grad_out, x, grad_x: (N, C, S) same dtype; mean, invstd, weight: (C,) float64;
    grad_weight, grad_bias: (C,) float64 outputs. Formulas in the module docstring
    (``training`` selects the batch-statistics form). Writes only ``grad_x[:, start:stop, :]``,
    ``grad_weight[start:stop]`` and ``grad_bias[start:stop]``.
    """
    N, C, S = x.shape
    count = N * S
    for c in range(start, stop):
        m = mean[c]
        r = invstd[c]
        sum_g = 0.0
        sum_g_centered = 0.0
        for n in range(N):
            for s in range(S):
                g = np.float64(grad_out[n, c, s])
                sum_g += g
                sum_g_centered += g * (x[n, c, s] - m)
        sum_g_xhat = sum_g_centered * r
        grad_bias[c] = sum_g
        grad_weight[c] = sum_g_xhat
        mean_g = sum_g / count if training else 0.0
        mean_g_xhat = sum_g_xhat / count if training else 0.0
        # grad_x = k (g - mean_g - xhat mean_g_xhat), k = weight * invstd, is affine in g and in
        # x - m: a g + b (x - m) + d. The three coefficients are formed in float64 and the pass
        # runs in x's dtype, centred on m rounded to it (m_x; its rounding goes into d), so the
        # large common offset of x cancels exactly before any rounding.
        k = weight[c] * r
        m_x = x.dtype.type(m)
        a = x.dtype.type(k)
        b = x.dtype.type(-k * r * mean_g_xhat)
        d = x.dtype.type(-k * mean_g + k * r * mean_g_xhat * (m - m_x))
        for n in range(N):
            for s in range(S):
                grad_x[n, c, s] = a * grad_out[n, c, s] + b * (x[n, c, s] - m_x) + d


@njit(parallel=True, cache=True)
def batch_norm_backward_kernel(grad_out, x, mean, invstd, weight, training, grad_x, grad_weight, grad_bias):
    """``batch_norm_backward_channels`` over all C channels. Parallel over channels c; race-free:
    iteration c writes only ``grad_x[:, c, :]``, ``grad_weight[c]`` and ``grad_bias[c]``."""
    for c in prange(x.shape[1]):
        batch_norm_backward_channels(grad_out, x, mean, invstd, weight, training, grad_x, grad_weight, grad_bias,
                                     c, c + 1)


def _normalize(x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
               weight: np.ndarray | None, bias: np.ndarray | None) -> np.ndarray:
    """``(x - mean[c]) * invstd[c] * weight[c] + bias[c]`` as one per-(n, c)-plane affine map."""
    N, C = x.shape[:2]
    scale = invstd if weight is None else invstd * weight
    shift = -mean * scale if bias is None else bias - mean * scale
    planes = as_planes(x).reshape(N * C, math.prod(x.shape[2:]))
    return plane_affine(planes, np.tile(scale, N), np.tile(shift, N)).reshape(x.shape)


def batch_norm_forward_train(
    x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None, eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training-mode batch norm with batch statistics.

    x: (N, C, *spatial) float32/float64 with N * prod(spatial) >= 1 (>= 2 for a finite unbiased
    variance; PyTorch's layer rejects 1); weight, bias: (C,) or None (affine off).
    Returns ``(out, mean, invstd, var_unbiased)``: out like x; mean (C,), invstd = 1 / sqrt(var + eps)
    with the biased variance, and var_unbiased = var * n / (n - 1) (NaN when n == 1), all float64.
    """
    N, C = x.shape[:2]
    mean, var = mean_and_variance(as_planes(x))
    invstd = 1.0 / np.sqrt(var + eps)
    count = N * math.prod(x.shape[2:])
    var_unbiased = var * (count / (count - 1)) if count > 1 else np.full(C, np.nan)
    return _normalize(x, mean, invstd, weight, bias), mean, invstd, var_unbiased


def batch_norm_forward_eval(
    x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray,
    weight: np.ndarray | None, bias: np.ndarray | None, eps: float,
) -> np.ndarray:
    """Eval-mode batch norm: ``(x - running_mean[c]) / sqrt(running_var[c] + eps) * weight[c] + bias[c]``.

    x: (N, C, *spatial); running_mean, running_var, weight, bias: (C,) (weight/bias may be None).
    Returns out like x. For the backward pass use ``running_mean`` and
    ``1 / sqrt(running_var + eps)`` as mean and invstd with ``training=False``.
    """
    mean = np.asarray(running_mean, np.float64)
    invstd = 1.0 / np.sqrt(np.asarray(running_var, np.float64) + eps)
    return _normalize(x, mean, invstd, weight, bias)


def batch_norm_backward(
    grad_out: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
    weight: np.ndarray | None, training: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of batch norm: ``(grad_x, grad_weight, grad_bias)``.

    grad_out, x: (N, C, *spatial); mean, invstd: (C,) as saved by the forward (training) or from
    the running statistics (eval, ``training=False``); weight: (C,) or None (taken as ones).
    grad_x has x's shape and dtype; grad_weight = sum(g * xhat) and grad_bias = sum(g) per channel,
    (C,) in x's dtype, are always computed (the caller drops them when affine is off).
    """
    C = x.shape[1]
    x3 = as_planes(x)
    grad_x = np.empty(x3.shape, x.dtype)
    grad_weight = np.empty(C)
    grad_bias = np.empty(C)
    weight64 = np.ones(C) if weight is None else np.ascontiguousarray(weight, np.float64)
    mean, invstd = (np.ascontiguousarray(a, np.float64) for a in (mean, invstd))
    grad_planes = as_planes(grad_out.astype(x.dtype, copy=False))
    run_range(batch_norm_backward_channels, batch_norm_backward_kernel, C, x3.size, grad_planes, x3, mean,
              invstd, weight64, bool(training), grad_x, grad_weight, grad_bias,
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return grad_x.reshape(x.shape), grad_weight.astype(x.dtype), grad_bias.astype(x.dtype)
