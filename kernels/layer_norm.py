"""Layer normalisation over the trailing dims of x, viewed as (M, D) with D = prod(normalized_shape).

Each row i is normalised with its own statistics (``moments.mean_and_variance``, float64):

    invstd_i = 1 / sqrt(var_i + eps)          (biased variance, eps inside the sqrt, as PyTorch)
    xhat     = (x[i, d] - mean_i) * invstd_i
    out      = xhat * weight[d] + bias[d]       (weight, bias of shape normalized_shape, optional)

Backward, with g = grad_out and h = g * weight[d] (the gradient wrt xhat):

    grad_x[i, d]   = invstd_i * (h - mean_d(h) - xhat * mean_d(h * xhat))     (means over the row)
    grad_weight[d] = sum_i g * xhat,   grad_bias[d] = sum_i g

The column sums run over all rows, which a row-parallel loop cannot add into one (D,) vector
without races; instead the rows are split into a FIXED number of chunks, each chunk sums into its
own float64 row of a (chunks, D) buffer, and numpy adds the chunk rows at the end. The split does
not depend on the thread count, so the result is bit-identical under any number of threads.
The passes are memory-bound: they run in parallel only above ``_parallel.SERIAL_ELEMENTWISE_LIMIT``
elements.

Reference: :mod:`minigrad.kernels.reference.layer_norm`.
"""
import math

import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range
from .moments import mean_and_variance

ROW_CHUNKS = 64  # chunks of rows for the weight/bias sums: enough parallel work, small buffers


@njit(cache=True, nogil=True)
def layer_norm_affine_rows(x, mean, invstd, weight, bias, out, start, stop):
    """``out[i, d] = (x[i, d] - mean[i]) * invstd[i] * weight[d] + bias[d]`` for rows
    ``start <= i < stop``; serial.

    x, out: (M, D) same dtype; mean, invstd: (M,) float64; weight, bias: (D,) float64.
    Writes only ``out[start:stop]``.
    """
    D = x.shape[1]
    for i in range(start, stop):
        m = mean[i]
        r = invstd[i]
        for d in range(D):
            out[i, d] = (x[i, d] - m) * r * weight[d] + bias[d]


@njit(parallel=True, cache=True)
def layer_norm_affine_kernel(x, mean, invstd, weight, bias, out):
    """``layer_norm_affine_rows`` over all M rows. Parallel over rows i; race-free: iteration i
    writes only ``out[i]``."""
    for i in prange(x.shape[0]):
        layer_norm_affine_rows(x, mean, invstd, weight, bias, out, i, i + 1)


# 'reassoc' vectorises the float64 row sums; the summation order is still fixed per row and chunk.
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def layer_norm_backward_chunks(grad_out, x, mean, invstd, weight, grad_x, grad_weight_parts, grad_bias_parts,
                               start, stop):
    """Gradients of layer norm for the chunks of rows ``start <= k < stop``; serial.

    grad_out, x, grad_x: (M, D) same dtype; mean, invstd: (M,) float64; weight: (D,) float64;
    grad_weight_parts, grad_bias_parts: (K, D) float64, zero on entry; chunk k covers rows
    [k * M // K, (k + 1) * M // K) and accumulates ``sum g * xhat`` and ``sum g`` over them into
    row k of the parts. grad_x as in the module docstring. Writes only the rows of its chunks in
    grad_x and rows ``start:stop`` of the two parts buffers.
    """
    M, D = x.shape
    K = grad_weight_parts.shape[0]
    for k in range(start, stop):
        for i in range(k * M // K, (k + 1) * M // K):
            m = mean[i]
            r = invstd[i]
            sum_h = 0.0
            sum_h_xhat = 0.0
            for d in range(D):
                g = np.float64(grad_out[i, d])
                xhat = (x[i, d] - m) * r
                grad_weight_parts[k, d] += g * xhat
                grad_bias_parts[k, d] += g
                h = g * weight[d]
                sum_h += h
                sum_h_xhat += h * xhat
            mean_h = sum_h / D
            mean_h_xhat = sum_h_xhat / D
            for d in range(D):
                xhat = (x[i, d] - m) * r
                grad_x[i, d] = r * (grad_out[i, d] * weight[d] - mean_h - xhat * mean_h_xhat)


@njit(parallel=True, cache=True)
def layer_norm_backward_kernel(grad_out, x, mean, invstd, weight, grad_x, grad_weight_parts, grad_bias_parts):
    """``layer_norm_backward_chunks`` over all K chunks. Parallel over chunks k; race-free:
    iteration k writes only its own rows of grad_x and row k of the two parts buffers."""
    for k in prange(grad_weight_parts.shape[0]):
        layer_norm_backward_chunks(grad_out, x, mean, invstd, weight, grad_x, grad_weight_parts, grad_bias_parts,
                                   k, k + 1)


def _as_rows(x: np.ndarray, normalized_shape: tuple[int, ...]) -> np.ndarray:
    """Contiguous (M, D) view of x: D = prod(normalized_shape) trailing elements, M = the rest."""
    M = math.prod(x.shape[:x.ndim - len(normalized_shape)])
    return np.ascontiguousarray(x).reshape(M, math.prod(normalized_shape))


def _param64(param: np.ndarray | None, D: int, default: float) -> np.ndarray:
    """A flat contiguous float64 (D,) copy of a weight/bias, or ``default`` everywhere when None."""
    return np.full(D, default) if param is None else np.ascontiguousarray(param, np.float64).reshape(D)


def layer_norm_forward(
    x: np.ndarray, normalized_shape: tuple[int, ...], weight: np.ndarray | None,
    bias: np.ndarray | None, eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Layer norm over the trailing ``normalized_shape`` dims of x.

    x: (..., *normalized_shape) float32/float64; weight, bias: normalized_shape or None.
    Returns ``(out, mean, invstd)``: out like x, mean and invstd = 1 / sqrt(var + eps) float64 (M,)
    for the M = x.size // D rows (NaN for D == 0).
    """
    rows = _as_rows(x, normalized_shape)
    M, D = rows.shape
    mean, var = mean_and_variance(rows.reshape(1, M, D))
    invstd = 1.0 / np.sqrt(var + eps)
    out = np.empty(rows.shape, x.dtype)
    run_range(layer_norm_affine_rows, layer_norm_affine_kernel, M, rows.size, rows, mean, invstd,
              _param64(weight, D, 1.0), _param64(bias, D, 0.0), out, limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return out.reshape(x.shape), mean, invstd


def layer_norm_backward(
    grad_out: np.ndarray, x: np.ndarray, normalized_shape: tuple[int, ...],
    mean: np.ndarray, invstd: np.ndarray, weight: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of layer norm: ``(grad_x, grad_weight, grad_bias)``.

    grad_out, x: like the forward's x; mean, invstd: the forward's (M,) results; weight:
    normalized_shape or None (taken as ones). grad_x has x's shape and dtype; grad_weight
    (sum over rows of g * xhat) and grad_bias (sum of g) have shape normalized_shape and x's dtype
    and are always computed (the caller drops what it does not need).
    """
    rows = _as_rows(x, normalized_shape)
    M, D = rows.shape
    chunks = min(M, ROW_CHUNKS)
    grad_x = np.empty(rows.shape, x.dtype)
    grad_weight_parts = np.zeros((chunks, D))
    grad_bias_parts = np.zeros((chunks, D))
    mean, invstd = (np.ascontiguousarray(a, np.float64) for a in (mean, invstd))
    grad_rows = _as_rows(grad_out.astype(x.dtype, copy=False), normalized_shape)
    run_range(layer_norm_backward_chunks, layer_norm_backward_kernel, chunks, rows.size, grad_rows, rows, mean,
              invstd, _param64(weight, D, 1.0), grad_x, grad_weight_parts, grad_bias_parts,
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    grad_weight = grad_weight_parts.sum(axis=0).astype(x.dtype).reshape(normalized_shape)
    grad_bias = grad_bias_parts.sum(axis=0).astype(x.dtype).reshape(normalized_shape)
    return grad_x.reshape(x.shape), grad_weight, grad_bias
