"""Max unpooling by :mod:`minigrad.kernels.reference.max_unpool2d`, in the fast kernel's dtypes."""
from .. import max_unpool2d as reference
from ._cast import like


def max_unpool2d_forward(x, indices, output_hw):
    return like(reference.max_unpool2d_forward(x, indices, output_hw), x)


def max_unpool2d_backward(grad_out, indices):
    return like(reference.max_unpool2d_backward(grad_out, indices), grad_out)
