"""The three gathers of a 2-D convolution, shared by the CUDA convolution and transposed convolution.

CPU siblings: :mod:`minigrad.kernels.conv2d` (``conv2d_forward`` and
``conv2d_input_and_weight_grads``), whose transposed convolution is built from the same three
maps, as :mod:`.conv_transpose2d` is from these.

All three speak the convolution's conventions: ``x`` (N, C_in, H, W), ``weight``
(C_out, C_in/G, kH, kW), ``grad_out`` (N, C_out, OH, OW), ``G`` groups, ``g = co // (C_out/G)`` the
group of output channel ``co``, and an output position reading the input position

    ih = oh*sH - top + ki*dH,    iw = ow*sW - left + kj*dW        (zero outside the input)

* :func:`gather_forward`      out[n, co, oh, ow]    = bias[co] + sum_{c, ki, kj} weight[co, c, ki, kj]
                                                                   * x[n, g*C_in/G + c, ih, iw]
* :func:`gather_input_grad`   grad_x[n, ci, ih, iw] = bias[ci] + sum over (co in ci's group, ki, kj) with
                                                      oh = (ih + top - ki*dH) / sH and ow likewise whole
                                                      numbers inside the output of
                                                      grad_out[n, co, oh, ow] * weight[co, ci % (C_in/G), ki, kj]
* :func:`gather_weight_grad`  grad_w[co, c, ki, kj] = sum_{n, oh, ow} grad_out[n, co, oh, ow]
                                                                      * x[n, g*C_in/G + c, ih, iw]

(the input gradient's bias is the transposed convolution's, whose output this gather computes).

Thread mapping: one thread per element of the result (a grid-stride loop over its flat row-major
index), which gathers every term of its sum and writes it once. Race-free: no two threads write
the same element and none reads what another writes, so no atomics; the input gradient inverts
the window arithmetic (which (oh, ki) pairs reach row ih) instead of scattering from the outputs.
Sums run in the arrays' dtype (float32 or float64).
"""
from __future__ import annotations

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray


@cuda.jit(device=True)
def _unravel(index, shape):
    """The 4-D row-major position of flat ``index`` in an array of ``shape``."""
    d3 = index % shape[3]
    index //= shape[3]
    d2 = index % shape[2]
    index //= shape[2]
    return index // shape[1], index % shape[1], d2, d3


@cuda.jit(device=True)
def reading_output(i, pad, tap, dilation, stride, out_size):
    """The output index ``o`` whose tap ``tap`` reads input index ``i`` along one axis
    (``i = o*stride - pad + tap*dilation``), or -1 when that ``o`` is no whole number inside
    ``[0, out_size)``: how the gathers of an adjoint find the outputs that read an input."""
    offset = i + pad - tap * dilation  # o * stride
    o = offset // stride
    if offset >= 0 and offset % stride == 0 and o < out_size:
        return o
    return -1


@cuda.jit
def _forward_kernel(out, x, weight, bias, stride, pad_top_left, dilation, groups):
    s_h, s_w = stride
    top, left = pad_top_left
    d_h, d_w = dilation
    height, width = x.shape[2], x.shape[3]
    group_in, kernel_h, kernel_w = weight.shape[1], weight.shape[2], weight.shape[3]
    group_out = out.shape[1] // groups
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        n, co, oh, ow = _unravel(i, out.shape)
        first_in = (co // group_out) * group_in
        total = bias[co]
        for ki in range(kernel_h):
            ih = oh * s_h - top + ki * d_h
            if 0 <= ih < height:
                for kj in range(kernel_w):
                    iw = ow * s_w - left + kj * d_w
                    if 0 <= iw < width:
                        for c in range(group_in):
                            total += weight[co, c, ki, kj] * x[n, first_in + c, ih, iw]
        out[n, co, oh, ow] = total


@cuda.jit
def _input_grad_kernel(grad_x, grad_out, weight, bias, stride, pad_top_left, dilation, groups):
    s_h, s_w = stride
    top, left = pad_top_left
    d_h, d_w = dilation
    out_h, out_w = grad_out.shape[2], grad_out.shape[3]
    group_in, kernel_h, kernel_w = weight.shape[1], weight.shape[2], weight.shape[3]
    group_out = grad_out.shape[1] // groups
    for i in range(cuda.grid(1), grad_x.size, cuda.gridsize(1)):
        n, ci, ih, iw = _unravel(i, grad_x.shape)
        first_out, c = (ci // group_in) * group_out, ci % group_in
        total = bias[ci]
        for ki in range(kernel_h):
            oh = reading_output(ih, top, ki, d_h, s_h, out_h)
            if oh >= 0:
                for kj in range(kernel_w):
                    ow = reading_output(iw, left, kj, d_w, s_w, out_w)
                    if ow >= 0:
                        for co in range(first_out, first_out + group_out):
                            total += grad_out[n, co, oh, ow] * weight[co, c, ki, kj]
        grad_x[n, ci, ih, iw] = total


@cuda.jit
def _weight_grad_kernel(grad_w, grad_out, x, stride, pad_top_left, dilation, groups, zero):
    s_h, s_w = stride
    top, left = pad_top_left
    d_h, d_w = dilation
    batch, out_h, out_w = grad_out.shape[0], grad_out.shape[2], grad_out.shape[3]
    height, width = x.shape[2], x.shape[3]
    group_out = grad_out.shape[1] // groups
    for i in range(cuda.grid(1), grad_w.size, cuda.gridsize(1)):
        co, c, ki, kj = _unravel(i, grad_w.shape)
        ci = (co // group_out) * grad_w.shape[1] + c
        total = zero  # typed: a Python 0 would turn a float32 sum into a float64 one
        for n in range(batch):
            for oh in range(out_h):
                ih = oh * s_h - top + ki * d_h
                if 0 <= ih < height:
                    for ow in range(out_w):
                        iw = ow * s_w - left + kj * d_w
                        if 0 <= iw < width:
                            total += grad_out[n, co, oh, ow] * x[n, ci, ih, iw]
        grad_w[co, c, ki, kj] = total


def _bias_values(bias: CudaArray | None, channels: int, dtype: np.dtype):
    """The bias as a device array in ``dtype``; zeros for no bias (one kernel serves both)."""
    values = CudaArray.zeros((channels,), dtype) if bias is None else bias.astype(dtype, copy=False)
    return values.device_array()


def _launch(kernel, out: CudaArray, *args) -> CudaArray:
    """Run ``kernel`` with one thread per element of ``out`` (grid-stride) and return ``out``."""
    if out.size:
        kernel[blocks_for(out.size), THREADS](out.device_array(), *args)
    return out


def gather_forward(x: CudaArray, weight: CudaArray, bias: CudaArray | None, out_hw: tuple[int, int],
                   stride: tuple[int, int], pad_top_left: tuple[int, int], dilation: tuple[int, int],
                   groups: int) -> CudaArray:
    """The convolution (N, C_in, H, W) -> (N, C_out, *out_hw) (formula in the module docstring);
    ``out_hw`` may cut off the last rows/columns of the full output."""
    out = CudaArray.empty((x.shape[0], weight.shape[0], *out_hw), x.dtype)
    return _launch(_forward_kernel, out, x.device_array(), weight.device_array(),
                   _bias_values(bias, weight.shape[0], x.dtype), tuple(stride), tuple(pad_top_left),
                   tuple(dilation), groups)


def gather_input_grad(grad_out: CudaArray, weight: CudaArray, bias: CudaArray | None,
                      input_shape: tuple[int, int, int, int], stride: tuple[int, int],
                      pad_top_left: tuple[int, int], dilation: tuple[int, int], groups: int) -> CudaArray:
    """The convolution's adjoint: grad_out (N, C_out, OH, OW) -> (N, C_in, H, W) = ``input_shape``,
    plus ``bias`` (C_in,) when given. Input elements no window reads get zero (or the bias)."""
    grad_x = CudaArray.empty(tuple(input_shape), grad_out.dtype)
    return _launch(_input_grad_kernel, grad_x, grad_out.device_array(), weight.device_array(),
                   _bias_values(bias, input_shape[1], grad_out.dtype), tuple(stride), tuple(pad_top_left),
                   tuple(dilation), groups)


def gather_weight_grad(grad_out: CudaArray, x: CudaArray, weight_shape: tuple[int, int, int, int],
                       stride: tuple[int, int], pad_top_left: tuple[int, int], dilation: tuple[int, int],
                       groups: int) -> CudaArray:
    """The convolution's weight gradient (C_out, C_in/G, kH, kW) from grad_out (N, C_out, OH, OW)
    and the input x (N, C_in, H, W)."""
    grad_w = CudaArray.empty(tuple(weight_shape), grad_out.dtype)
    return _launch(_weight_grad_kernel, grad_w, grad_out.device_array(), x.device_array(), tuple(stride),
                   tuple(pad_top_left), tuple(dilation), groups, grad_out.dtype.type(0))
