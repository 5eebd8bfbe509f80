"""2-D max pooling over (N, C, H, W) arrays, with PyTorch's ``return_indices`` convention.

Window geometry along one axis (rows shown; columns are the same with W): output row ``oh`` covers
the dilated taps

    ih = oh * stride - pad + k * dilation,   k = 0 .. kernel - 1

Taps that land in the padding count as -inf, i.e. they are simply skipped, so each axis reduces to
a table of (first in-range tap, number of in-range taps, step). ``indices[n, c, oh, ow] = ih * W + iw`` is the flat
position of the maximum inside its (H, W) input plane.

Scan order and tie rule (PyTorch's CPU kernel): taps are visited row by row; a tap replaces the
running maximum when it is strictly greater, or when it is NaN. So ties keep the FIRST maximum,
a window containing NaN outputs NaN (with the index of its LAST NaN), and a window of only -inf
reports its first in-range tap.

The table-driven window loop and the gradient scatter are shared with adaptive max pooling, which
only builds different tables; kernel 2 / stride 2 (the pooling of most CNNs) has an unrolled twin.
All of them run over planes: serially on small inputs, in parallel (one plane per iteration) from
the ``_parallel`` work limits on.

Reference: :mod:`minigrad.kernels.reference.max_pool2d`.
"""
import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range
from .pool_output_size import pool_output_size


def scan_window_max(x, p, h_first, h_count, h_step, w_first, w_count, w_step, lowest):
    """(max, flat index) of one window of plane ``p`` of x (P, H, W) by the reference scan (module
    docstring: row by row, a tap wins when strictly greater or NaN); ``lowest`` is -inf in x's dtype.

    Plain Python, compiled twice: below for the CPU kernels, which take it only for windows that
    contain a NaN, and as a device function for every window of the CUDA twin."""
    W = x.shape[2]
    best = lowest
    best_index = h_first * W + w_first
    for a in range(h_count):
        ih = h_first + a * h_step
        for b in range(w_count):
            iw = w_first + b * w_step
            value = x[p, ih, iw]
            if value > best or value != value:
                best = value
                best_index = ih * W + iw
    return best, best_index


_exact_window_max = njit(cache=True, nogil=True)(scan_window_max)


@njit(cache=True, nogil=True)
def window_max_planes(x, out, indices, h_first, h_count, h_step, w_first, w_count, w_step, start, stop):
    """Max of every window of planes ``start <= p < stop``; serial.

    x: (P, H, W) planes; out: (P, OH, OW) same dtype; indices: (P, OH, OW) int64.
    Window (oh, ow) holds the taps ``ih = h_first[oh] + a * h_step`` (a < h_count[oh]) by
    ``iw = w_first[ow] + b * w_step`` (b < w_count[ow]), all inside the plane; ``out`` gets their
    maximum, ``indices`` its flat position ``ih * W + iw`` (tie / NaN rule in the module docstring).
    A window with no taps (all in the padding, a degenerate dilated configuration PyTorch accepts)
    gives -inf and, as in PyTorch, the index ``h_first * W + w_first`` of its first tap at or after
    0, which may lie past the plane. Writes only ``out[start:stop]`` and ``indices[start:stop]``.

    The scan keeps the strictly greater tap with selects instead of branches (a branch on random
    data mispredicts about every other tap, which made this loop several times slower); a NaN,
    which must win, is only noted, and such a window is rescanned by ``_exact_window_max``.
    Reference: :func:`minigrad.kernels.reference.max_pool2d.max_pool2d_forward`.
    """
    W = x.shape[2]
    OH, OW = out.shape[1], out.shape[2]
    for p in range(start, stop):
        for oh in range(OH):
            h0, hc = h_first[oh], h_count[oh]
            for ow in range(OW):
                w0, wc = w_first[ow], w_count[ow]
                best = x.dtype.type(-np.inf)
                best_index = h0 * W + w0
                seen_nan = False
                for a in range(hc):
                    ih = h0 + a * h_step
                    for b in range(wc):
                        iw = w0 + b * w_step
                        value = x[p, ih, iw]
                        best_index = ih * W + iw if value > best else best_index
                        best = value if value > best else best
                        seen_nan |= value != value
                if seen_nan:
                    best, best_index = _exact_window_max(x, p, h0, hc, h_step, w0, wc, w_step, x.dtype.type(-np.inf))
                out[p, oh, ow] = best
                indices[p, oh, ow] = best_index


@njit(parallel=True, cache=True)
def window_max_kernel(x, out, indices, h_first, h_count, h_step, w_first, w_count, w_step):
    """``window_max_planes`` over all P planes. Parallel over planes p; race-free: iteration p
    writes only ``out[p]`` and ``indices[p]``."""
    for p in prange(x.shape[0]):
        window_max_planes(x, out, indices, h_first, h_count, h_step, w_first, w_count, w_step, p, p + 1)


@njit(cache=True, nogil=True)
def max_pool_2x2_planes(x, out, indices, start, stop):
    """``window_max_planes`` for kernel 2, stride 2, no padding, dilation 1; serial.

    x: (P, H, W) with 2 OH <= H and 2 OW <= W; out, indices: (P, OH, OW). Window (oh, ow) is
    ``x[p, 2 oh : 2 oh + 2, 2 ow : 2 ow + 2]``, scanned in the same order with the same selects;
    its four taps are unrolled, which makes this the most common pooling several times faster
    than the table-driven loop. Writes only ``out[start:stop]`` and ``indices[start:stop]``.
    """
    W = x.shape[2]
    OH, OW = out.shape[1], out.shape[2]
    for p in range(start, stop):
        for oh in range(OH):
            for ow in range(OW):
                ih, iw = 2 * oh, 2 * ow
                best = x[p, ih, iw]
                best_index = ih * W + iw
                seen_nan = best != best
                for tap in range(1, 4):
                    th, tw = ih + tap // 2, iw + tap % 2
                    value = x[p, th, tw]
                    best_index = th * W + tw if value > best else best_index
                    best = value if value > best else best
                    seen_nan |= value != value
                if seen_nan:
                    best, best_index = _exact_window_max(x, p, ih, 2, 1, iw, 2, 1, x.dtype.type(-np.inf))
                out[p, oh, ow] = best
                indices[p, oh, ow] = best_index


@njit(parallel=True, cache=True)
def max_pool_2x2_kernel(x, out, indices):
    """``max_pool_2x2_planes`` over all P planes. Parallel over planes p; race-free: iteration p
    writes only ``out[p]`` and ``indices[p]``."""
    for p in prange(x.shape[0]):
        max_pool_2x2_planes(x, out, indices, p, p + 1)


@njit(cache=True, nogil=True)
def scatter_add_planes(grad_out, indices, grad_x, start, stop):
    """``grad_x[p, indices[p, k]] += grad_out[p, k]`` for every output position k of planes
    ``start <= p < stop``; serial.

    grad_out, indices: (P, K); grad_x: (P, H*W), zero on entry. An index past the plane (the
    all-padding window, see ``window_max_planes``) carries no gradient and is skipped. Overlapping
    windows may send several k to one element; their adds happen in k order. Writes only
    ``grad_x[start:stop]``.
    """
    K = grad_out.shape[1]
    plane_size = grad_x.shape[1]
    for p in range(start, stop):
        for k in range(K):
            if indices[p, k] < plane_size:
                grad_x[p, indices[p, k]] += grad_out[p, k]


@njit(parallel=True, cache=True)
def scatter_add_kernel(grad_out, indices, grad_x):
    """``scatter_add_planes`` over all P planes. Parallel over planes p; race-free: iteration p
    alone writes ``grad_x[p]``."""
    for p in prange(grad_out.shape[0]):
        scatter_add_planes(grad_out, indices, grad_x, p, p + 1)


def window_max(
    x: np.ndarray,
    h_start: np.ndarray, h_stop: np.ndarray, h_step: int,
    w_start: np.ndarray, w_stop: np.ndarray, w_step: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(N, C, H, W) -> (out, indices), both (N, C, OH, OW), from per-axis window tables: int64
    arrays of length OH and OW, window (oh, ow) being
    ``x[n, c, h_start[oh]:h_stop[oh]:h_step, w_start[ow]:w_stop[ow]:w_step]`` (see
    ``window_max_planes``; every start >= 0)."""
    N, C, H, W = x.shape
    planes = np.ascontiguousarray(x).reshape(N * C, H, W)
    out = np.empty((N * C, h_start.size, w_start.size), x.dtype)
    indices = np.empty(out.shape, np.int64)
    h_count = np.maximum(h_stop - h_start + h_step - 1, 0) // h_step
    w_count = np.maximum(w_stop - w_start + w_step - 1, 0) // w_step
    taps = N * C * int(h_count.sum()) * int(w_count.sum())
    run_range(window_max_planes, window_max_kernel, N * C, taps, planes, out, indices,
              h_start, h_count, h_step, w_start, w_count, w_step, limit=_parallel.SERIAL_POOL_LIMIT)
    shape = (N, C, h_start.size, w_start.size)
    return out.reshape(shape), indices.reshape(shape)


def _max_pool_2x2(x: np.ndarray, OH: int, OW: int) -> tuple[np.ndarray, np.ndarray]:
    """``window_max`` for kernel 2, stride 2, no padding, dilation 1 (``max_pool_2x2_planes``)."""
    N, C, H, W = x.shape
    planes = np.ascontiguousarray(x).reshape(N * C, H, W)
    out = np.empty((N * C, OH, OW), x.dtype)
    indices = np.empty(out.shape, np.int64)
    run_range(max_pool_2x2_planes, max_pool_2x2_kernel, N * C, planes.size, planes, out, indices,
              limit=_parallel.SERIAL_POOL_LIMIT)
    return out.reshape(N, C, OH, OW), indices.reshape(N, C, OH, OW)


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
    if kernel == stride == (2, 2) and padding == (0, 0) and dilation == (1, 1) and 2 * OH <= H and 2 * OW <= W:
        return _max_pool_2x2(x, OH, OW)
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
    run_range(scatter_add_planes, scatter_add_kernel, N * C, grad_x.size,
              np.ascontiguousarray(grad_out).reshape(N * C, OH * OW),
              np.ascontiguousarray(indices).reshape(N * C, OH * OW), grad_x,
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return grad_x.reshape(N, C, H, W)
