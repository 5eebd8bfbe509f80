"""Resizing by :mod:`minigrad.kernels.reference.interpolate`, in the fast kernel's dtypes."""
from .. import interpolate as reference
from ._cast import like


def interpolate_nearest_forward(x, out_hw, scales=None, shortcuts=True):
    return like(reference.interpolate_nearest_forward(x, out_hw, scales, shortcuts), x)


def interpolate_nearest_backward(grad_out, input_hw, scales=None, shortcuts=True):
    return like(reference.interpolate_nearest_backward(grad_out, input_hw, scales, shortcuts), grad_out)


def interpolate_bilinear_forward(x, out_hw, align_corners, scales=None):
    return like(reference.interpolate_bilinear_forward(x, out_hw, align_corners, scales), x)


def interpolate_bilinear_backward(grad_out, input_hw, align_corners, scales=None):
    return like(reference.interpolate_bilinear_backward(grad_out, input_hw, align_corners, scales), grad_out)
