"""Transposed convolution by the loops of :mod:`minigrad.kernels.reference.conv_transpose2d`, in the
fast kernel's dtypes."""
from .. import conv_transpose2d as reference
from ..conv_transpose2d import conv_transpose2d_output_size  # noqa: F401
from ._cast import like


def conv_transpose2d_forward(x, weight, bias, stride, padding, output_padding, dilation, groups):
    out = reference.conv_transpose2d_forward(x, weight, bias, stride, padding, output_padding, dilation, groups)
    return like(out, x)


def conv_transpose2d_backward(grad_out, x, weight, stride, padding, output_padding, dilation, groups,
                              needs_input_grad=True, needs_weight_grad=True, needs_bias_grad=True):
    grads = reference.conv_transpose2d_backward(grad_out, x, weight, stride, padding, output_padding, dilation,
                                                groups, needs_input_grad, needs_weight_grad, needs_bias_grad)
    return tuple(like(grad, grad_out) for grad in grads)
