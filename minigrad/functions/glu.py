"""glu: the gated linear unit. The input is halved along ``dim`` into a and b:

    glu(x) = a * sigmoid(b)        d/da = sigmoid(b),   d/db = a sigmoid(b) (1 - sigmoid(b))

Output: the input's shape with ``dim`` halved.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor
from ._operands import wrap_dim
from .activation import _floating
from .unary import sigmoid_array


class GLU(ArrayFunction):
    backward_name = "GluBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.save_for_backward(x)  # the halves and the gate are recomputed: backward is x's function
        ctx.dim = dim
        a, b = _halves(x, dim)
        return a * sigmoid_array(b)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        a, b = _halves(x, ctx.dim)
        gate = sigmoid_array(b)
        grad_a = grad * gate
        return np.concatenate([grad_a, grad_a * a * (1 - gate)], axis=ctx.dim), None


def _halves(x, dim: int) -> list:
    return np.split(x, [x.shape[dim] // 2], axis=dim)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    check_tensor(input, "glu")
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = wrap_dim(dim, input.dim())
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}")
    return GLU.apply(_floating(input, "glu_cpu"), dim)
