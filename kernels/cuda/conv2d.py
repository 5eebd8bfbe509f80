"""2-D convolution (cross-correlation, as in PyTorch) on the GPU: dense, grouped and depthwise.

CPU sibling: :mod:`minigrad.kernels.conv2d` (same functions, arguments and results, on CudaArrays).

Shapes: ``x`` (N, C_in, H, W), ``weight`` (C_out, C_in/groups, kH, kW), ``bias`` (C_out,) or None,
output (N, C_out, OH, OW) with OH, OW from :func:`minigrad.kernels.conv2d.conv2d_output_size`::

    out[n, co, oh, ow] = bias[co] + sum_{ci, ki, kj} weight[co, ci, ki, kj]
                                    * x[n, g*C_in/groups + ci, oh*sH - top + ki*dH, ow*sW - left + kj*dW]

``g`` the group of ``co``, ``x`` zero outside the input, ``padding = (top, bottom, left, right)``
(asymmetric for PyTorch's 'same' with an even kernel; bottom and right only set the output size).

Each result is one gather kernel of :mod:`._conv_gather` (one thread per element of the result,
no atomics; index formulas and race freedom there): the forward, the input gradient (one thread
per grad_x element collecting the output positions that read it) and the weight gradient (one
thread per grad_w element summing over n, oh, ow). The bias gradient is a sum reduction.
"""
from __future__ import annotations

from ..conv2d import conv2d_output_size
from ._conv_gather import gather_forward, gather_input_grad, gather_weight_grad
from .array import CudaArray


def conv2d_forward(
    x: CudaArray,
    weight: CudaArray,
    bias: CudaArray | None,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
) -> CudaArray:
    """Convolution forward: (N, C_in, H, W) -> (N, C_out, OH, OW), formula in the module docstring."""
    out_hw = conv2d_output_size(x.shape[2:], weight.shape[2:], stride, padding, dilation)
    return gather_forward(x, weight, bias, out_hw, stride, (padding[0], padding[2]), dilation, groups)


def conv2d_bias_grad(grad_out: CudaArray) -> CudaArray:
    """``grad_b[co] = sum_{n, oh, ow} grad_out[n, co, oh, ow]``."""
    return grad_out.sum(axis=(0, 2, 3))


def conv2d_backward(
    grad_out: CudaArray,
    x: CudaArray,
    weight: CudaArray,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
    needs_input_grad: bool = True,
    needs_weight_grad: bool = True,
    needs_bias_grad: bool = True,
) -> tuple[CudaArray | None, CudaArray | None, CudaArray | None]:
    """Gradients of :func:`conv2d_forward`: ``(grad_x, grad_w, grad_b)`` with the shapes of ``x``,
    ``weight`` and (C_out,); each is None when not requested. ``grad_out`` is (N, C_out, OH, OW)."""
    pad_top_left = (padding[0], padding[2])
    grad_x = grad_w = grad_b = None
    if needs_input_grad:
        grad_x = gather_input_grad(grad_out, weight, None, x.shape, stride, pad_top_left, dilation, groups)
    if needs_weight_grad:
        grad_w = gather_weight_grad(grad_out, x, weight.shape, stride, pad_top_left, dilation, groups)
    if needs_bias_grad:
        grad_b = conv2d_bias_grad(grad_out)
    return grad_x, grad_w, grad_b
