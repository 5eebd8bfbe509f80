"""ReLU by :mod:`minigrad.kernels.reference.relu`, with the fast kernel's dtypes and ``out=``."""
import numpy as np

from .. import relu as reference
from ._cast import like


def relu_forward(x, out=None):
    result = like(reference.relu_forward(x), x)
    if out is None:
        return result
    np.copyto(out, result)
    return out


def relu_backward(grad, out):
    return like(reference.relu_backward(grad, out), out)
