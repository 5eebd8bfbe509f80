"""Group normalisation on the GPU of x (N, C, *spatial) seen as (N, C, S), G groups of C / G
consecutive channels: statistics per (sample, group), weight and bias per channel.

CPU sibling: minigrad.kernels.group_norm (same functions, arguments and results; formulas there).
InstanceNorm is G = C.

In ``_normalize.py``'s terms the statistics grouping is (N * G, C / G * S) (a (sample, group)'s
values are contiguous) and the parameter grouping the channels, (C, S): the moments and the group
means of the backward run one thread per (sample, group), the weight / bias gradients one thread
per channel (over its N planes), the normalising map and grad_x one thread per element. Race-free
as there.
"""
from __future__ import annotations

import math

import numpy as np

from ._normalize import Grouping, mean_and_variance, normalize, normalize_backward
from .array import CudaArray


def _groupings(x: CudaArray, num_groups: int) -> tuple[Grouping, Grouping]:
    """((sample, group) pairs, channels) of x (N, C, *)."""
    N, C = x.shape[:2]
    S = math.prod(x.shape[2:])
    return Grouping(N * num_groups, C // num_groups * S), Grouping(C, S)


def group_norm_forward(
    x: CudaArray, num_groups: int, weight: CudaArray | None, bias: CudaArray | None, eps: float,
) -> tuple[CudaArray, CudaArray, CudaArray]:
    """``(out, mean, invstd)``: out like x, mean and invstd = 1 / sqrt(var + eps) float64 (N, G)."""
    groups, channels = _groupings(x, num_groups)
    mean, var = mean_and_variance(x, groups)
    invstd = 1.0 / np.sqrt(var + eps)
    out = normalize(x, groups, channels, mean, invstd, weight, bias)
    shape = (x.shape[0], num_groups)
    return out, mean.reshape(shape), invstd.reshape(shape)


def group_norm_backward(
    grad_out: CudaArray, x: CudaArray, mean: CudaArray, invstd: CudaArray, weight: CudaArray | None,
) -> tuple[CudaArray, CudaArray, CudaArray]:
    """``(grad_x, grad_weight, grad_bias)``: grad_x like x, the others (C,) in x's dtype; mean and
    invstd are the forward's (N, G) (G is read from them)."""
    groups, channels = _groupings(x, mean.shape[1])
    return normalize_backward(grad_out, x, groups, channels, mean, invstd, weight)
