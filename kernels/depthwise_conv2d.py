"""Depthwise convolution (groups == C_in, one input channel per group) by direct loops.

With a channel multiplier ``m`` the weight is (C_out = m * C_in, 1, kH, kW) and output channel
``co`` reads only input channel ``c = co // m``::

    out[n, co, oh, ow] = bias[co] + sum_{ki, kj} w[co, 0, ki, kj] * x[n, co // m, ih, iw]
    ih = oh * sH - pad_top + ki * dH,   iw = ow * sW - pad_left + kj * dW   (zero outside the input)

Why not im2col + GEMM here: each group's GEMM would be a (m x kH*kW) @ (kH*kW x N*OH*OW) product,
far too thin for BLAS to beat a direct loop, and im2col would copy the input kH*kW times. The direct
loops touch each input element kH*kW times from cache and allocate nothing but the result. This
also covers C_in == 1 convolutions (e.g. the first layer of an MNIST CNN), which are depthwise with
m = C_out.
"""
import numpy as np
from numba import njit, prange

from .im2col import valid_output_range


@njit(parallel=True, cache=True)
def _depthwise_forward_kernel(x, w, bias, out, sH, sW, pT, pL, dH, dW):
    """``out`` (N, C_out, OH, OW) = depthwise convolution of ``x`` (N, C_in, H, W) with ``w``
    (C_out, kH, kW) plus ``bias`` (C_out,), formula in the module docstring.

    Parallel over the N*C_out output planes; race-free because each iteration writes only its own
    plane ``out[n, co]``. The plane starts at the bias and accumulates one kernel tap at a time over
    the tap's valid output rectangle, so the innermost loop is a bounds-check-free axpy.
    """
    N, C_in, H, W = x.shape
    C_out, kH, kW = w.shape
    OH, OW = out.shape[2], out.shape[3]
    m = C_out // C_in
    for nco in prange(N * C_out):
        n = nco // C_out
        co = nco % C_out
        src = x[n, co // m]
        plane = out[n, co]
        plane[:, :] = bias[co]
        for ki in range(kH):
            oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
            for kj in range(kW):
                ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                wk = w[co, ki, kj]
                for oh in range(oh_lo, oh_hi):
                    ih = oh * sH - pT + ki * dH
                    for ow in range(ow_lo, ow_hi):
                        plane[oh, ow] += wk * src[ih, ow * sW - pL + kj * dW]


@njit(cache=True)
def _tap_table(size, out_size, k, stride, pad, dilation):
    """``table[i, t]`` = the output index ``o`` with ``o * stride - pad + t * dilation == i``, or -1
    when no such ``o`` exists in ``[0, out_size)`` (for stride > 1 most taps miss).

    Precomputed once per axis so the input-gradient gather needs no divisibility test inside its
    innermost loop.
    """
    table = np.full((size, k), -1, np.int64)
    for i in range(size):
        for t in range(k):
            shifted = i + pad - t * dilation
            if shifted >= 0 and shifted % stride == 0 and shifted // stride < out_size:
                table[i, t] = shifted // stride
    return table


@njit(parallel=True, cache=True)
def _depthwise_input_grad_kernel(grad_out, w, row_taps, col_taps, grad_x):
    """``grad_x`` (N, C_in, H, W) from ``grad_out`` (N, C_out, OH, OW) and ``w`` (C_out, kH, kW),
    written as a gather over the output positions each input element fed::

        grad_x[n, c, ih, iw] = sum_{j < m, ki, kj} grad_out[n, c*m + j, oh, ow] * w[c*m + j, ki, kj]
        with oh = row_taps[ih, ki], ow = col_taps[iw, kj] (terms with -1 skipped)

    Parallel over the N*C_in input planes; race-free because every element is written once, by the
    iteration owning its plane, from a local sum.
    """
    N, C_in, H, W = grad_x.shape
    C_out, kH, kW = w.shape
    m = C_out // C_in
    for nc in prange(N * C_in):
        n = nc // C_in
        c = nc % C_in
        for ih in range(H):
            for iw in range(W):
                acc = 0.0
                for ki in range(kH):
                    oh = row_taps[ih, ki]
                    if oh < 0:
                        continue
                    for kj in range(kW):
                        ow = col_taps[iw, kj]
                        if ow < 0:
                            continue
                        for j in range(m):
                            co = c * m + j
                            acc += grad_out[n, co, oh, ow] * w[co, ki, kj]
                grad_x[n, c, ih, iw] = acc


@njit(parallel=True, cache=True)
def _depthwise_weight_grad_kernel(grad_out, x, grad_w, sH, sW, pT, pL, dH, dW):
    """``grad_w`` (C_out, kH, kW) from ``grad_out`` (N, C_out, OH, OW) and ``x`` (N, C_in, H, W)::

        grad_w[co, ki, kj] = sum_{n, oh, ow} grad_out[n, co, oh, ow] * x[n, co // m, ih, iw]

    The sum runs over N*OH*OW terms, so it accumulates in a float64 local (float32 inputs keep
    float64-reference accuracy). Parallel over the C_out output channels; race-free because each
    iteration writes only ``grad_w[co]``.
    """
    N, C_in, H, W = x.shape
    C_out, kH, kW = grad_w.shape
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    m = C_out // C_in
    for co in prange(C_out):
        c = co // m
        for ki in range(kH):
            oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
            for kj in range(kW):
                ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                acc = 0.0  # float64 accumulator
                for n in range(N):
                    for oh in range(oh_lo, oh_hi):
                        ih = oh * sH - pT + ki * dH
                        for ow in range(ow_lo, ow_hi):
                            acc += grad_out[n, co, oh, ow] * np.float64(x[n, c, ih, ow * sW - pL + kj * dW])
                grad_w[co, ki, kj] = acc


def depthwise_conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Depthwise convolution: ``x`` (N, C_in, H, W), ``weight`` (m*C_in, 1, kH, kW), ``bias``
    (m*C_in,) or None -> (N, m*C_in, OH, OW) with ``out_hw = (OH, OW)`` given by the caller."""
    x = np.ascontiguousarray(x)
    C_out = weight.shape[0]
    w = np.ascontiguousarray(weight.reshape(C_out, weight.shape[2], weight.shape[3]))
    b = np.zeros(C_out, x.dtype) if bias is None else np.ascontiguousarray(bias)
    out = np.empty((x.shape[0], C_out) + tuple(out_hw), x.dtype)
    _depthwise_forward_kernel(x, w, b, out, *stride, *pad_top_left, *dilation)
    return out


def depthwise_conv2d_input_grad(
    grad_out: np.ndarray,
    weight: np.ndarray,
    input_shape: tuple[int, int, int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Gradient w.r.t. the input, of shape ``input_shape`` (N, C_in, H, W), from ``grad_out``
    (N, m*C_in, OH, OW); input elements no window reads get zero."""
    grad_out = np.ascontiguousarray(grad_out)
    C_out, _, kH, kW = weight.shape
    w = np.ascontiguousarray(weight.reshape(C_out, kH, kW))
    (H, W), (OH, OW) = input_shape[2:], grad_out.shape[2:]
    row_taps = _tap_table(H, OH, kH, stride[0], pad_top_left[0], dilation[0])
    col_taps = _tap_table(W, OW, kW, stride[1], pad_top_left[1], dilation[1])
    grad_x = np.empty(input_shape, grad_out.dtype)
    _depthwise_input_grad_kernel(grad_out, w, row_taps, col_taps, grad_x)
    return grad_x


def depthwise_conv2d_weight_grad(
    grad_out: np.ndarray,
    x: np.ndarray,
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Gradient w.r.t. the weight, (m*C_in, 1, kH, kW), from ``grad_out`` (N, m*C_in, OH, OW) and
    the forward input ``x`` (N, C_in, H, W)."""
    C_out = grad_out.shape[1]
    grad_w = np.empty((C_out,) + tuple(kernel_hw), x.dtype)
    _depthwise_weight_grad_kernel(
        np.ascontiguousarray(grad_out), np.ascontiguousarray(x), grad_w, *stride, *pad_top_left, *dilation
    )
    return grad_w.reshape(C_out, 1, *kernel_hw)
