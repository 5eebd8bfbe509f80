"""Average pooling by the loops of :mod:`minigrad.kernels.reference.avg_pool2d`, in the fast kernel's
dtypes."""
from .. import avg_pool2d as reference
from ._cast import like


def avg_pool2d_forward(x, kernel, stride, padding, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return like(reference.avg_pool2d_forward(x, kernel, stride, padding, ceil_mode, count_include_pad,
                                             divisor_override), x)


def avg_pool2d_backward(grad_out, input_hw, kernel, stride, padding, ceil_mode=False, count_include_pad=True,
                        divisor_override=None):
    return like(reference.avg_pool2d_backward(grad_out, input_hw, kernel, stride, padding, ceil_mode,
                                              count_include_pad, divisor_override), grad_out)
