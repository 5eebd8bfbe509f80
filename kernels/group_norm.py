"""Group normalisation of x (N, C, *spatial), viewed as (N, C, S), with G groups of C / G
consecutive channels. Statistics are per (sample n, group g) over its (C / G) * S values
(``moments.mean_and_variance``, float64); the affine weight/bias are per channel:

    invstd_ng = 1 / sqrt(var_ng + eps),   xhat = (x[n, c, s] - mean_ng) * invstd_ng,
    out       = xhat * weight[c] + bias[c]                         (g = c // (C / G))

InstanceNorm is GroupNorm with G = C (one group per channel: statistics per (n, c) plane over S);
the InstanceNorm layers call these entry points with ``num_groups = C`` (their running statistics,
if tracked, are the caller's: average the per-(n, c) mean / unbiased variance over n).

Backward, with g = grad_out and h = g * weight[c] (gradient wrt xhat), means over a group's values:

    grad_x         = invstd_ng * (h - mean(h) - xhat * mean(h * xhat))
    grad_weight[c] = sum_{n, s} g * xhat,   grad_bias[c] = sum_{n, s} g

Each (n, g) iteration stores its channels' partial sums over s in (N, C) buffers; numpy sums them
over n afterwards (race-free, and independent of the thread count). The passes are memory-bound:
(n, g) groups run in parallel only above ``_parallel.SERIAL_ELEMENTWISE_LIMIT`` elements.

Reference: :mod:`minigrad.kernels.reference.group_norm`.
"""
import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range
from .moments import mean_and_variance
from .plane_affine import as_planes, plane_affine


# 'reassoc' vectorises the float64 sums; each (n, g) is summed by one thread in a fixed order.
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def group_norm_backward_groups(grad_out, x, mean, invstd, weight, grad_x, grad_weight_parts, grad_bias_parts,
                               start, stop):
    """Gradients of group norm for (sample, group) pairs ``start <= p < stop``, p = n * G + g; serial.

    grad_out, x, grad_x: (N, C, S) same dtype; mean, invstd: (N, G) float64; weight: (C,) float64;
    grad_weight_parts, grad_bias_parts: (N, C) float64 outputs,
    ``grad_weight_parts[n, c] = sum_s g * xhat`` and ``grad_bias_parts[n, c] = sum_s g``.
    grad_x as in the module docstring. Writes only the channels of the groups in its range, in
    grad_x and in the two parts buffers.
    """
    N, C, S = x.shape
    G = mean.shape[1]
    group_size = C // G
    count = group_size * S
    for p in range(start, stop):
        n = p // G
        group = p - n * G
        first = group * group_size
        m = mean[n, group]
        r = invstd[n, group]
        sum_h = 0.0
        sum_h_xhat = 0.0
        for c in range(first, first + group_size):
            sum_g = 0.0
            sum_g_centered = 0.0
            for s in range(S):
                g = np.float64(grad_out[n, c, s])
                sum_g += g
                sum_g_centered += g * (x[n, c, s] - m)
            grad_bias_parts[n, c] = sum_g
            grad_weight_parts[n, c] = sum_g_centered * r
            sum_h += weight[c] * sum_g
            sum_h_xhat += weight[c] * sum_g_centered * r
        mean_h = sum_h / count
        mean_h_xhat = sum_h_xhat / count
        # grad_x = r (g w - mean_h - xhat mean_h_xhat) is affine in g and in x - m per channel:
        # a g + b (x - m) + d with float64 coefficients, evaluated in float64 and rounded once: the
        # terms can be far larger than their sum (r is 1/sqrt(eps) for a constant group), so
        # rounding a, b and d to float32 first would leave their rounding error in the result.
        b = -r * r * mean_h_xhat
        d = -r * mean_h
        for c in range(first, first + group_size):
            a = r * weight[c]
            for s in range(S):
                grad_x[n, c, s] = a * np.float64(grad_out[n, c, s]) + b * (x[n, c, s] - m) + d


@njit(parallel=True, cache=True)
def group_norm_backward_kernel(grad_out, x, mean, invstd, weight, grad_x, grad_weight_parts, grad_bias_parts):
    """``group_norm_backward_groups`` over all N * G pairs. Parallel over (n, g); race-free:
    iteration (n, g) writes only the channels of group g of sample n in grad_x and in the two
    parts buffers."""
    for p in prange(mean.shape[0] * mean.shape[1]):
        group_norm_backward_groups(grad_out, x, mean, invstd, weight, grad_x, grad_weight_parts, grad_bias_parts,
                                   p, p + 1)


def group_norm_forward(
    x: np.ndarray, num_groups: int, weight: np.ndarray | None, bias: np.ndarray | None, eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group norm with ``num_groups`` groups (C divisible by it; G = C gives InstanceNorm).

    x: (N, C, *spatial) float32/float64; weight, bias: (C,) or None.
    Returns ``(out, mean, invstd)``: out like x; mean and invstd = 1 / sqrt(var + eps) float64
    (N, G) (NaN when a group is empty).
    """
    N, C = x.shape[:2]
    G = num_groups
    x3 = as_planes(x)
    mean, var = mean_and_variance(x3.reshape(1, N * G, (C // G) * x3.shape[2]))
    mean = mean.reshape(N, G)
    invstd = 1.0 / np.sqrt(var.reshape(N, G) + eps)
    # Fold normalisation and affine into one scale/shift per (n, c) plane.
    scale = np.repeat(invstd, C // G, axis=1)
    if weight is not None:
        scale = scale * weight
    shift = -np.repeat(mean, C // G, axis=1) * scale
    if bias is not None:
        shift = shift + bias
    out = plane_affine(x3.reshape(N * C, x3.shape[2]), scale.ravel(), shift.ravel())
    return out.reshape(x.shape), mean, invstd


def group_norm_backward(
    grad_out: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray, weight: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of group norm: ``(grad_x, grad_weight, grad_bias)``.

    grad_out, x: (N, C, *spatial); mean, invstd: the forward's (N, G) results (G is read from
    them); weight: (C,) or None (taken as ones). grad_x has x's shape and dtype; grad_weight and
    grad_bias, (C,) in x's dtype, are always computed (the caller drops them when affine is off).
    """
    N, C = x.shape[:2]
    x3 = as_planes(x)
    grad_x = np.empty(x3.shape, x.dtype)
    grad_weight_parts = np.empty((N, C))
    grad_bias_parts = np.empty((N, C))
    weight64 = np.ones(C) if weight is None else np.ascontiguousarray(weight, np.float64)
    mean, invstd = (np.ascontiguousarray(a, np.float64) for a in (mean, invstd))
    grad_planes = as_planes(grad_out.astype(x.dtype, copy=False))
    run_range(group_norm_backward_groups, group_norm_backward_kernel, mean.size, x3.size, grad_planes, x3, mean,
              invstd, weight64, grad_x, grad_weight_parts, grad_bias_parts, limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    grad_weight = grad_weight_parts.sum(axis=0).astype(x.dtype)
    grad_bias = grad_bias_parts.sum(axis=0).astype(x.dtype)
    return grad_x.reshape(x.shape), grad_weight, grad_bias
