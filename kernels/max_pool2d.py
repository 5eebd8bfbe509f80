"""2-D max pooling over (N, C, H, W) arrays, with PyTorch's ``return_indices`` convention.

Window geometry along one axis (rows shown; columns are the same with W): output row ``oh`` covers
the dilated taps

    ih = oh * stride - pad + k * dilation,   k = 0 .. kernel - 1

Taps that land in the padding count as -inf, i.e. they are simply skipped, so each axis reduces to
a table of (first in-range tap, stop, step). ``indices[n, c, oh, ow] = ih * W + iw`` is the flat
position of the maximum inside its (H, W) input plane.

Scan order and tie rule (PyTorch's CPU kernel): taps are visited row by row; a tap replaces the
running maximum when it is strictly greater, or when it is NaN. So ties keep the FIRST maximum,
a window containing NaN outputs NaN (with the index of its LAST NaN), and a window of only -inf
reports its first in-range tap.

The two kernels here are shared with adaptive max pooling, which only builds different tables.

Reference: :mod:`minigrad.kernels.reference.max_pool2d`.
"""
import numpy as np
from numba import njit, prange

from ._parallel import launch

from .pool_output_size import pool_output_size


@njit(parallel=True, cache=True)
def window_max_kernel(x, out, indices, h_start, h_stop, h_step, w_start, w_stop, w_step):
    """Max of every window of every plane.

    x: (P, H, W) planes; out: (P, OH, OW) same dtype; indices: (P, OH, OW) int64.
    Window (oh, ow) is ``x[p, h_start[oh]:h_stop[oh]:h_step, w_start[ow]:w_stop[ow]:w_step]``;
    ``out`` gets its maximum, ``indices`` the flat position ``ih * W + iw`` (tie / NaN rule in the
    module docstring). A window whose taps all fall in the padding (a degenerate dilated
    configuration PyTorch accepts) gives -inf and, as in PyTorch, the index of its first tap at or
    after 0, which may lie past the plane.
    Parallel over planes p; race-free: iteration p writes only ``out[p]`` and ``indices[p]``.
    """
    P, W = x.shape[0], x.shape[2]
    OH = h_start.shape[0]
    OW = w_start.shape[0]
    for p in prange(P):
        for oh in range(OH):
            for ow in range(OW):
                best = -np.inf
                best_index = h_start[oh] * W + w_start[ow]
                for ih in range(h_start[oh], h_stop[oh], h_step):
                    for iw in range(w_start[ow], w_stop[ow], w_step):
                        value = x[p, ih, iw]
                        if value > best or np.isnan(value):
                            best = value
                            best_index = ih * W + iw
                out[p, oh, ow] = best
                indices[p, oh, ow] = best_index


@njit(parallel=True, cache=True)
def scatter_add_kernel(grad_out, indices, grad_x):
    """``grad_x[p, indices[p, k]] += grad_out[p, k]`` for every output position k.

    grad_out, indices: (P, K); grad_x: (P, H*W), zero on entry. An index past the plane (the
    all-padding window, see ``window_max_kernel``) carries no gradient and is skipped.
    Parallel over planes p; race-free: overlapping windows may send several k to one element, but
    those adds happen serially inside iteration p, which alone writes ``grad_x[p]``.
    """
    P, K = grad_out.shape
    plane_size = grad_x.shape[1]
    for p in prange(P):
        for k in range(K):
            if indices[p, k] < plane_size:
                grad_x[p, indices[p, k]] += grad_out[p, k]


def window_max(
    x: np.ndarray,
    h_start: np.ndarray, h_stop: np.ndarray, h_step: int,
    w_start: np.ndarray, w_stop: np.ndarray, w_step: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(N, C, H, W) -> (out, indices), both (N, C, OH, OW), from per-axis window tables
    (int64 arrays of length OH and OW; see ``window_max_kernel``)."""
    N, C, H, W = x.shape
    planes = np.ascontiguousarray(x).reshape(N * C, H, W)
    out = np.empty((N * C, h_start.size, w_start.size), x.dtype)
    indices = np.empty(out.shape, np.int64)
    launch(window_max_kernel, planes, out, indices, h_start, h_stop, h_step, w_start, w_stop, w_step)
    shape = (N, C, h_start.size, w_start.size)
    return out.reshape(shape), indices.reshape(shape)


def _window_taps(size: int, out_size: int, kernel: int, stride: int, pad: int, dilation: int):
    """Per output index along one axis: first in-range tap and stop of the dilated window.

    start = o * stride - pad, advanced by whole dilation steps until it is >= 0 (taps in the
    left padding are -inf and never win); stop = min(start + dilation * (kernel - 1) + 1, size).
    """
    start = np.arange(out_size, dtype=np.int64) * stride - pad
    stop = np.minimum(start + dilation * (kernel - 1) + 1, size)
    skipped = np.maximum(-start + dilation - 1, 0) // dilation  # ceil(-start / dilation), or 0
    return start + skipped * dilation, stop


def max_pool2d_forward(
    x: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
    ceil_mode: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling: x (N, C, H, W) -> (out (N, C, OH, OW) same dtype, indices int64).

    ``out[n, c, oh, ow] = max over kh, kw of x[n, c, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW]``
    (padding is -inf), ``indices`` = flat argmax ``ih * W + iw`` in the (H, W) plane; OH and OW
    from ``pool_output_size``. Ties pick the first maximum in row-major scan order; NaN propagates.
    Preconditions (checked by the caller, as PyTorch does): positive kernel/stride/dilation,
    0 <= pad <= kernel // 2, OH and OW >= 1.
    """
    H, W = x.shape[2:]
    OH = pool_output_size(H, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    OW = pool_output_size(W, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    h_start, h_stop = _window_taps(H, OH, kernel[0], stride[0], padding[0], dilation[0])
    w_start, w_stop = _window_taps(W, OW, kernel[1], stride[1], padding[1], dilation[1])
    return window_max(x, h_start, h_stop, dilation[0], w_start, w_stop, dilation[1])


def max_pool2d_backward(
    grad_out: np.ndarray, indices: np.ndarray, input_hw: tuple[int, int]
) -> np.ndarray:
    """Gradient of max pooling (also adaptive max pooling) w.r.t. its input.

    grad_out, indices: (N, C, OH, OW) -> grad_x (N, C, H, W) with
    ``grad_x[n, c].flat[indices[n, c, oh, ow]] += grad_out[n, c, oh, ow]``: each output's gradient
    goes to the input element that won its window, and an element that won several overlapping
    windows receives the sum. Indices >= H * W (all-padding windows) are ignored.
    Precondition: indices >= 0 (true for forward's indices).
    """
    N, C, OH, OW = grad_out.shape
    H, W = input_hw
    grad_x = np.zeros((N * C, H * W), grad_out.dtype)
    launch(scatter_add_kernel,
        np.ascontiguousarray(grad_out).reshape(N * C, OH * OW),
        np.ascontiguousarray(indices).reshape(N * C, OH * OW),
        grad_x,
    )
    return grad_x.reshape(N, C, H, W)
