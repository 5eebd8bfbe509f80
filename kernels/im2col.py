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
from numba import njit


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


@njit(nogil=True, cache=True)
def copy_strided(dst, src, step):
    """``dst[t] = src[t * step]`` for every t of ``dst``: one strided run of an unfold. Callers pass
    views (slices), so the loop index is provably non-negative and numba emits no wrap-around check;
    the unit-step branch is separate so LLVM vectorises it (with a runtime step it cannot)."""
    if step == 1:
        for t in range(dst.shape[0]):
            dst[t] = src[t]
    else:
        for t in range(dst.shape[0]):
            dst[t] = src[t * step]


@njit(nogil=True, cache=True)
def add_strided(dst, src, step):
    """``dst[t * step] += src[t]`` for every t of ``src``: the adjoint of :func:`copy_strided`."""
    if step == 1:
        for t in range(src.shape[0]):
            dst[t] += src[t]
    else:
        for t in range(src.shape[0]):
            dst[t * step] += src[t]


@njit(nogil=True, cache=True)
def fill_zero(dst):
    """``dst[:] = 0`` as a plain loop (numba's slice assignment costs ~20 ns a call)."""
    for t in range(dst.shape[0]):
        dst[t] = 0


@njit(nogil=True, cache=True)
def im2col_loops(x, cols, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW):
    """Fill ``cols`` (C*kH*kW, N*OH*OW) from ``x`` (N, C, H, W) with the formula in the module
    docstring (zeros where the window hangs over the padding). Serial, and compiled ``nogil``: the
    convolution engine runs one call per batch chunk on each of its threads (``_threads.run_split``),
    so the chunks' unfolds run at the same time, each into its own ``cols``.

    Each (image, channel, tap, output row) is a run of OW columns: its valid part ``[ow_lo, ow_hi)``
    is a strided copy of an input row, the rest is zero.
    """
    N, C, H, W = x.shape
    L = OH * OW
    for n in range(N):
        for c in range(C):
            for ki in range(kH):
                oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
                for kj in range(kW):
                    ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                    row = cols[(c * kH + ki) * kW + kj, n * L:(n + 1) * L]
                    for oh in range(OH):
                        run = row[oh * OW:(oh + 1) * OW]
                        if oh < oh_lo or oh >= oh_hi:
                            fill_zero(run)
                            continue
                        ih = oh * sH - pT + ki * dH
                        fill_zero(run[:ow_lo])
                        copy_strided(run[ow_lo:ow_hi], x[n, c, ih, ow_lo * sW - pL + kj * dW:], sW)
                        fill_zero(run[ow_hi:])


@njit(nogil=True, cache=True)
def col2im_loops(cols, out, kH, kW, OH, OW, sH, sW, pT, pL, dH, dW):
    """Adjoint of ``im2col_loops``: zero ``out`` (N, C, H, W), then for every column entry
    ``out[n, c, ih, iw] += cols[(c*kH + ki)*kW + kj, (n*OH + oh)*OW + ow]`` with
    ``ih = oh*sH - pT + ki*dH``, ``iw = ow*sW - pL + kj*dW`` (entries from the padding are dropped).
    Serial and ``nogil``, like ``im2col_loops``: each convolution thread folds its own batch chunk
    into its own images, so no two threads write the same element, and each element accumulates in
    a fixed order (the result does not depend on the thread count).
    """
    N, C, H, W = out.shape
    L = OH * OW
    for n in range(N):
        for c in range(C):
            plane = out[n, c]
            plane[:, :] = 0
            for ki in range(kH):
                oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
                for kj in range(kW):
                    ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                    row = cols[(c * kH + ki) * kW + kj, n * L:(n + 1) * L]
                    for oh in range(oh_lo, oh_hi):
                        add_strided(plane[oh * sH - pT + ki * dH, ow_lo * sW - pL + kj * dW:],
                                    row[oh * OW + ow_lo:oh * OW + ow_hi], sW)


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
    im2col_loops(x, cols, kH, kW, OH, OW, *stride, *pad_top_left, *dilation)
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
    col2im_loops(np.ascontiguousarray(cols), out, kH, kW, OH, OW, *stride, *pad_top_left, *dilation)
