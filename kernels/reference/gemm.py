"""Matrix product by its definition, for stacks of matrices (numpy's broadcasting of leading dims)::

    out[..., i, j] = sum_k a[..., i, k] * b[..., k, j]

Fast kernel: :mod:`minigrad.kernels.gemm` (numpy's BLAS).
"""
import math

import numpy as np


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for arrays of at least 2 dimensions, float64, each entry an exact sum (``math.fsum``)."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a, b = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    M, K, N = a.shape[-2], a.shape[-1], b.shape[-1]
    out = np.empty(batch + (M, N))
    for index in np.ndindex(batch):
        for i, j in np.ndindex(M, N):
            out[index + (i, j)] = math.fsum(float(a[index + (i, k)]) * float(b[index + (k, j)]) for k in range(K))
    return out
