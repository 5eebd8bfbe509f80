"""Embedding backward on the GPU: the gradient of the row lookup ``out[n, :] = weight[indices[n], :]``.

CPU sibling: :mod:`minigrad.kernels.embedding` (same function, same semantics). The forward lookup
needs no kernel of its own: the Function runs ``np.take(weight, indices, axis=0)``, which on CUDA
is the gather kernel of ``indexing.take``.

    grad_weight[v, :] = s(v) * sum_{n : indices[n] == v} grad_out[n, :]     (zero for v == padding_idx
                                                                             and for rows never read)
    s(v) = 1 / count(v) with ``scale_grad_by_freq``, else 1

Lookups of the same row would collide in a scatter-add, so this is written as gathers, after a
sort of the lookups by row (no atomics):

1. sort: ``rows, order = sort_pairs(indices)`` (sort.py's stable merge sort: a thread per lookup in
   each of its log2 N passes): ``order`` lists the lookups by row, each row's lookups contiguous
   and in increasing n, and ``rows[r] = indices[order[r]]``.
2. sum, one thread per (sorted position r, column j): the thread at the first position of a row's
   run sums that run's ``grad_out[order[r'], j]`` in float64, in increasing n (the CPU kernel's
   order, so results match it bit for bit), scales it and writes ``grad_weight[v, j]``; the other
   threads of the run do nothing. Each (v, j) is written by one thread.

Rows never read keep the zeros grad_weight is allocated with.
"""
from __future__ import annotations

import numpy as np

from ._backend import cuda
from ._planes import launch
from .array import CudaArray
from .sort import sort_pairs


@cuda.jit
def _run_sum_kernel(grad_out, rows, order, grad_weight, padding_idx, scale_grad_by_freq):
    """grad_out (N, D); rows, order (N,) int64 (the sorted rows and the lookups they came from);
    grad_weight (num_embeddings, D), zero on entry. Thread i (grid-stride over N * D) takes
    (r, j) = (i // D, i % D)."""
    N, D = grad_out.shape
    for i in range(cuda.grid(1), N * D, cuda.gridsize(1)):
        r, j = i // D, i % D
        v = rows[r]
        if v == padding_idx or (r > 0 and rows[r - 1] == v):
            continue  # not the first lookup of its row, or the row that gets no gradient
        total, count = 0.0, 0
        while r + count < N and rows[r + count] == v:
            total += float(grad_out[order[r + count], j])
            count += 1
        scale = 1.0 / count if scale_grad_by_freq else 1.0  # as the CPU kernel: a product, not a quotient
        grad_weight[v, j] = total * scale


def embedding_backward(grad_out: CudaArray, indices: CudaArray, num_embeddings: int, padding_idx: int,
                       scale_grad_by_freq: bool) -> CudaArray:
    """The weight gradient of an embedding lookup (module docstring): grad_weight
    (num_embeddings, D) of grad_out's dtype.

    grad_out: (N, D) float32/float64, the lookups' gradients flattened to rows; indices: (N,)
    integers, every one in [0, num_embeddings) (checked by the caller); padding_idx: the row that
    gets no gradient, or -1 for none.
    """
    rows, order = sort_pairs(indices.reshape(-1).astype(np.int64, copy=False), 0)
    grad_weight = CudaArray.zeros((num_embeddings, grad_out.shape[1]), grad_out.dtype)
    launch(_run_sum_kernel, grad_out.size, grad_out.device_array(), rows.device_array(), order.device_array(),
           grad_weight.device_array(), int(padding_idx), bool(scale_grad_by_freq))
    return grad_weight
