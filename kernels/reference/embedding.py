"""Embedding backward by its definition: lookup n read weight row indices[n], so its gradient row
goes back there, and rows read several times add up::

    grad_weight[v, :] = s(v) * sum_{n : indices[n] == v} grad_out[n, :]   (zero for v == padding_idx)
    s(v) = 1 / count(v) with ``scale_grad_by_freq`` (count(v) = #{n : indices[n] == v}), else 1

Fast kernel: :mod:`minigrad.kernels.embedding`.
"""
import numpy as np


def embedding_backward(grad_out: np.ndarray, indices: np.ndarray, num_embeddings: int, padding_idx: int,
                       scale_grad_by_freq: bool) -> np.ndarray:
    """grad_out (N, D), indices (N,) -> grad_weight (num_embeddings, D), float64; padding_idx -1: none."""
    grad_weight = np.zeros((num_embeddings, np.shape(grad_out)[1]))
    counts = np.zeros(num_embeddings, np.int64)
    for v in indices:
        counts[v] += 1
    for n, v in enumerate(indices):
        if v != padding_idx:
            scale = 1.0 / counts[v] if scale_grad_by_freq else 1.0
            grad_weight[v] += scale * np.asarray(grad_out[n], np.float64)
    return grad_weight
