"""Convolution by the loops of :mod:`minigrad.kernels.reference.conv2d`, in the fast kernel's dtypes."""
from .. import conv2d as reference
from ..conv2d import conv2d_output_size  # noqa: F401
from ._cast import like


def conv2d_forward(x, weight, bias, stride, padding, dilation, groups):
    return like(reference.conv2d_forward(x, weight, bias, stride, padding, dilation, groups), x)


def conv2d_backward(grad_out, x, weight, stride, padding, dilation, groups,
                    needs_input_grad=True, needs_weight_grad=True, needs_bias_grad=True):
    grads = reference.conv2d_backward(grad_out, x, weight, stride, padding, dilation, groups,
                                      needs_input_grad, needs_weight_grad, needs_bias_grad)
    return tuple(like(grad, grad_out) for grad in grads)
