"""2-D average pooling on the GPU, with PyTorch's exact divisor.

CPU sibling: :mod:`minigrad.kernels.avg_pool2d` (same functions, same semantics).

Shapes: x (N, C, H, W) -> out (N, C, OH, OW). Window (oh, ow) sums the input elements of rows
``[first_h, first_h + count_h)`` and columns ``[first_w, first_w + count_w)`` (``_windows.window``:
strided windows clipped to the input, or adaptive ones: adaptive average pooling runs the same
kernels) and divides by

    divisor_override                          if non-zero, else
    padded_h * padded_w                       with count_include_pad (zero padding counts), else
    count_h * count_w                         (only the input elements summed).

An empty window (none in the configurations PyTorch accepts) gives 0. Sums accumulate in float64,
as the CPU kernel's, so float32 inputs lose no precision.

Forward, one thread per output element (p, oh, ow) with p = n * C + c (grid-stride over the flat
row-major index), summing its window. Backward, the adjoint as a gather: one thread per input
element (p, ih, iw) visits the outputs whose window holds it (``_windows.covering_outputs``) and
adds ``grad_out[p, oh, ow] / divisor(oh, ow)``. Race-free: each thread writes one element of its
result; no atomics.
"""
from __future__ import annotations

from ..pool_output_size import pool_output_size
from ._backend import cuda
from ._planes import launch, planes
from ._windows import covering_outputs, strided_axis, window
from .array import CudaArray


@cuda.jit(device=True)
def _window_and_divisor(oh, ow, rows, cols, count_include_pad, divisor_override):
    """(h_first, h_count, w_first, w_count, divisor) of window (oh, ow) (module docstring)."""
    h_first, h_count, _, h_padded = window(oh, rows)
    w_first, w_count, _, w_padded = window(ow, cols)
    if divisor_override != 0:
        divisor = divisor_override
    elif count_include_pad:
        divisor = h_padded * w_padded
    else:
        divisor = h_count * w_count
    return h_first, h_count, w_first, w_count, divisor


@cuda.jit
def _window_mean_kernel(x, out, rows, cols, count_include_pad, divisor_override):
    """x (P, H, W); out (P, OH, OW) of x's dtype; rows / cols: axis tuples of H and W."""
    P, OH, OW = out.shape
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        ow, oh, p = i % OW, (i // OW) % OH, i // (OH * OW)
        h_first, h_count, w_first, w_count, divisor = _window_and_divisor(
            oh, ow, rows, cols, count_include_pad, divisor_override)
        total = 0.0
        for ih in range(h_first, h_first + h_count):
            for iw in range(w_first, w_first + w_count):
                total += float(x[p, ih, iw])
        out[p, oh, ow] = total / divisor if h_count > 0 and w_count > 0 else 0.0


@cuda.jit
def _window_mean_gather_kernel(grad_out, grad_x, rows, cols, count_include_pad, divisor_override):
    """grad_out (P, OH, OW); grad_x (P, H, W), every element written."""
    P, H, W = grad_x.shape
    for i in range(cuda.grid(1), grad_x.size, cuda.gridsize(1)):
        iw, ih, p = i % W, (i // W) % H, i // (H * W)
        oh_first, oh_stop = covering_outputs(ih, rows)
        ow_first, ow_stop = covering_outputs(iw, cols)
        total = 0.0
        for oh in range(oh_first, oh_stop):
            for ow in range(ow_first, ow_stop):
                divisor = _window_and_divisor(oh, ow, rows, cols, count_include_pad, divisor_override)[4]
                total += float(grad_out[p, oh, ow]) / divisor
        grad_x[p, ih, iw] = total


def window_mean(x: CudaArray, rows: tuple, cols: tuple, count_include_pad: bool = False,
                divisor_override: int = 0) -> CudaArray:
    """(N, C, H, W) -> (N, C, OH, OW) window means over the axis tuples ``rows``, ``cols``."""
    N, C = x.shape[:2]
    out = CudaArray.empty((N, C, rows[2], cols[2]), x.dtype)
    launch(_window_mean_kernel, out.size, planes(x), planes(out), rows, cols, count_include_pad,
           divisor_override)
    return out


def window_mean_backward(grad_out: CudaArray, rows: tuple, cols: tuple, count_include_pad: bool = False,
                         divisor_override: int = 0) -> CudaArray:
    """Adjoint of ``window_mean``: grad_out (N, C, OH, OW) -> grad_x (N, C, H, W), H and W the
    axis tuples' input sizes."""
    N, C = grad_out.shape[:2]
    grad_x = CudaArray.empty((N, C, rows[1], cols[1]), grad_out.dtype)
    launch(_window_mean_gather_kernel, grad_x.size, planes(grad_out), planes(grad_x), rows, cols,
           count_include_pad, divisor_override)
    return grad_x


def _axes(input_hw, output_hw, kernel, stride, padding) -> list[tuple]:
    return [strided_axis(*geometry) for geometry in zip(input_hw, output_hw, kernel, stride, padding)]


def avg_pool2d_forward(
    x: CudaArray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> CudaArray:
    """Average pooling: x (N, C, H, W) -> (N, C, OH, OW), same dtype; OH, OW from
    ``pool_output_size`` with dilation 1. Preconditions (checked by the caller): positive kernel /
    stride, 0 <= pad <= kernel // 2, divisor_override None or non-zero, OH and OW >= 1."""
    output_hw = [pool_output_size(size, k, s, p, 1, ceil_mode)
                 for size, k, s, p in zip(x.shape[2:], kernel, stride, padding)]
    rows, cols = _axes(x.shape[2:], output_hw, kernel, stride, padding)
    return window_mean(x, rows, cols, bool(count_include_pad), divisor_override or 0)


def avg_pool2d_backward(
    grad_out: CudaArray,
    input_hw: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> CudaArray:
    """Gradient of ``avg_pool2d_forward`` w.r.t. x: grad_out (N, C, OH, OW) -> (N, C, H, W),
    ``grad_x[n, c, ih, iw]`` = the sum over the windows holding (ih, iw) of grad_out / divisor.
    The output size is read from grad_out, so ``ceil_mode`` is implied (accepted so the signature
    mirrors the forward one)."""
    rows, cols = _axes(input_hw, grad_out.shape[2:], kernel, stride, padding)
    return window_mean_backward(grad_out, rows, cols, bool(count_include_pad), divisor_override or 0)
