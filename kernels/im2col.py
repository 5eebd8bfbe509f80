"""im2col / col2im: unfold convolution windows into a matrix so a convolution becomes one GEMM.

Geometry (shared by every convolution kernel): output position ``o`` with kernel tap ``k`` reads
input index

    i = o * stride - pad_before + k * dilation

and reads zero when ``i`` falls outside ``[0, size)`` (implicit zero padding, so no padded copy of
the input is ever made; the padding after the input is implied by the output size).

Column layout ("batch folded into the columns", as in Caffe)::

    cols[(c * kH + ki) * kW + kj,  (n * OH + oh) * OW + ow]
        = x[n, c, oh * sH - pad_top + ki * dH,  ow * sW - pad_left + kj * dW]

Rows are (input channel, kernel tap), columns are (image, output position). A group's rows are one
contiguous block, so ``cols.reshape(groups, C_in/groups * kH * kW, N * OH * OW)`` feeds a batched
``np.matmul`` over groups; and because the batch lives in the columns, the weight gradient
``grad_out @ cols.T`` sums over the batch inside a single BLAS call.

col2im is the adjoint (transpose) of im2col: it adds every column entry back onto the input element
it was read from, which is how the input gradient of a convolution (and the forward pass of a
transposed convolution) is computed.

Reference: :func:`minigrad.kernels.reference.im2col.im2col` and ``col2im``.
"""
import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range


@njit(cache=True)
def valid_output_range(offset: int, pad: int, stride: int, size: int, out_size: int):
    """Half-open range [lo, hi) of output indices ``o`` whose input index
    ``i = o * stride - pad + offset`` lies inside ``[0, size)``, clipped to ``[0, out_size)``.

    Iterating only over this range removes the bounds test from the innermost loops.
    ``lo = ceil((pad - offset) / stride)``, ``hi = floor((size - 1 + pad - offset) / stride) + 1``.
    """
    lo = -((offset - pad) // stride)  # ceil division via floor division of the negation
    hi = (size - 1 + pad - offset) // stride + 1
    # Clip both ends into [0, out_size]: a tap that reads only padding gives lo > out_size, and an
    # unclipped lo would make callers that zero [0, lo) write past the end of the row.
    lo = min(max(lo, 0), out_size)
    hi = min(hi, out_size)
    return lo, max(hi, lo)


@njit(cache=True)
def im2col_range(x, cols, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW, start, stop):
    """Fill ``cols`` (C*kH*kW, N*OH*OW) from ``x`` (N, C, H, W) with the formula in the module
    docstring (zeros where the window hangs over the padding), for the (image, channel) pairs
    ``nc = n*C + c`` with ``start <= nc < stop``; serial.

    Pair (n, c) writes only rows ``c*kH*kW .. (c+1)*kH*kW - 1`` restricted to columns
    ``n*OH*OW .. (n+1)*OH*OW - 1``, a block no other pair touches.
    """
    N, C, H, W = x.shape
    L = OH * OW
    for nc in range(start, stop):
        n = nc // C
        c = nc % C
        for ki in range(kH):
            oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
            for kj in range(kW):
                ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                row = (c * kH + ki) * kW + kj
                base = n * L
                for oh in range(OH):
                    start_col = base + oh * OW
                    if oh < oh_lo or oh >= oh_hi:
                        for ow in range(OW):
                            cols[row, start_col + ow] = 0
                        continue
                    ih = oh * sH - pT + ki * dH
                    for ow in range(ow_lo):
                        cols[row, start_col + ow] = 0
                    iw0 = ow_lo * sW - pL + kj * dW
                    for ow in range(ow_lo, ow_hi):
                        cols[row, start_col + ow] = x[n, c, ih, iw0 + (ow - ow_lo) * sW]
                    for ow in range(ow_hi, OW):
                        cols[row, start_col + ow] = 0


@njit(parallel=True, cache=True)
def im2col_kernel(x, cols, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW):
    """``im2col_range`` over all N*C pairs. Parallel over the pairs; race-free: each pair writes
    its own block of ``cols`` (see ``im2col_range``)."""
    for nc in prange(x.shape[0] * x.shape[1]):
        im2col_range(x, cols, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW, nc, nc + 1)


@njit(cache=True)
def col2im_range(cols, out, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW, start, stop):
    """Adjoint of ``im2col_range`` for the planes ``out[n, c]`` with ``start <= n*C + c < stop``;
    serial. Each plane is zeroed, then for every column entry
    ``out[n, c, ih, iw] += cols[(c*kH + ki)*kW + kj, (n*OH + oh)*OW + ow]`` with
    ``ih = oh*sH - pT + ki*dH``, ``iw = ow*sW - pL + kj*dW`` (entries from the padding are dropped).

    The entries that land in plane (n, c) come only from rows of channel c and columns of image
    n, so each plane is written by exactly one pair, which accumulates into it in a fixed order
    (the result does not depend on the thread count).
    """
    N, C, H, W = out.shape
    L = OH * OW
    for nc in range(start, stop):
        n = nc // C
        c = nc % C
        plane = out[n, c]
        plane[:, :] = 0
        for ki in range(kH):
            oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
            for kj in range(kW):
                ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                row = (c * kH + ki) * kW + kj
                for oh in range(oh_lo, oh_hi):
                    ih = oh * sH - pT + ki * dH
                    start_col = n * L + oh * OW
                    for ow in range(ow_lo, ow_hi):
                        plane[ih, ow * sW - pL + kj * dW] += cols[row, start_col + ow]


@njit(parallel=True, cache=True)
def col2im_kernel(cols, out, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW):
    """``col2im_range`` over all N*C planes. Parallel over the planes; race-free: each plane is
    written by its own iteration only (see ``col2im_range``)."""
    for nc in prange(out.shape[0] * out.shape[1]):
        col2im_range(cols, out, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW, nc, nc + 1)


def im2col(
    x: np.ndarray,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Unfold ``x`` (N, C, H, W) into ``cols`` (C*kH*kW, N*OH*OW), layout in the module docstring.

    ``out_hw`` is given explicitly (not recomputed) so callers can ask for fewer output rows than
    the padding would allow, as the backward pass of a transposed convolution does.
    """
    x = np.ascontiguousarray(x)
    N, C = x.shape[:2]
    (kH, kW), (OH, OW) = kernel_hw, out_hw
    cols = np.empty((C * kH * kW, N * OH * OW), x.dtype)
    run_range(im2col_range, im2col_kernel, N * C, cols.size, x, cols, kH, kW, OH, OW, *stride, *pad_top_left,
              *dilation, limit=_parallel.SERIAL_UNFOLD_LIMIT)
    return cols


def col2im(
    cols: np.ndarray,
    out: np.ndarray,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    """Fold ``cols`` (C*kH*kW, N*OH*OW) back into ``out`` (N, C, H, W, C-contiguous, overwritten),
    summing overlapping windows: the transpose of :func:`im2col`."""
    (kH, kW), (OH, OW) = kernel_hw, out_hw
    run_range(col2im_range, col2im_kernel, out.shape[0] * out.shape[1], cols.size, np.ascontiguousarray(cols),
              out, kH, kW, OH, OW, *stride, *pad_top_left, *dilation, limit=_parallel.SERIAL_UNFOLD_LIMIT)
