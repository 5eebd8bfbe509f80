"""prelu: leaky ReLU with learned slopes, one per channel (dim 1) or one shared.

    prelu(x)[n, c, ...] = x if x > 0 else w[c] x
    d/dx = 1 if x > 0 else w[c]          d/dw[c] = sum over n, ... of x where x <= 0

A weight of one element (shape (1,) or ()) is shared by every element; otherwise it needs one
slope per channel, the size of dim 1 (an input of fewer than 2 dims has one channel).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import type_name
from .activation import _floating
from ._messages import check_tensor


def _slopes(weight, ndim: int):
    """A per-channel weight (C,) as (C, 1, ..., 1), so that it broadcasts along dim 1 of an
    ``ndim``-dim input; a shared one as a scalar."""
    return weight.reshape((-1,) + (1,) * (ndim - 2)) if weight.size > 1 else weight.reshape(())


class PReLU(ArrayFunction):
    backward_name = "PreluKernelBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, weight):
        ctx.save_for_backward(x, weight)
        return np.where(x > 0, x, _slopes(weight, x.ndim) * x)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        slopes = _slopes(weight, x.ndim)
        positive = x > 0
        grad_input = np.where(positive, grad, slopes * grad) if ctx.needs_input_grad[0] else None
        grad_weight = None
        if ctx.needs_input_grad[1]:
            # Summed in float64: one slope can collect every element of the batch.
            summed_axes = tuple(axis for axis in range(x.ndim) if not (slopes.ndim and axis == 1))
            contributions = np.where(positive, 0, grad * x)
            grad_weight = contributions.sum(axis=summed_axes, dtype=np.float64).astype(x.dtype).reshape(weight.shape)
        return grad_input, grad_weight


@autocast_op
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    check_tensor(input, "prelu")
    check_tensor(weight, "prelu", "weight", 2)
    if input.dtype != weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {type_name(input)} and {type_name(weight)}")
    if weight.numel() != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() > 1 else 1
        if channels != weight.numel():
            raise RuntimeError("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    return PReLU.apply(_floating(input, "prelu_cpu"), weight)
