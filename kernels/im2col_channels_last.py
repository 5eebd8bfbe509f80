"""im2col / col2im in the channels-last layout: one row per output position, a window's channels contiguous.

Same geometry as :mod:`.im2col` (tap ``k`` of output ``o`` reads input ``o*stride - pad + k*dilation``,
zero outside), but the input is channels-last, ``x`` (n, H, W, C), and the matrix is transposed and
split by group, ``cols`` (G, n*OH*OW, kH*kW*Cg) with ``Cg = C / G``::

    cols[g, (i*OH + oh)*OW + ow, (ki*kW + kj)*Cg + c] = x[i, oh*sH - pT + ki*dH, ow*sW - pL + kj*dW, g*Cg + c]

Why a second layout: in the channels-first layout the unfold copies runs of at most OW elements with
a stride (14 floats on MNIST's second layer, with index arithmetic around every run), while here every
kernel tap copies Cg consecutive channels to Cg consecutive columns, a straight vectorised copy. Above a
few input channels per group this is the faster unfold (``conv2d.CHANNELS_LAST_MIN_CHANNELS``); the
GEMMs read the same numbers, only transposed (BLAS takes either orientation for free).

Reference: :func:`minigrad.kernels.im2col.im2col` is the same matrix, transposed and in channels-first
order; the tests compare the two.
"""
import numpy as np
from numba import njit

from .im2col import add_strided, copy_strided, fill_zero


@njit(nogil=True, cache=True)
def im2col_channels_last_loops(x, cols, OH, OW, kH, kW, sH, sW, pT, pL, dH, dW):
    """Fill ``cols`` (G, n*OH*OW, kH*kW*Cg) from ``x`` (n, H, W*C), the channels-last input with each
    image row flattened, by the module formula. Serial and ``nogil``: each convolution thread unfolds
    its own batch chunk into its own ``cols``.

    Copies go through views (see ``im2col.copy_strided``) so the loops vectorise. Each tap is a run of
    Cg channels; in the common dense case (one group, no column dilation) the taps of one window row
    are adjacent in the input as well, so the whole row of the window is a single run of kW*C values.
    """
    n, H = x.shape[0], x.shape[1]
    G, _, Kg = cols.shape
    Cg = Kg // (kH * kW)
    C = Cg * G
    W = x.shape[2] // C
    merged = G == 1 and dW == 1
    for g in range(G):
        c0 = g * Cg
        for i in range(n):
            for oh in range(OH):
                for ow in range(OW):
                    row = cols[g, (i * OH + oh) * OW + ow]
                    iw0 = ow * sW - pL  # input column of tap kj = 0
                    for ki in range(kH):
                        ih = oh * sH - pT + ki * dH
                        taps = row[ki * kW * Cg:(ki + 1) * kW * Cg]
                        if ih < 0 or ih >= H:
                            fill_zero(taps)
                        elif merged:
                            lo = min(max(-iw0, 0), kW)  # taps [lo, hi) read inside the image
                            hi = max(min(W - iw0, kW), lo)
                            fill_zero(taps[:lo * C])
                            copy_strided(taps[lo * C:hi * C], x[i, ih, (iw0 + lo) * C:], 1)
                            fill_zero(taps[hi * C:])
                        else:
                            for kj in range(kW):
                                iw = iw0 + kj * dW
                                window = taps[kj * Cg:(kj + 1) * Cg]
                                if 0 <= iw < W:
                                    copy_strided(window, x[i, ih, iw * C + c0:], 1)
                                else:
                                    fill_zero(window)


@njit(nogil=True, cache=True)
def col2im_channels_last_loops(cols, out, OH, OW, kH, kW, sH, sW, pT, pL, dH, dW):
    """Adjoint of ``im2col_channels_last_loops``: zero ``out`` (n, H, W, C), then add every entry of
    ``cols`` (G, n*OH*OW, kH*kW*Cg) onto the input element it was read from (entries from the padding
    are dropped). Serial and ``nogil``; each thread folds its own batch chunk, so the result does not
    depend on the thread count."""
    n, H, W, C = out.shape
    G = cols.shape[0]
    Cg = C // G
    fill_zero(out.reshape(-1))
    for g in range(G):
        c0 = g * Cg
        for i in range(n):
            for oh in range(OH):
                for ow in range(OW):
                    row = cols[g, (i * OH + oh) * OW + ow]
                    for ki in range(kH):
                        ih = oh * sH - pT + ki * dH
                        if ih < 0 or ih >= H:
                            continue
                        for kj in range(kW):
                            iw = ow * sW - pL + kj * dW
                            if 0 <= iw < W:
                                add_strided(out[i, ih, iw, c0:], row[(ki * kW + kj) * Cg:(ki * kW + kj + 1) * Cg], 1)


def im2col_channels_last(
    x: np.ndarray,
    groups: int,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Unfold ``x`` (n, C, H, W), channels-first as the tensors are, into ``cols``
    (G, n*OH*OW, kH*kW*C/G) in the layout of the module docstring (the input is made channels-last
    first: one cheap copy of a batch slice, far smaller than its unfolding)."""
    n, C, H, W = x.shape
    x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).reshape(n, H, W * C)
    (kH, kW), (OH, OW) = kernel_hw, out_hw
    cols = np.empty((groups, n * OH * OW, kH * kW * (C // groups)), x.dtype)
    im2col_channels_last_loops(x, cols, OH, OW, kH, kW, *stride, *pad_top_left, *dilation)
    return cols


def col2im_channels_last(
    cols: np.ndarray,
    out: np.ndarray,
    kernel_hw: tuple[int, int],
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    """Fold ``cols`` (G, n*OH*OW, kH*kW*C/G) back into ``out`` (n, C, H, W, channels-first, overwritten),
    summing overlapping windows: the transpose of :func:`im2col_channels_last`."""
    n, C, H, W = out.shape
    (kH, kW), (OH, OW) = kernel_hw, out_hw
    folded = np.empty((n, H, W, C), out.dtype)
    col2im_channels_last_loops(cols, folded, OH, OW, kH, kW, *stride, *pad_top_left, *dilation)
    out[...] = folded.transpose(0, 3, 1, 2)
