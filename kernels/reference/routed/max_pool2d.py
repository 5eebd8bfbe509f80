"""Max pooling by the loops of :mod:`minigrad.kernels.reference.max_pool2d`, in the fast kernel's dtypes."""
from .. import max_pool2d as reference
from ._cast import like


def max_pool2d_forward(x, kernel, stride, padding, dilation=(1, 1), ceil_mode=False):
    out, indices = reference.max_pool2d_forward(x, kernel, stride, padding, dilation, ceil_mode)
    return like(out, x), indices


def max_pool2d_backward(grad_out, indices, input_hw):
    return like(reference.max_pool2d_backward(grad_out, indices, input_hw), grad_out)
