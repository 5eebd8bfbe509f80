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
kernels below take such tables and are shared with adaptive average pooling; kernel 2 / stride 2
without padding (the common case) has an unrolled twin, several times faster. They run over planes:
serially on small inputs, in parallel (one plane per iteration) from ``_parallel.SERIAL_POOL_LIMIT``
elements on.

Reference: :mod:`minigrad.kernels.reference.avg_pool2d`.
"""
import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range
from .pool_output_size import pool_output_size


@njit(cache=True, nogil=True)
def window_mean_planes(x, out, h_start, h_stop, h_count, w_start, w_stop, w_count, divisor_override, start, stop):
    """``out[p, oh, ow] = sum(x[p, h_start[oh]:h_stop[oh], w_start[ow]:w_stop[ow]]) / divisor`` for
    planes ``start <= p < stop``; serial.

    x: (P, H, W); out: (P, OH, OW) same dtype; h_*: int64 (OH,), w_*: int64 (OW,), every start
    >= 0. The divisor is ``divisor_override`` when non-zero, else ``h_count[oh] * w_count[ow]``;
    an empty window gives 0 (as in PyTorch; no configuration PyTorch accepts produces one). The
    sum accumulates in float64 so float32 inputs lose no precision. Writes only
    ``out[start:stop]``. Reference: :func:`minigrad.kernels.reference.avg_pool2d.avg_pool2d_forward`.
    """
    OH, OW = out.shape[1], out.shape[2]
    for p in range(start, stop):
        for oh in range(OH):
            h0, hn = h_start[oh], h_stop[oh] - h_start[oh]
            for ow in range(OW):
                w0, wn = w_start[ow], w_stop[ow] - w_start[ow]
                divisor = divisor_override if divisor_override != 0 else h_count[oh] * w_count[ow]
                total = 0.0
                for a in range(hn):
                    for b in range(wn):
                        total += x[p, h0 + a, w0 + b]
                out[p, oh, ow] = total / divisor if hn > 0 and wn > 0 else 0.0


@njit(parallel=True, cache=True)
def window_mean_kernel(x, out, h_start, h_stop, h_count, w_start, w_stop, w_count, divisor_override):
    """``window_mean_planes`` over all P planes. Parallel over planes p; race-free: iteration p
    writes only ``out[p]``."""
    for p in prange(x.shape[0]):
        window_mean_planes(x, out, h_start, h_stop, h_count, w_start, w_stop, w_count, divisor_override, p, p + 1)


@njit(cache=True, nogil=True)
def window_mean_backward_planes(grad_out, grad_x, h_start, h_stop, h_count, w_start, w_stop, w_count,
                                divisor_override, start, stop):
    """Adjoint of ``window_mean_planes`` for planes ``start <= p < stop``; serial: every element
    of window (oh, ow) receives ``grad_out[p, oh, ow] / divisor``.

    grad_out: (P, OH, OW); grad_x: (P, H, W), zero on entry; tables as in ``window_mean_planes``.
    Overlapping windows add into shared elements in window order. Writes only
    ``grad_x[start:stop]``.
    """
    OH, OW = grad_out.shape[1], grad_out.shape[2]
    for p in range(start, stop):
        for oh in range(OH):
            h0, hn = h_start[oh], h_stop[oh] - h_start[oh]
            for ow in range(OW):
                w0, wn = w_start[ow], w_stop[ow] - w_start[ow]
                if hn <= 0 or wn <= 0:
                    continue
                divisor = divisor_override if divisor_override != 0 else h_count[oh] * w_count[ow]
                delta = grad_out[p, oh, ow] / divisor
                for a in range(hn):
                    for b in range(wn):
                        grad_x[p, h0 + a, w0 + b] += delta


@njit(parallel=True, cache=True)
def window_mean_backward_kernel(grad_out, grad_x, h_start, h_stop, h_count, w_start, w_stop, w_count,
                                divisor_override):
    """``window_mean_backward_planes`` over all P planes. Parallel over planes p; race-free:
    iteration p alone writes ``grad_x[p]``."""
    for p in prange(grad_out.shape[0]):
        window_mean_backward_planes(grad_out, grad_x, h_start, h_stop, h_count, w_start, w_stop, w_count,
                                    divisor_override, p, p + 1)


@njit(cache=True, nogil=True)
def mean_pool_2x2_planes(x, out, start, stop):
    """``window_mean_planes`` for kernel 2, stride 2, no padding and no divisor override; serial.

    x: (P, H, W) with 2 OH <= H and 2 OW <= W; out: (P, OH, OW) same dtype,
    ``out[p, oh, ow] = sum(x[p, 2 oh : 2 oh + 2, 2 ow : 2 ow + 2]) / 4``, summed in float64 in the
    same order as the table-driven loop (so bit-identical to it), with the four taps unrolled:
    several times faster than reading the window tables. Writes only ``out[start:stop]``.
    """
    OH, OW = out.shape[1], out.shape[2]
    for p in range(start, stop):
        for oh in range(OH):
            for ow in range(OW):
                ih, iw = 2 * oh, 2 * ow
                total = 0.0
                total += x[p, ih, iw]
                total += x[p, ih, iw + 1]
                total += x[p, ih + 1, iw]
                total += x[p, ih + 1, iw + 1]
                out[p, oh, ow] = total / 4


@njit(parallel=True, cache=True)
def mean_pool_2x2_kernel(x, out):
    """``mean_pool_2x2_planes`` over all P planes. Parallel over planes p; race-free: iteration p
    writes only ``out[p]``."""
    for p in prange(x.shape[0]):
        mean_pool_2x2_planes(x, out, p, p + 1)


@njit(cache=True, nogil=True)
def mean_pool_2x2_backward_planes(grad_out, grad_x, start, stop):
    """Adjoint of ``mean_pool_2x2_planes`` for planes ``start <= p < stop``; serial.

    grad_out: (P, OH, OW); grad_x: (P, H, W), any content on entry. The windows tile the plane
    without overlap, so this is a gather: ``grad_x[p, ih, iw] = grad_out[p, ih // 2, iw // 2] / 4``
    for ih < 2 OH and iw < 2 OW, and 0 on a leftover last row or column. Writes every element of
    ``grad_x[start:stop]`` once.
    """
    OH, OW = grad_out.shape[1], grad_out.shape[2]
    H, W = grad_x.shape[1], grad_x.shape[2]
    for p in range(start, stop):
        for oh in range(OH):
            for ow in range(OW):
                share = grad_out[p, oh, ow] / 4
                grad_x[p, 2 * oh, 2 * ow] = share
                grad_x[p, 2 * oh, 2 * ow + 1] = share
                grad_x[p, 2 * oh + 1, 2 * ow] = share
                grad_x[p, 2 * oh + 1, 2 * ow + 1] = share
            for iw in range(2 * OW, W):
                grad_x[p, 2 * oh, iw] = 0
                grad_x[p, 2 * oh + 1, iw] = 0
        for ih in range(2 * OH, H):
            for iw in range(W):
                grad_x[p, ih, iw] = 0


@njit(parallel=True, cache=True)
def mean_pool_2x2_backward_kernel(grad_out, grad_x):
    """``mean_pool_2x2_backward_planes`` over all P planes. Parallel over planes p; race-free:
    iteration p writes only ``grad_x[p]``."""
    for p in prange(grad_out.shape[0]):
        mean_pool_2x2_backward_planes(grad_out, grad_x, p, p + 1)


def _is_2x2(kernel, stride, padding, divisor_override, input_hw, output_hw) -> bool:
    """Whether the pooling is the unrolled 2 x 2 case: kernel = stride = 2, no padding, no divisor
    override, and every window inside the input (always so without ceil_mode)."""
    return (tuple(kernel) == tuple(stride) == (2, 2) and tuple(padding) == (0, 0) and not divisor_override
            and 2 * output_hw[0] <= input_hw[0] and 2 * output_hw[1] <= input_hw[1])


def window_mean(x: np.ndarray, tables: tuple, divisor_override: int = 0) -> np.ndarray:
    """(N, C, H, W) -> (N, C, OH, OW) window means; ``tables`` = (h_start, h_stop, h_count,
    w_start, w_stop, w_count), int64 arrays of length OH (h_*) and OW (w_*)."""
    N, C, H, W = x.shape
    OH, OW = tables[0].size, tables[3].size
    out = np.empty((N, C, OH, OW), x.dtype)
    planes = np.ascontiguousarray(x).reshape(N * C, H, W)
    run_range(window_mean_planes, window_mean_kernel, N * C, planes.size, planes, out.reshape(N * C, OH, OW),
              *tables, divisor_override, limit=_parallel.SERIAL_POOL_LIMIT)
    return out


def window_mean_backward(
    grad_out: np.ndarray, input_hw: tuple[int, int], tables: tuple, divisor_override: int = 0
) -> np.ndarray:
    """Adjoint of ``window_mean``: grad_out (N, C, OH, OW) -> grad_x (N, C, H, W)."""
    N, C, OH, OW = grad_out.shape
    H, W = input_hw
    grad_x = np.zeros((N, C, H, W), grad_out.dtype)
    run_range(window_mean_backward_planes, window_mean_backward_kernel, N * C, grad_x.size,
              np.ascontiguousarray(grad_out).reshape(N * C, OH, OW), grad_x.reshape(N * C, H, W), *tables,
              divisor_override, limit=_parallel.SERIAL_POOL_LIMIT)
    return grad_x


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
    if _is_2x2(kernel, stride, padding, divisor_override, (H, W), out_hw):
        N, C = x.shape[:2]
        out = np.empty((N, C, *out_hw), x.dtype)
        planes = np.ascontiguousarray(x).reshape(N * C, H, W)
        run_range(mean_pool_2x2_planes, mean_pool_2x2_kernel, N * C, planes.size, planes,
                  out.reshape(N * C, *out_hw), limit=_parallel.SERIAL_POOL_LIMIT)
        return out
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
    if _is_2x2(kernel, stride, padding, divisor_override, input_hw, grad_out.shape[2:]):
        N, C, OH, OW = grad_out.shape
        grad_x = np.empty((N, C, *input_hw), grad_out.dtype)
        run_range(mean_pool_2x2_backward_planes, mean_pool_2x2_backward_kernel, N * C, grad_x.size,
                  np.ascontiguousarray(grad_out).reshape(N * C, OH, OW), grad_x.reshape(N * C, *input_hw),
                  limit=_parallel.SERIAL_POOL_LIMIT)
        return grad_x
    tables = _tables(input_hw, grad_out.shape[2:], kernel, stride, padding, count_include_pad)
    return window_mean_backward(grad_out, input_hw, tables, divisor_override or 0)
