"""Padding by :mod:`minigrad.kernels.reference.padding`, in the fast kernel's dtypes."""
from .. import padding as reference
from ._cast import like


def pad2d(x, pad, mode, value=0.0):
    return like(reference.pad2d(x, pad, mode, value), x)


def pad2d_backward(grad_out, pad, mode, input_hw):
    return like(reference.pad2d_backward(grad_out, pad, mode, input_hw), grad_out)
