"""2-D transposed convolution ("deconvolution"), PyTorch's ConvTranspose2d, as the adjoint of conv2d.

Shapes: ``x`` (N, C_in, H, W), ``weight`` (C_in, C_out/groups, kH, kW) (PyTorch's layout),
``bias`` (C_out,), output (N, C_out, OH, OW) with (see :func:`conv_transpose2d_output_size`)::

    OH = (H - 1)*sH - 2*pH + dH*(kH - 1) + output_padding_H + 1

Every input element scatters a weighted copy of the kernel into the output::

    out[n, g*C_out/G + co, ih*sH - pH + ki*dH, iw*sW - pW + kj*dW]
        += x[n, ci, ih, iw] * weight[ci, co, ki, kj]          (g = group of input channel ci)

which is exactly the input gradient of ``conv2d(out_shaped_input, weight, stride, padding,
dilation, groups)``: the conv2d weight (C_out_conv, C_in_conv/G, kH, kW) read with the roles of the
channels swapped is this weight. So no new loops are needed:

* forward  = conv2d's input gradient with ``x`` as its grad_out (GEMM + col2im, or the depthwise
  gather), output size given explicitly; ``output_padding`` only adds bottom/right rows and
  columns that no input reaches (they hold just the bias);
* input gradient  = conv2d forward of grad_out (im2col + GEMM), cropped to (H, W);
* weight gradient = conv2d's weight gradient with grad_out as the conv input and ``x`` as the
  conv output gradient, which already comes out in the (C_in, C_out/G, kH, kW) layout.

``padding = (pH, pW)`` is symmetric, as in PyTorch; precondition (PyTorch's): output_padding is
smaller than the stride or the dilation on each axis.

Reference: :mod:`minigrad.kernels.reference.conv_transpose2d`.
"""
import numpy as np

from .conv2d import conv2d_bias_grad, conv2d_forward, conv2d_input_and_weight_grads


def conv_transpose2d_output_size(
    input_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[int, int]:
    """``O = (I - 1)*s - 2*p + d*(k - 1) + output_padding + 1`` on each axis."""
    return tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + op + 1
        for i, k, s, p, op, d in zip(input_hw, kernel_hw, stride, padding, output_padding, dilation)
    )


def _conv_padding(padding: tuple[int, int]) -> tuple[int, int, int, int]:
    """Symmetric (pH, pW) as conv2d's (top, bottom, left, right)."""
    return (padding[0], padding[0], padding[1], padding[1])


def conv_transpose2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
) -> np.ndarray:
    """Transposed convolution: (N, C_in, H, W) -> (N, C_out, OH, OW), see the module docstring."""
    out_hw = conv_transpose2d_output_size(x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation)
    out_shape = (x.shape[0], weight.shape[1] * groups) + out_hw
    out, _ = conv2d_input_and_weight_grads(
        x, None, out_shape, weight, stride, _conv_padding(padding), dilation, groups,
        needs_input_grad=True, needs_weight_grad=False,
    )
    if bias is not None:
        out += bias[:, None, None]
    return out


def conv_transpose2d_backward(
    grad_out: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    needs_input_grad: bool = True,
    needs_weight_grad: bool = True,
    needs_bias_grad: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Gradients of :func:`conv_transpose2d_forward`: ``(grad_x, grad_w, grad_b)`` shaped like
    ``x``, ``weight`` and (C_out,), each None when not requested. ``output_padding`` is implied by
    grad_out's shape; it is accepted so the signature mirrors the forward pass."""
    conv_padding = _conv_padding(padding)
    grad_x = grad_w = None
    if needs_input_grad:
        grad_x = conv2d_forward(grad_out, weight, None, stride, conv_padding, dilation, groups, output_hw=x.shape[2:])
    if needs_weight_grad:
        _, grad_w = conv2d_input_and_weight_grads(
            x, grad_out, grad_out.shape, weight, stride, conv_padding, dilation, groups,
            needs_input_grad=False, needs_weight_grad=True,
        )
    grad_b = conv2d_bias_grad(grad_out) if needs_bias_grad else None
    return grad_x, grad_w, grad_b
