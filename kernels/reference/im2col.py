"""im2col / col2im by their definitions: unfold convolution windows into columns, and fold them back.

``x`` (N, C, H, W) unfolds into ``cols`` (C*kH*kW, N*OH*OW)::

    cols[(c*kH + ki)*kW + kj, (n*OH + oh)*OW + ow] = x[n, c, oh*sH - pad_top + ki*dH, ow*sW - pad_left + kj*dW]

or 0 where that index falls outside the input (zero padding). col2im is its transpose: every column
entry is added back onto the input element it was read from (entries read from the padding are
dropped), so overlapping windows sum.

Fast kernel: :mod:`minigrad.kernels.im2col`.
"""
import itertools

import numpy as np


def _entries(shape, kernel_hw, out_hw, stride, pad_top_left, dilation):
    """Every ``((row, column) of cols, (n, c, ih, iw) of x)`` pair of the unfold whose input index is
    inside the input."""
    N, C, H, W = shape
    (kH, kW), (OH, OW), (sH, sW), (pT, pL), (dH, dW) = kernel_hw, out_hw, stride, pad_top_left, dilation
    for n, c, ki, kj, oh, ow in itertools.product(range(N), range(C), range(kH), range(kW), range(OH), range(OW)):
        ih, iw = oh * sH - pT + ki * dH, ow * sW - pL + kj * dW
        if 0 <= ih < H and 0 <= iw < W:
            yield ((c * kH + ki) * kW + kj, (n * OH + oh) * OW + ow), (n, c, ih, iw)


def im2col(
    x: np.ndarray,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Unfold ``x`` (N, C, H, W) into float64 ``cols`` (C*kH*kW, N*OH*OW); module docstring."""
    N, C = x.shape[:2]
    cols = np.zeros((C * kernel_hw[0] * kernel_hw[1], N * out_hw[0] * out_hw[1]))
    for col_index, x_index in _entries(x.shape, kernel_hw, out_hw, stride, pad_top_left, dilation):
        cols[col_index] = x[x_index]
    return cols


def col2im(
    cols: np.ndarray,
    input_shape: tuple[int, int, int, int],
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Fold ``cols`` (C*kH*kW, N*OH*OW) into a new float64 array of ``input_shape`` (N, C, H, W),
    summing overlapping windows. (The fast col2im writes into a given array instead.)"""
    out = np.zeros(input_shape)
    for col_index, x_index in _entries(input_shape, kernel_hw, out_hw, stride, pad_top_left, dilation):
        out[x_index] += cols[col_index]
    return out
