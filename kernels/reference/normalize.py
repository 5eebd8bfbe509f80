"""Normalising one set of values, and its Jacobian: the common core of batch, layer and group norm.

For the n values ``x_1 .. x_n`` of one set (a channel for batch norm, a row for layer norm, a
(sample, group) for group norm)::

    mean   = sum_i x_i / n,   var = sum_i (x_i - mean)^2 / n       (biased, two passes, as PyTorch)
    invstd = 1 / sqrt(var + eps),   xhat_i = (x_i - mean) * invstd

Differentiating (``d mean / d x_j = 1/n``, ``d var / d x_j = 2 (x_j - mean) / n``)::

    d xhat_i / d x_j = invstd * ([i == j] - 1/n - xhat_i * xhat_j / n)

so with ``h_i = d loss / d xhat_i`` the gradient is the Jacobian-vector product
``grad_x_j = sum_i h_i * d xhat_i / d x_j``, written below as that double sum.

Fast kernels: :mod:`minigrad.kernels.moments` and the norm kernels.
"""
import math


def mean_and_variance(values: list[float]) -> tuple[float, float]:
    """Mean and biased variance of a non-empty list, in two passes of exactly rounded sums."""
    mean = math.fsum(values) / len(values)
    return mean, math.fsum((v - mean) ** 2 for v in values) / len(values)


def normalized_grad(grad_xhat: list[float], xhat: list[float], invstd: float) -> list[float]:
    """``grad_x_j = sum_i grad_xhat_i * invstd * ([i == j] - 1/n - xhat_i * xhat_j / n)`` for each j:
    the gradient wrt the set's values when mean and invstd are its own statistics."""
    n = len(xhat)
    return [
        math.fsum(grad_xhat[i] * invstd * ((i == j) - 1 / n - xhat[i] * xhat[j] / n) for i in range(n))
        for j in range(n)
    ]
