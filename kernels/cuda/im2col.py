"""im2col / col2im on the GPU: convolution windows unfolded into a matrix, and folded back.

CPU sibling: :mod:`minigrad.kernels.im2col` (same functions, arguments, column layout and results,
on CudaArrays); reference :mod:`minigrad.kernels.reference.im2col`. ``x`` (N, C, H, W) unfolds into
``cols`` (C*kH*kW, N*OH*OW)::

    cols[(c*kH + ki)*kW + kj, (n*OH + oh)*OW + ow] = x[n, c, oh*sH - top + ki*dH, ow*sW - left + kj*dW]

(zero where that index falls outside the input); col2im is its adjoint, every column entry added
back onto the input element it was read from.

Thread mapping: one thread per element of the result (a grid-stride loop over its flat row-major
index). im2col's thread reads its one input element (or writes zero). col2im's thread, for input
element (n, c, ih, iw), gathers the entries that read it: over the taps (ki, kj) whose output
position ``oh = (ih + top - ki*dH) / sH`` (and ``ow`` likewise) is a whole number inside the output,
the inversion the convolution's input gradient makes (``_conv_gather.reading_output``). Race-free: each thread
writes only its own element and none reads what another writes; no atomics. Sums run in the arrays'
dtype in (ki, kj) order, the order in which the CPU kernel adds them, so float64 results are the
same bits.
"""
from __future__ import annotations

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from ._conv_gather import _unravel, reading_output
from .array import CudaArray


def _geometry(kernel_hw, out_hw, stride, pad_top_left, dilation) -> tuple:
    """The kernels' geometry argument: (kH, kW, OH, OW, sH, sW, top, left, dH, dW) as Python ints."""
    return tuple(int(v) for pair in (kernel_hw, out_hw, stride, pad_top_left, dilation) for v in pair)


@cuda.jit
def _im2col_kernel(cols, x, geometry, zero):
    k_h, k_w, out_h, out_w, s_h, s_w, top, left, d_h, d_w = geometry
    height, width = x.shape[2], x.shape[3]
    columns = cols.shape[1]
    for i in range(cuda.grid(1), cols.size, cuda.gridsize(1)):
        row, column = i // columns, i % columns
        c, tap = row // (k_h * k_w), row % (k_h * k_w)
        n, position = column // (out_h * out_w), column % (out_h * out_w)
        ih = (position // out_w) * s_h - top + (tap // k_w) * d_h
        iw = (position % out_w) * s_w - left + (tap % k_w) * d_w
        value = zero  # typed: the padding's zero in the array's dtype
        if 0 <= ih < height and 0 <= iw < width:
            value = x[n, c, ih, iw]
        cols[row, column] = value


@cuda.jit
def _col2im_kernel(out, cols, geometry, zero):
    k_h, k_w, out_h, out_w, s_h, s_w, top, left, d_h, d_w = geometry
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        n, c, ih, iw = _unravel(i, out.shape)
        total = zero  # typed: a Python 0 would turn a float32 sum into a float64 one
        for ki in range(k_h):
            oh = reading_output(ih, top, ki, d_h, s_h, out_h)
            if oh >= 0:
                for kj in range(k_w):
                    ow = reading_output(iw, left, kj, d_w, s_w, out_w)
                    if ow >= 0:
                        total += cols[(c * k_h + ki) * k_w + kj, (n * out_h + oh) * out_w + ow]
        out[n, c, ih, iw] = total


def im2col(
    x: CudaArray,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> CudaArray:
    """Unfold ``x`` (N, C, H, W) into ``cols`` (C*kH*kW, N*OH*OW), layout in the module docstring;
    ``out_hw`` is given explicitly, as in the CPU sibling."""
    (k_h, k_w), (out_h, out_w) = kernel_hw, out_hw
    cols = CudaArray.empty((x.shape[1] * k_h * k_w, x.shape[0] * out_h * out_w), x.dtype)
    if cols.size:
        _im2col_kernel[blocks_for(cols.size), THREADS](
            cols.device_array(), x.device_array(), _geometry(kernel_hw, out_hw, stride, pad_top_left, dilation),
            x.dtype.type(0))
    return cols


def col2im(
    cols: CudaArray,
    out: CudaArray,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    """Fold ``cols`` (C*kH*kW, N*OH*OW) back into ``out`` (N, C, H, W, C-contiguous, overwritten),
    summing overlapping windows: the transpose of :func:`im2col`."""
    if out.size:
        _col2im_kernel[blocks_for(out.size), THREADS](
            out.device_array(), cols.device_array(), _geometry(kernel_hw, out_hw, stride, pad_top_left, dilation),
            np.dtype(out.dtype).type(0))
