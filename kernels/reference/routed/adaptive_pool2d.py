"""Adaptive pooling by the loops of :mod:`minigrad.kernels.reference.adaptive_pool2d`, in the fast
kernel's dtypes."""
from .. import adaptive_pool2d as reference
from ._cast import like


def adaptive_avg_pool2d_forward(x, output_size):
    return like(reference.adaptive_avg_pool2d_forward(x, output_size), x)


def adaptive_avg_pool2d_backward(grad_out, input_hw):
    return like(reference.adaptive_avg_pool2d_backward(grad_out, input_hw), grad_out)


def adaptive_max_pool2d_forward(x, output_size):
    out, indices = reference.adaptive_max_pool2d_forward(x, output_size)
    return like(out, x), indices


def adaptive_max_pool2d_backward(grad_out, indices, input_hw):
    return like(reference.adaptive_max_pool2d_backward(grad_out, indices, input_hw), grad_out)
