"""2-D max unpooling: put each value back at the flat position its max-pooling index names.

``max_unpool2d_forward`` is the partial inverse of ``max_pool2d_forward``: with the indices that
pooling returned, every pooled value returns to where it came from and all other positions are
zero. As a function of x (indices fixed) it is linear, and its adjoint -- the backward pass -- is
the gather ``grad_x[p, k] = grad_out[p, indices[p, k]]``.

Reference: :mod:`minigrad.kernels.reference.max_unpool2d`.
"""
import numpy as np
from numba import njit, prange

from ._parallel import launch


@njit(parallel=True, cache=True)
def _unpool_kernel(x, indices, out):
    """``out[p, indices[p, k]] = x[p, k]``.

    x, indices: (P, K); out: (P, OH*OW), zero on entry; requires 0 <= indices < OH*OW.
    When two k name the same position the later k wins (PyTorch's CPU order).
    Parallel over planes p; race-free: iteration p writes only ``out[p]``, serially.
    """
    P, K = x.shape
    for p in prange(P):
        for k in range(K):
            out[p, indices[p, k]] = x[p, k]


@njit(parallel=True, cache=True)
def _gather_kernel(grad_out, indices, grad_x):
    """``grad_x[p, k] = grad_out[p, indices[p, k]]``.

    grad_out: (P, OH*OW); indices, grad_x: (P, K).
    Parallel over planes p; race-free: a gather, iteration p writes only ``grad_x[p]``.
    """
    P, K = grad_x.shape
    for p in prange(P):
        for k in range(K):
            grad_x[p, k] = grad_out[p, indices[p, k]]


def _planes(a: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> contiguous (N*C, H*W) view of the planes."""
    N, C, H, W = a.shape
    return np.ascontiguousarray(a).reshape(N * C, H * W)


def max_unpool2d_forward(
    x: np.ndarray, indices: np.ndarray, output_hw: tuple[int, int]
) -> np.ndarray:
    """x, indices (N, C, H, W) -> out (N, C, OH, OW), same dtype as x:
    ``out[n, c].flat[indices[n, c, h, w]] = x[n, c, h, w]``, zeros elsewhere.

    Raises RuntimeError with PyTorch's message if an index falls outside ``[0, OH*OW)`` (checked
    here because an out-of-range index would write outside the output).
    """
    N, C = x.shape[:2]
    OH, OW = output_hw
    if indices.size and (indices.min() < 0 or indices.max() >= OH * OW):
        bad = indices[(indices < 0) | (indices >= OH * OW)].flat[0]
        raise RuntimeError(
            f"Found an invalid max index: {bad} (output volumes are of size {OH}x{OW})"
        )
    out = np.zeros((N * C, OH * OW), x.dtype)
    launch(_unpool_kernel, _planes(x), _planes(indices), out)
    return out.reshape(N, C, OH, OW)


def max_unpool2d_backward(grad_out: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """grad_out (N, C, OH, OW), indices (N, C, H, W) -> grad_x (N, C, H, W):
    ``grad_x[n, c, h, w] = grad_out[n, c].flat[indices[n, c, h, w]]``.
    Precondition: indices valid (forward has checked them)."""
    grad_x = np.empty(indices.shape, grad_out.dtype)
    # grad_x is freshly allocated, hence contiguous: _planes(grad_x) is a view the kernel fills.
    launch(_gather_kernel, _planes(grad_out), _planes(indices), _planes(grad_x))
    return grad_x
