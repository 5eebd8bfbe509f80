"""Embedding backward: the gradient of the row lookup ``out[n, :] = weight[indices[n], :]``.

Every lookup n sends its gradient row back to the weight row it read, so rows read several times
add up:

    grad_weight[v, :] = s(v) * sum_{n : indices[n] == v} grad_out[n, :]      (zero for v == padding_idx
                                                                              and for rows never read)
    s(v) = 1 / count(v) with ``scale_grad_by_freq`` (count(v) = #{n : indices[n] == v}), else 1

A scatter-add in parallel would race (two lookups of one row, two threads, one destination), so it
is written as a gather: a stable counting sort groups the lookups by row (``group_lookups``), then
each distinct row sums its own group. Only the rows that were read are touched; the rest of the
(num_embeddings, D) gradient is the zeros it was allocated with. The sums run in float64 and in
increasing n, so float32 results are as accurate as a float64 reference allows and do not depend on
the thread count.

Reference: :mod:`minigrad.kernels.reference.embedding`.
"""
import numpy as np
from numba import njit, prange

from ._parallel import run_range


@njit(cache=True)
def group_lookups(indices, num_embeddings):
    """Stable counting sort of the lookups by row, serial; O(N + num_embeddings).

    indices: (N,) int64, each in [0, num_embeddings). Returns ``starts`` (num_embeddings + 1,) and
    ``order`` (N,), both int64: ``order[starts[v]:starts[v + 1]]`` are the n with
    ``indices[n] == v``, in increasing n.
    """
    starts = np.zeros(num_embeddings + 1, np.int64)
    for n in range(indices.shape[0]):
        starts[indices[n] + 1] += 1
    for v in range(num_embeddings):
        starts[v + 1] += starts[v]
    order = np.empty(indices.shape[0], np.int64)
    next_slot = starts[:-1].copy()
    for n in range(indices.shape[0]):
        v = indices[n]
        order[next_slot[v]] = n
        next_slot[v] += 1
    return starts, order


@njit(cache=True)
def embedding_backward_range(grad_out, starts, order, rows, grad_weight, scale_grad_by_freq, start, stop):
    """grad_weight[rows[u], :] for ``start <= u < stop``, serial.

    grad_out: (N, D); grad_weight: (num_embeddings, D), same dtype; starts, order from
    ``group_lookups``; rows: (U,) int64, distinct rows to fill. Row v = rows[u] gets
    ``s(v) * sum_{k in [starts[v], starts[v+1])} grad_out[order[k], :]`` (module docstring),
    summed in a float64 row. Writes only grad_weight[rows[u], :] for u in its range.
    """
    width = grad_out.shape[1]
    total = np.empty(width, np.float64)
    for u in range(start, stop):
        v = rows[u]
        total[:] = 0.0
        for k in range(starts[v], starts[v + 1]):
            n = order[k]
            for j in range(width):
                total[j] += grad_out[n, j]
        scale = 1.0 / (starts[v + 1] - starts[v]) if scale_grad_by_freq else 1.0
        for j in range(width):
            grad_weight[v, j] = total[j] * scale


@njit(parallel=True, cache=True)
def embedding_backward_kernel(grad_out, starts, order, rows, grad_weight, scale_grad_by_freq):
    """``embedding_backward_range`` over all U distinct rows. Parallel over u; race-free: the
    rows[u] are distinct, and iteration u writes grad_weight[rows[u], :] alone (it only reads
    grad_out, starts and order)."""
    for u in prange(rows.shape[0]):
        embedding_backward_range(grad_out, starts, order, rows, grad_weight, scale_grad_by_freq, u, u + 1)


def embedding_backward(grad_out: np.ndarray, indices: np.ndarray, num_embeddings: int, padding_idx: int,
                       scale_grad_by_freq: bool) -> np.ndarray:
    """The weight gradient of an embedding lookup (module docstring): grad_weight (num_embeddings, D).

    grad_out: (N, D) float32/float64, the lookups' gradients flattened to rows; indices: (N,)
    integers, every one in [0, num_embeddings) (checked by the caller); padding_idx: the row that
    gets no gradient, or -1 for none. The result has grad_out's dtype.
    """
    grad_out = np.ascontiguousarray(grad_out)
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    starts, order = group_lookups(indices, num_embeddings)
    read = starts[1:] > starts[:-1]
    if 0 <= padding_idx < num_embeddings:
        read[padding_idx] = False
    rows = np.flatnonzero(read)
    grad_weight = np.zeros((num_embeddings, grad_out.shape[1]), grad_out.dtype)
    run_range(embedding_backward_range, embedding_backward_kernel, rows.size, grad_out.size,
              grad_out, starts, order, rows, grad_weight, scale_grad_by_freq)
    return grad_weight
