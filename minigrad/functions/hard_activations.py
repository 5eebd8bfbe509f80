"""Hard activations: cheap piecewise stand-ins for tanh, sigmoid and swish, and the step ``threshold``.

    hardtanh(x)    = clamp(x, min_val, max_val)          d/dx = 1 if min_val < x < max_val else 0
    relu6(x)       = hardtanh(x, 0, 6)
    threshold(x)   = x if x > threshold else value        d/dx = 1 if x > threshold else 0
    hardsigmoid(x) = min(max(x + 3, 0), 6) / 6            d/dx = 1/6 if -3 < x < 3 else 0
    hardswish(x)   = x * hardsigmoid(x)                   d/dx = 0 if x <= -3, x / 3 + 1/2 if x < 3, else 1

The derivatives at the kinks are PyTorch's. hardtanh and threshold keep integer inputs integer
(the bounds and the value are cast to the input's dtype first, as PyTorch does); hardsigmoid and
hardswish take floating inputs only.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import type_name
from .activation import _floating
from ._messages import check_tensor


class Hardtanh(ArrayFunction):
    backward_name = "HardtanhBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        low, high = x.dtype.type(min_val), x.dtype.type(max_val)
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.minimum(np.maximum(x, low), high)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ((x > ctx.low) & (x < ctx.high)), None, None


class Threshold(ArrayFunction):
    backward_name = "ThresholdBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, threshold, value):
        above = x > x.dtype.type(threshold)
        ctx.save_for_backward(above)
        return np.where(above, x, x.dtype.type(value))

    @staticmethod
    def backward(ctx, grad):
        (above,) = ctx.saved_tensors
        return grad * above, None, None


class Hardsigmoid(ArrayFunction):
    backward_name = "HardsigmoidBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.minimum(np.maximum(x + 3, 0), 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ((x > -3) & (x < 3)) / 6


class Hardswish(ArrayFunction):
    backward_name = "HardswishBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.minimum(np.maximum(x + 3, 0), 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        slope = np.where(x <= -3, 0, np.where(x < 3, x / 3 + 0.5, 1)).astype(x.dtype, copy=False)
        return grad * slope


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    check_tensor(input, "hardtanh")
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype.name == "bool":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    return Hardtanh.apply(input, min_val, max_val)


def relu6(input: Tensor) -> Tensor:
    check_tensor(input, "relu6")
    return hardtanh(input, 0.0, 6.0)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    check_tensor(input, "threshold")
    if input.dtype.name == "bool":
        raise NotImplementedError(f'"threshold_cpu" not implemented for \'{type_name(input)}\'')
    return Threshold.apply(input, threshold, value)


def hardsigmoid(input: Tensor) -> Tensor:
    check_tensor(input, "hardsigmoid")
    return Hardsigmoid.apply(_floating(input, "hardsigmoid_cpu"))


def hardswish(input: Tensor) -> Tensor:
    check_tensor(input, "hardswish")
    return Hardswish.apply(_floating(input, "hardswish_cpu"))
