"""2-D transposed convolution ("deconvolution", PyTorch's ConvTranspose2d) on the GPU, as the
adjoint of the convolution.

CPU sibling: :mod:`minigrad.kernels.conv_transpose2d` (same functions, arguments and results, on
CudaArrays).

Shapes: ``x`` (N, C_in, H, W), ``weight`` (C_in, C_out/groups, kH, kW) (PyTorch's layout),
``bias`` (C_out,) or None, output (N, C_out, OH, OW) with
``OH = (H - 1)*sH - 2*pH + dH*(kH - 1) + output_padding_H + 1`` (likewise OW)::

    out[n, g*C_out/G + co, ih*sH - pH + ki*dH, iw*sW - pW + kj*dW]
        += x[n, ci, ih, iw] * weight[ci, co, ki, kj]          (g = group of input channel ci)

That is the input gradient of a convolution whose weight (C_out_conv, C_in_conv/G, kH, kW) is this
weight, with symmetric padding (pH, pH, pW, pW). So the three gathers of :mod:`._conv_gather` (one
thread per element of the result, no atomics; index formulas and race freedom there) serve with
the roles swapped:

* forward         = the convolution's input-gradient gather of ``x``, bias added in the same
  thread (one thread per out[n, co, oh, ow]); rows/columns from ``output_padding`` that no input
  reaches hold just the bias;
* input gradient  = the convolution's forward gather of grad_out, cut to (H, W) (the extra rows of
  an output_padding >= stride are read by no input);
* weight gradient = the convolution's weight gather with grad_out as its input and ``x`` as its
  output gradient, already in the (C_in, C_out/G, kH, kW) layout;
* bias gradient   = a sum reduction of grad_out over (n, oh, ow).
"""
from __future__ import annotations

from ..conv_transpose2d import conv_transpose2d_output_size
from ._conv_gather import gather_forward, gather_input_grad, gather_weight_grad
from .array import CudaArray
from .conv2d import conv2d_bias_grad


def conv_transpose2d_forward(
    x: CudaArray,
    weight: CudaArray,
    bias: CudaArray | None,
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
) -> CudaArray:
    """Transposed convolution: (N, C_in, H, W) -> (N, C_out, OH, OW), see the module docstring."""
    out_hw = conv_transpose2d_output_size(x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation)
    out_shape = (x.shape[0], weight.shape[1] * groups) + tuple(out_hw)
    return gather_input_grad(x, weight, bias, out_shape, stride, padding, dilation, groups)


def conv_transpose2d_backward(
    grad_out: CudaArray,
    x: CudaArray,
    weight: CudaArray,
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    needs_input_grad: bool = True,
    needs_weight_grad: bool = True,
    needs_bias_grad: bool = True,
) -> tuple[CudaArray | None, CudaArray | None, CudaArray | None]:
    """Gradients of :func:`conv_transpose2d_forward`: ``(grad_x, grad_w, grad_b)`` shaped like
    ``x``, ``weight`` and (C_out,), each None when not requested. ``output_padding`` is implied by
    grad_out's shape; it is accepted so the signature mirrors the forward pass."""
    grad_x = grad_w = grad_b = None
    if needs_input_grad:
        grad_x = gather_forward(grad_out, weight, None, x.shape[2:], stride, padding, dilation, groups)
    if needs_weight_grad:
        grad_w = gather_weight_grad(x, grad_out, weight.shape, stride, padding, dilation, groups)
    if needs_bias_grad:
        grad_b = conv2d_bias_grad(grad_out)
    return grad_x, grad_w, grad_b
