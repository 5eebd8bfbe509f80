"""Batch normalisation on the GPU, over x (N, C, *spatial) seen as (N, C, S): statistics per
channel c over its N * S values.

CPU sibling: minigrad.kernels.batch_norm (same functions, arguments and results; formulas there).

Both groupings of ``_normalize.py`` are the channels, (C, S): the moments run one thread per
channel, the normalising map and grad_x one thread per element, the weight / bias gradients one
thread per channel (thread mapping and race-freedom in ``_normalize.py``). The unbiased variance
for the caller's running-statistics update is var * n / (n - 1), n = N * S, formed with the
elementwise kernels.
"""
from __future__ import annotations

import math

import numpy as np

from ._normalize import Grouping, mean_and_variance, normalize, normalize_backward
from .array import CudaArray


def _channels(x: CudaArray) -> Grouping:
    return Grouping(x.shape[1], math.prod(x.shape[2:]))


def batch_norm_forward_train(
    x: CudaArray, weight: CudaArray | None, bias: CudaArray | None, eps: float,
) -> tuple[CudaArray, CudaArray, CudaArray, CudaArray]:
    """Training-mode batch norm with batch statistics: ``(out, mean, invstd, var_unbiased)``, out
    like x, the statistics float64 (C,) (var_unbiased NaN when N * S == 1)."""
    channels = _channels(x)
    mean, var = mean_and_variance(x, channels)
    invstd = 1.0 / np.sqrt(var + eps)
    count = x.shape[0] * channels.inner
    if count > 1:
        var_unbiased = var * (count / (count - 1))
    else:
        var_unbiased = CudaArray.empty(var.shape, np.float64)
        var_unbiased.fill(np.nan)
    return normalize(x, channels, channels, mean, invstd, weight, bias), mean, invstd, var_unbiased


def batch_norm_forward_eval(
    x: CudaArray, running_mean: CudaArray, running_var: CudaArray,
    weight: CudaArray | None, bias: CudaArray | None, eps: float,
) -> CudaArray:
    """Eval-mode batch norm: ``(x - running_mean[c]) / sqrt(running_var[c] + eps) * weight[c] + bias[c]``."""
    channels = _channels(x)
    mean = running_mean.astype(np.float64, copy=False)
    invstd = 1.0 / np.sqrt(running_var.astype(np.float64, copy=False) + eps)
    return normalize(x, channels, channels, mean, invstd, weight, bias)


def batch_norm_backward(
    grad_out: CudaArray, x: CudaArray, mean: CudaArray, invstd: CudaArray,
    weight: CudaArray | None, training: bool = True,
) -> tuple[CudaArray, CudaArray, CudaArray]:
    """``(grad_x, grad_weight, grad_bias)``: grad_x like x, the others (C,) in x's dtype; mean and
    invstd are the batch statistics (``training``) or the running ones (constants)."""
    channels = _channels(x)
    return normalize_backward(grad_out, x, channels, channels, mean, invstd, weight, bool(training))
