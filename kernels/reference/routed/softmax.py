"""Softmax and log-softmax by the loops of :mod:`minigrad.kernels.reference.softmax`, in the fast
kernel's dtypes."""
from .. import softmax as reference
from ._cast import like


def softmax_forward(x, dim):
    return like(reference.softmax_forward(x, dim), x)


def log_softmax_forward(x, dim):
    return like(reference.log_softmax_forward(x, dim), x)


def softmax_backward(grad_out, out, dim):
    return like(reference.softmax_backward(grad_out, out, dim), out)


def log_softmax_backward(grad_out, out, dim):
    return like(reference.log_softmax_backward(grad_out, out, dim), out)
