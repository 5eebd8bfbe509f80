"""Convolutions over the kernels in ``kernels/conv2d.py`` and ``kernels/conv_transpose2d.py``.

    conv             out[n, co, o] = bias[co] + sum_{ci, k} weight[co, ci, k] * x[n, g*C_in/G + ci, o*s - p + k*d]
    transposed conv  the adjoint of conv: every x[n, ci, i] adds x * weight[ci, co, k] at output
                     position i*s - p + k*d (weight (C_in, C_out/G, *kernel))

over 1 or 2 spatial dims (``o``, ``k`` above are index tuples), ``g`` the group of ``co``.
Output sizes per spatial dim:

    conv             O = floor((I + p_before + p_after - d (k - 1) - 1) / s) + 1
    transposed conv  O = (I - 1) s - 2 p + d (k - 1) + output_padding + 1

One autograd Function covers all four: 1-D runs as 2-D over (.., 1, L) views inside it (one
``ConvolutionBackward0`` node, as in PyTorch), an unbatched input is unsqueezed to a batch of one
around it (PyTorch's ``SqueezeBackward1`` on the output). Its backward is the op
``ConvolutionBackward``, whose own backward is made of convolutions again (second derivatives).
Argument checks: ``_conv_args.py``.
"""
from __future__ import annotations

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._conv_args import ConvGeometry, conv_geometry


def _lift(array: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """(A, B, L) -> (A, B, 1, L) for a 1-D convolution (input, weight and gradients alike)."""
    return array.reshape(array.shape[:2] + (1,) + array.shape[2:]) if geometry.lifted else array


def _unlift(array: np.ndarray | None, geometry: ConvGeometry) -> np.ndarray | None:
    if array is None or not geometry.lifted:
        return array
    return array.reshape(array.shape[:2] + array.shape[3:])


class Convolution(ArrayFunction):
    """(Transposed) convolution of a batched x with weight and optional bias; ``geometry`` holds
    stride, padding, dilation, groups and output_padding in the kernels' conventions."""

    backward_name = "ConvolutionBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, x, weight, bias, geometry: ConvGeometry):
        if geometry.transposed:
            forward = kernel_module("conv_transpose2d", ctx.device).conv_transpose2d_forward
        else:
            forward = kernel_module("conv2d", ctx.device).conv2d_forward
        out = forward(_lift(x, geometry), _lift(weight, geometry), bias, *geometry.kernel_args())
        ctx.save_for_backward(x, weight)
        ctx.geometry = geometry
        return _unlift(out, geometry).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        needs_x, needs_w, needs_b = ctx.needs_input_grad[:3]
        return (*ConvolutionBackward.compute(grad, x, weight, ctx.geometry, needs_x, needs_w, needs_b), None)


class ConvolutionBackward(ArrayFunction):
    """The gradients of ``y = B(x, w) + b`` (B the bilinear map Convolution computes) as an op of
    their own, so that ``create_graph`` can differentiate them again: (grad, x, weight) ->
    (grad_x, grad_w, grad_b) by the kernel's backward, each None unless its flag asks for it.

    Given the gradients gg_x, gg_w, gg_b of those three outputs, bilinearity gives (PyTorch's
    ``_convolution_double_backward``)::

        d/d grad = B(gg_x, w) + B(x, gg_w) + gg_b    Convolution again
        d/d w    = B_w^T(grad; gg_x)                 this op's weight gradient, with input gg_x
        d/d x    = B_x^T(grad; gg_w)                 this op's input gradient, with weight gg_w
    """

    backward_name = "ConvolutionBackwardBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True
    _materialize_grads = False  # outputs that got no gradient arrive in backward as None, not zeros

    @staticmethod
    def forward(ctx, grad, x, weight, geometry: ConvGeometry, needs_x: bool, needs_w: bool, needs_b: bool):
        ctx.save_for_backward(grad, x, weight)
        ctx.geometry = geometry
        if geometry.transposed:
            backward = kernel_module("conv_transpose2d", ctx.device).conv_transpose2d_backward
        else:
            backward = kernel_module("conv2d", ctx.device).conv2d_backward
        grad_x, grad_w, grad_b = backward(_lift(grad, geometry), _lift(x, geometry), _lift(weight, geometry),
                                          *geometry.kernel_args(), needs_x, needs_w, needs_b)
        return _unlift(grad_x, geometry), _unlift(grad_w, geometry), grad_b

    @staticmethod
    def backward(ctx, grad_grad_x, grad_grad_w, grad_grad_b):
        grad, x, weight = ctx.saved_tensors
        geometry = ctx.geometry
        needs_grad, needs_x, needs_w = ctx.needs_input_grad[:3]
        d_grad = d_x = d_w = None
        if needs_grad:
            terms = []
            if grad_grad_x is not None:
                terms.append(Convolution.compute(grad_grad_x, weight, None, geometry))
            if grad_grad_w is not None:
                terms.append(Convolution.compute(x, grad_grad_w, None, geometry))
            if grad_grad_b is not None:  # one value per output channel
                per_channel = grad_grad_b.reshape((-1,) + (1,) * (grad.ndim - 2))
                terms.append(np.broadcast_to(per_channel, grad.shape))
            d_grad = sum(terms[1:], terms[0])
        if needs_x and grad_grad_w is not None:
            d_x = ConvolutionBackward.compute(grad, x, grad_grad_w, geometry, True, False, False)[0]
        if needs_w and grad_grad_x is not None:
            d_w = ConvolutionBackward.compute(grad, grad_grad_x, weight, geometry, False, True, False)[1]
        return d_grad, d_x, d_w, None, None, None, None


def _convolution(geometry: ConvGeometry, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """Run the Function; an unbatched input (one dim short) as a batch of one."""
    batched = input.dim() == weight.dim()
    out = Convolution.apply(input if batched else input.unsqueeze(0), weight, bias, geometry)
    return out if batched else out.squeeze(0)


@autocast_op
def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """1-D convolution: input (N, C_in, L) or (C_in, L), weight (C_out, C_in/groups, k), bias (C_out,)
    -> (N, C_out, L_out). ``padding``: an int, a 1-tuple, 'valid' (none) or 'same' (output length L;
    stride 1 only; an odd total d (k - 1) puts the extra element at the end)."""
    geometry = conv_geometry("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)
    return _convolution(geometry, input, weight, bias)


@autocast_op
def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """2-D convolution: input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_in/groups, kH, kW),
    bias (C_out,) -> (N, C_out, H_out, W_out). ``stride``, ``padding``, ``dilation``: an int or an
    (H, W) pair; ``padding`` may also be 'valid' (none) or 'same' (output size H x W; stride 1 only;
    an odd total d (k - 1) puts the extra row/column at the bottom/right)."""
    geometry = conv_geometry("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)
    return _convolution(geometry, input, weight, bias)


@autocast_op
def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution: input (N, C_in, L) or (C_in, L), weight (C_in, C_out/groups, k),
    bias (C_out,) -> (N, C_out, (L - 1) s - 2 p + d (k - 1) + output_padding + 1)."""
    geometry = conv_geometry("conv_transpose1d", 1, input, weight, bias, stride, padding, dilation, groups,
                             output_padding)
    return _convolution(geometry, input, weight, bias)


@autocast_op
def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution ("deconvolution"): input (N, C_in, H, W) or (C_in, H, W), weight
    (C_in, C_out/groups, kH, kW), bias (C_out,) -> (N, C_out, H_out, W_out) with
    ``H_out = (H - 1) sH - 2 pH + dH (kH - 1) + output_padding_H + 1`` (likewise W).
    ``output_padding`` (< stride or < dilation per axis) picks among the input sizes a strided
    convolution maps to the same output size."""
    geometry = conv_geometry("conv_transpose2d", 2, input, weight, bias, stride, padding, dilation, groups,
                             output_padding)
    return _convolution(geometry, input, weight, bias)
