"""Layer normalisation on the GPU over the trailing dims of x, seen as (M, D) with D =
prod(normalized_shape): statistics per row.

CPU sibling: minigrad.kernels.layer_norm (same functions, arguments and results; formulas there).

In ``_normalize.py``'s terms the statistics grouping is the rows, (M, D), and the parameter
grouping the columns, (D, 1): the moments and the row means of the backward run one thread per
row, the weight / bias gradients one thread per column (summing down its M rows, each with its own
row's statistics), the normalising map and grad_x one thread per element. Race-free as there.
"""
from __future__ import annotations

import math

import numpy as np

from ._normalize import Grouping, mean_and_variance, normalize, normalize_backward
from .array import CudaArray


def _groupings(x: CudaArray, normalized_shape: tuple[int, ...]) -> tuple[Grouping, Grouping]:
    """(rows, columns) of x seen as (M, D)."""
    D = math.prod(normalized_shape)
    M = math.prod(x.shape[:x.ndim - len(normalized_shape)])
    return Grouping(M, D), Grouping(D, 1)


def layer_norm_forward(
    x: CudaArray, normalized_shape: tuple[int, ...], weight: CudaArray | None,
    bias: CudaArray | None, eps: float,
) -> tuple[CudaArray, CudaArray, CudaArray]:
    """``(out, mean, invstd)``: out like x, mean and invstd = 1 / sqrt(var + eps) float64 (M,)."""
    rows, columns = _groupings(x, normalized_shape)
    mean, var = mean_and_variance(x, rows)
    invstd = 1.0 / np.sqrt(var + eps)
    return normalize(x, rows, columns, mean, invstd, weight, bias), mean, invstd


def layer_norm_backward(
    grad_out: CudaArray, x: CudaArray, normalized_shape: tuple[int, ...],
    mean: CudaArray, invstd: CudaArray, weight: CudaArray | None,
) -> tuple[CudaArray, CudaArray, CudaArray]:
    """``(grad_x, grad_weight, grad_bias)``: grad_x like x, the others of shape normalized_shape in
    x's dtype."""
    rows, columns = _groupings(x, normalized_shape)
    grad_x, grad_weight, grad_bias = normalize_backward(grad_out, x, rows, columns, mean, invstd, weight)
    return grad_x, grad_weight.reshape(normalized_shape), grad_bias.reshape(normalized_shape)
