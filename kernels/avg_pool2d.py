"""2-D average pooling over (N, C, H, W) arrays, with PyTorch's exact divisor.

Window geometry along one axis (rows shown; columns are the same with W): output row ``oh`` covers

    start = oh * stride - pad,   stop = min(start + kernel, H + pad)

first clipped to the padded input (a ceil_mode window may hang past the right padding), giving the
"padded size" ``stop - start``; then clipped to the input ``[0, H)``, giving the summed taps.
The divisor of window (oh, ow) is

    divisor_override                           if given, else
    padded_h * padded_w                        if count_include_pad (zero padding counts), else
    (rows summed) * (columns summed)           (only real input elements count).

So each axis reduces to a table of (start, stop, count) with ``divisor = count_h * count_w``; the
kernels below take such tables and are shared with adaptive average pooling.

Reference: :mod:`minigrad.kernels.reference.avg_pool2d`.
"""
import numpy as np
from numba import njit, prange

from ._parallel import launch

from .pool_output_size import pool_output_size


@njit(cache=True)
def _window(tables, oh, ow, divisor_override):
    """Rows [h0, h1) and columns [w0, w1) that window (oh, ow) sums, and its divisor: the override
    when non-zero, else count_h * count_w; 0 marks an empty window (its output is 0, as in PyTorch;
    no configuration PyTorch accepts produces one)."""
    h_start, h_stop, h_count, w_start, w_stop, w_count = tables
    h0, h1, w0, w1 = h_start[oh], h_stop[oh], w_start[ow], w_stop[ow]
    if h0 >= h1 or w0 >= w1:
        divisor = 0
    elif divisor_override != 0:
        divisor = divisor_override
    else:
        divisor = h_count[oh] * w_count[ow]
    return h0, h1, w0, w1, divisor


@njit(parallel=True, cache=True)
def window_mean_kernel(x, out, tables, divisor_override):
    """``out[p, oh, ow] = sum(x[p, h_start[oh]:h_stop[oh], w_start[ow]:w_stop[ow]]) / divisor``.

    x: (P, H, W); out: (P, OH, OW) same dtype; tables and divisor as in ``window_mean`` and
    ``_window``. The sum accumulates in float64 so float32 inputs lose no precision.
    Parallel over planes p; race-free: iteration p writes only ``out[p]``.
    """
    P, OH, OW = out.shape
    for p in prange(P):
        for oh in range(OH):
            for ow in range(OW):
                h0, h1, w0, w1, divisor = _window(tables, oh, ow, divisor_override)
                total = 0.0
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        total += x[p, ih, iw]
                out[p, oh, ow] = total / divisor if divisor != 0 else 0.0


@njit(parallel=True, cache=True)
def window_mean_backward_kernel(grad_out, grad_x, tables, divisor_override):
    """Adjoint of ``window_mean_kernel``: every element of window (oh, ow) receives
    ``grad_out[p, oh, ow] / divisor``.

    grad_out: (P, OH, OW); grad_x: (P, H, W), zero on entry.
    Parallel over planes p; race-free: overlapping windows add into shared elements only serially
    inside iteration p, which alone writes ``grad_x[p]``.
    """
    P, OH, OW = grad_out.shape
    for p in prange(P):
        for oh in range(OH):
            for ow in range(OW):
                h0, h1, w0, w1, divisor = _window(tables, oh, ow, divisor_override)
                if divisor == 0:
                    continue
                delta = grad_out[p, oh, ow] / divisor
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        grad_x[p, ih, iw] += delta


def window_mean(x: np.ndarray, tables: tuple, divisor_override: int = 0) -> np.ndarray:
    """(N, C, H, W) -> (N, C, OH, OW) window means; ``tables`` = (h_start, h_stop, h_count,
    w_start, w_stop, w_count), int64 arrays of length OH (h_*) and OW (w_*)."""
    N, C, H, W = x.shape
    OH, OW = tables[0].size, tables[3].size
    out = np.empty((N * C, OH, OW), x.dtype)
    launch(window_mean_kernel, np.ascontiguousarray(x).reshape(N * C, H, W), out, tables, divisor_override)
    return out.reshape(N, C, OH, OW)


def window_mean_backward(
    grad_out: np.ndarray, input_hw: tuple[int, int], tables: tuple, divisor_override: int = 0
) -> np.ndarray:
    """Adjoint of ``window_mean``: grad_out (N, C, OH, OW) -> grad_x (N, C, H, W)."""
    N, C, OH, OW = grad_out.shape
    H, W = input_hw
    grad_x = np.zeros((N * C, H, W), grad_out.dtype)
    launch(window_mean_backward_kernel,
        np.ascontiguousarray(grad_out).reshape(N * C, OH, OW), grad_x, tables, divisor_override
    )
    return grad_x.reshape(N, C, H, W)


def _axis_windows(size, out_size, kernel, stride, pad, count_include_pad):
    """(start, stop, count) per output index along one axis (formulas in the module docstring)."""
    start = np.arange(out_size, dtype=np.int64) * stride - pad
    stop = np.minimum(start + kernel, size + pad)
    padded = stop - start
    start = np.maximum(start, 0)
    stop = np.minimum(stop, size)
    return start, stop, padded if count_include_pad else stop - start


def _tables(hw, out_hw, kernel, stride, padding, count_include_pad):
    h = _axis_windows(hw[0], out_hw[0], kernel[0], stride[0], padding[0], count_include_pad)
    w = _axis_windows(hw[1], out_hw[1], kernel[1], stride[1], padding[1], count_include_pad)
    return h + w


def avg_pool2d_forward(
    x: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    """Average pooling: x (N, C, H, W) -> (N, C, OH, OW), same dtype.

    ``out[n, c, oh, ow] = sum of x over the window / divisor`` (window and divisor in the module
    docstring; OH, OW from ``pool_output_size`` with dilation 1).
    Preconditions (checked by the caller): positive kernel/stride, 0 <= pad <= kernel // 2,
    divisor_override None or non-zero, OH and OW >= 1.
    """
    H, W = x.shape[2:]
    out_hw = tuple(
        pool_output_size(size, k, s, p, 1, ceil_mode)
        for size, k, s, p in zip((H, W), kernel, stride, padding)
    )
    tables = _tables((H, W), out_hw, kernel, stride, padding, count_include_pad)
    return window_mean(x, tables, divisor_override or 0)


def avg_pool2d_backward(
    grad_out: np.ndarray,
    input_hw: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    """Gradient of ``avg_pool2d_forward`` w.r.t. x: grad_out (N, C, OH, OW) -> (N, C, H, W).

    ``grad_x[n, c, ih, iw] = sum over windows containing (ih, iw) of grad_out / divisor``.
    The output size is read from grad_out, so ``ceil_mode`` is implied and accepted only so the
    signature mirrors the forward one.
    """
    tables = _tables(input_hw, grad_out.shape[2:], kernel, stride, padding, count_include_pad)
    return window_mean_backward(grad_out, input_hw, tables, divisor_override or 0)
