"""2-D max pooling on the GPU, with PyTorch's ``return_indices`` convention.

CPU sibling: :mod:`minigrad.kernels.max_pool2d` (same functions, same semantics).

Shapes: x (N, C, H, W) -> out, indices (N, C, OH, OW); ``indices[n, c, oh, ow] = ih * W + iw``,
the flat position in its (H, W) plane of the maximum of window (oh, ow). Windows along each axis
come from ``_windows.window`` (strided, padded, dilated, or adaptive: adaptive max pooling runs
the same kernels).

Forward, one thread per output element (p, oh, ow) with p = n * C + c (grid-stride over the
flat row-major index): it scans its window row by row (the CPU module's ``scan_window_max``,
compiled as a device function); a tap replaces the running maximum when it
is strictly greater or NaN (the CPU kernel's rule: ties keep the first maximum, NaN propagates
with the index of the last NaN, an all -inf window reports its first tap). Race-free: each thread
writes its own out and indices element.

Backward, a gather, one thread per input element (p, ih, iw): it visits the outputs that may have
chosen (ih, iw), in row-major order, and adds ``grad_out[p, oh, ow]`` where ``indices[p, oh, ow] ==
ih * W + iw``. Overlapping windows (stride < kernel) that chose the same element therefore add up
without a scatter's collisions: each thread writes only its own grad_x element, no atomics, and the
additions come in the CPU scatter's order. The backward entry points get the saved indices but not
the window geometry (their signature is the CPU one), so the outputs to visit are read off the
indices: output row oh chose input rows between ``row_low[oh]`` and ``row_high[oh]`` (the min and
max of ``indices // W`` over its planes and columns), so input row ih needs only the output rows
``oh`` with ``row_low[oh] <= ih <= row_high[oh]``, a range inside the windows that hold ih, as
the windows move monotonically (likewise for columns with ``indices % W``). An index past the plane
(a window entirely in the padding) matches no element.
"""
from __future__ import annotations

import numpy as np

from ..max_pool2d import scan_window_max
from ..pool_output_size import pool_output_size
from ._backend import cuda
from ._planes import launch, planes
from ._windows import strided_axis, window
from .array import CudaArray


_scan_window_max = cuda.jit(device=True)(scan_window_max)


@cuda.jit
def _window_max_kernel(x, out, indices, rows, cols, lowest):
    """x (P, H, W); out (P, OH, OW) of x's dtype; indices (P, OH, OW) int64; rows / cols: axis
    tuples of H and W; ``lowest`` = -inf in x's dtype (the running maximum's start)."""
    P, OH, OW = out.shape
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        ow, oh, p = i % OW, (i // OW) % OH, i // (OH * OW)
        h_first, h_count, h_step, _ = window(oh, rows)
        w_first, w_count, w_step, _ = window(ow, cols)
        best, best_index = _scan_window_max(x, p, h_first, h_count, h_step, w_first, w_count, w_step, lowest)
        out[p, oh, ow] = best
        indices[p, oh, ow] = best_index


@cuda.jit
def _chooser_range_kernel(low, high, first, stop):
    """For each input index i along an axis (one thread each): ``[first[i], stop[i])`` spans the
    outputs o with ``low[o] <= i <= high[o]`` (empty, 0 and 0, when none). low, high: (O,) int64,
    the least and greatest input index each output chose; first, stop: (size,) int64."""
    for i in range(cuda.grid(1), first.size, cuda.gridsize(1)):
        lo, hi = low.size, 0
        for o in range(low.size):
            if low[o] <= i <= high[o]:
                lo, hi = min(lo, o), o + 1
        first[i], stop[i] = min(lo, hi), hi


@cuda.jit
def _max_gather_kernel(grad_out, indices, grad_x, h_first, h_stop, w_first, w_stop, zero):
    """grad_out, indices (P, OH, OW); grad_x (P, H, W), every element written; h_first / h_stop
    (H,) and w_first / w_stop (W,): the output rows and columns to visit per input row and column;
    ``zero`` typed like grad_x (the sum is in that dtype, as the CPU scatter's)."""
    P, H, W = grad_x.shape
    for i in range(cuda.grid(1), grad_x.size, cuda.gridsize(1)):
        iw, ih, p = i % W, (i // W) % H, i // (H * W)
        here = ih * W + iw
        total = zero
        for oh in range(h_first[ih], h_stop[ih]):
            for ow in range(w_first[iw], w_stop[iw]):
                if indices[p, oh, ow] == here:
                    total += grad_out[p, oh, ow]
        grad_x[p, ih, iw] = total


def _choosers(chosen: CudaArray, spread_axes: tuple, size: int) -> tuple[CudaArray, CudaArray]:
    """(first, stop), each (size,) int64: per input index along one axis, the range of outputs
    along that axis that chose it. ``chosen`` (1, P, OH, OW): the chosen coordinate on this axis
    of every output; ``spread_axes``: the other axes, over which it is reduced."""
    first, stop = CudaArray.empty((size,), np.int64), CudaArray.empty((size,), np.int64)
    low, high = chosen.min(axis=spread_axes), chosen.max(axis=spread_axes)
    launch(_chooser_range_kernel, size, low.device_array(), high.device_array(), first.device_array(),
           stop.device_array())
    return first, stop


def window_max(x: CudaArray, rows: tuple, cols: tuple) -> tuple[CudaArray, CudaArray]:
    """(N, C, H, W) -> (out, indices), both (N, C, OH, OW), the windows given by the axis tuples
    ``rows`` and ``cols`` of ``_windows``."""
    N, C = x.shape[:2]
    out = CudaArray.empty((N, C, rows[2], cols[2]), x.dtype)
    indices = CudaArray.empty(out.shape, np.int64)
    launch(_window_max_kernel, out.size, planes(x), planes(out), planes(indices), rows, cols,
           x.dtype.type(-np.inf))
    return out, indices


def max_pool2d_forward(
    x: CudaArray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
    ceil_mode: bool = False,
) -> tuple[CudaArray, CudaArray]:
    """Max pooling: x (N, C, H, W) -> (out (N, C, OH, OW) same dtype, indices int64), OH and OW
    from ``pool_output_size``. Preconditions (checked by the caller): positive kernel / stride /
    dilation, 0 <= pad <= kernel // 2, OH and OW >= 1."""
    rows, cols = (strided_axis(size, pool_output_size(size, k, s, p, d, ceil_mode), k, s, p, d)
                  for size, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation))
    return window_max(x, rows, cols)


def max_pool2d_backward(grad_out: CudaArray, indices: CudaArray, input_hw: tuple[int, int]) -> CudaArray:
    """Gradient of max pooling (also adaptive max pooling) w.r.t. its input: grad_out, indices
    (N, C, OH, OW) -> grad_x (N, C, H, W) with ``grad_x[n, c].flat[j]`` the sum of the
    ``grad_out[n, c, oh, ow]`` whose ``indices[n, c, oh, ow] == j`` (module docstring). Indices
    >= H * W are ignored. Precondition: indices >= 0."""
    N, C = grad_out.shape[:2]
    H, W = input_hw
    grad_x = CudaArray.empty((N, C, H, W), grad_out.dtype)
    if indices.size == 0:
        grad_x.fill(0)
        return grad_x
    h_first, h_stop = _choosers(indices // W, (0, 1, 3), H)
    w_first, w_stop = _choosers(indices % W, (0, 1, 2), W)
    launch(_max_gather_kernel, grad_x.size, planes(grad_out), planes(indices), planes(grad_x),
           h_first.device_array(), h_stop.device_array(), w_first.device_array(), w_stop.device_array(),
           grad_out.dtype.type(0))
    return grad_x
