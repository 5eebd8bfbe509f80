"""Average pooling, strided and adaptive.

    avg_pool2d:           out[n, c, oh, ow] = sum of x over the window / divisor
    adaptive_avg_pool2d:  mean of x over rows [floor(oh * H / OH), ceil((oh + 1) * H / OH)) and the
                          matching columns

The divisor is ``divisor_override`` if given, else the window's size counting the zero padding
(``count_include_pad``) or only the input elements it covers (details in ``kernels/avg_pool2d.py``).
Backward spreads each output's gradient evenly over its window, divided by the same divisor: a
linear map, the pooling's adjoint, run as an op of its own whose gradient is the pooling again.
1-D forms are the 2-D ones over a height-1 input (N, C, 1, L). Inputs may be batched (N, C, ...)
or unbatched (C, ...).
"""
from __future__ import annotations

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._spatial import (adaptive_output_hw, check_1d_input, check_pool2d, int_tuple, lift_1d, planes,
                       stride_tuple, unplanes)
from .activation import _floating
from ._messages import check_tensor


class AvgPool2D(ArrayFunction):
    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        ctx.args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        ctx.input_shape = x.shape
        out = kernel_module("avg_pool2d", ctx.device).avg_pool2d_forward(planes(x), *ctx.args)
        return unplanes(out, x.shape)

    @staticmethod
    def backward(ctx, grad):
        return (AvgPool2DBackward.compute(grad, ctx.input_shape, *ctx.args),) + (None,) * len(ctx.args)


class AvgPool2DBackward(ArrayFunction):
    """The gradient of average pooling, grad (.., OH, OW) -> grad_x of ``input_shape``: each
    output's gradient spread over its window by the kernel. Linear in ``grad``, and the adjoint of
    the pooling, so its own gradient is the pooling again."""

    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input_shape, *args):
        ctx.args = args
        grad_x = kernel_module("avg_pool2d", ctx.device).avg_pool2d_backward(planes(grad), input_shape[-2:], *args)
        return grad_x.reshape(input_shape)

    @staticmethod
    def backward(ctx, grad_grad_x):
        return (AvgPool2D.compute(grad_grad_x, *ctx.args), None) + (None,) * len(ctx.args)


class AdaptiveAvgPool2D(ArrayFunction):
    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, output_hw):
        ctx.input_shape = x.shape
        out = kernel_module("adaptive_pool2d", ctx.device).adaptive_avg_pool2d_forward(planes(x), output_hw)
        return unplanes(out, x.shape)

    @staticmethod
    def backward(ctx, grad):
        return AdaptiveAvgPool2DBackward.compute(grad, ctx.input_shape), None


class AdaptiveAvgPool2DBackward(ArrayFunction):
    """The gradient of adaptive average pooling, grad (.., OH, OW) -> grad_x of ``input_shape``;
    its own gradient is the pooling again (to the size of ``grad``)."""

    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "AdaptiveAvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input_shape):
        ctx.output_hw = grad.shape[-2:]
        grad_x = kernel_module("adaptive_pool2d", ctx.device).adaptive_avg_pool2d_backward(
            planes(grad), input_shape[-2:])
        return grad_x.reshape(input_shape)

    @staticmethod
    def backward(ctx, grad_grad_x):
        return AdaptiveAvgPool2D.compute(grad_grad_x, ctx.output_hw), None


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """2-D average pooling of (N, C, H, W) or (C, H, W) input -> (.., OH, OW), with
    ``OH = floor((H + 2 pad - kernel) / stride) + 1`` (ceil with ``ceil_mode``) and likewise OW.
    ``stride`` defaults to ``kernel_size``."""
    check_tensor(input, "avg_pool2d")
    fn = "avg_pool2d"
    kernel = int_tuple(kernel_size, 2, fn, "kernel_size")
    stride = stride_tuple(stride, kernel, fn)
    padding = int_tuple(padding, 2, fn, "padding")
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, (int, np.integer)):
            raise TypeError(f"avg_pool2d(): argument 'divisor_override' must be int, not "
                            f"{type(divisor_override).__name__}")
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        divisor_override = int(divisor_override)
    check_pool2d(input, kernel, stride, padding, (1, 1), ceil_mode)
    return AvgPool2D.apply(_floating(input, fn), kernel, stride, padding, bool(ceil_mode),
                           bool(count_include_pad), divisor_override)


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """1-D average pooling of (N, C, L) or (C, L) input: 2-D average pooling of the (.., 1, L) view
    with a height-1 window."""
    check_tensor(input, "avg_pool1d")
    fn = "avg_pool1d"
    check_1d_input(input, fn)
    kernel = int_tuple(kernel_size, 1, fn, "kernel_size")
    kernel, stride, padding, _ = lift_1d(kernel, stride_tuple(stride, kernel, fn),
                                         int_tuple(padding, 1, fn, "padding"))
    return avg_pool2d(input.unsqueeze(-2), kernel, stride, padding, ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Adaptive 2-D average pooling of (N, C, H, W) or (C, H, W) input to ``output_size`` (an int
    or an (OH, OW) pair; None keeps the input's size)."""
    check_tensor(input, "adaptive_avg_pool2d")
    output_hw = adaptive_output_hw(input, output_size, "adaptive_avg_pool2d")
    return AdaptiveAvgPool2D.apply(_floating(input, "adaptive_avg_pool2d"), output_hw)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Adaptive 1-D average pooling of (N, C, L) or (C, L) input to length ``output_size``."""
    check_tensor(input, "adaptive_avg_pool1d")
    fn = "adaptive_avg_pool1d"
    check_1d_input(input, fn)
    (length,) = int_tuple(output_size, 1, fn, "output_size")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, length)).squeeze(-2)
