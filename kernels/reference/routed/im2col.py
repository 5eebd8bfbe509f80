"""im2col / col2im by :mod:`minigrad.kernels.reference.im2col`, in the fast kernel's dtypes; col2im
writes into the given array, as the fast kernel does."""
from .. import im2col as reference
from ._cast import like


def im2col(x, kernel_hw, out_hw, stride, pad_top_left, dilation):
    return like(reference.im2col(x, kernel_hw, out_hw, stride, pad_top_left, dilation), x)


def col2im(cols, out, kernel_hw, out_hw, stride, pad_top_left, dilation):
    out[...] = reference.col2im(cols, out.shape, kernel_hw, out_hw, stride, pad_top_left, dilation)
