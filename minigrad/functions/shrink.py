"""Shrinkage activations: pull small values to zero (sparse codes, wavelet denoising).

    softshrink(x) = x - clamp(x, -lambd, lambd)     (x - lambd, 0 or x + lambd)
    hardshrink(x) = x if |x| > lambd else 0
    d/dx          = 1 if x < -lambd or x > lambd else 0      (both, PyTorch's choice at +-lambd)
    tanhshrink(x) = x - tanh(x)                     (built from the elementwise ops, as PyTorch)
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import type_name
from .activation import _floating
from ._messages import check_tensor


def _outside(x: np.ndarray, lambd: float) -> np.ndarray:
    """Where x lies outside [-lambd, lambd]: the elements both shrinks pass through."""
    return (x < -lambd) | (x > lambd)


class Softshrink(ArrayFunction):
    backward_name = "SoftshrinkBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.save_for_backward(_outside(x, lambd))
        return x - np.clip(x, -lambd, lambd)

    @staticmethod
    def backward(ctx, grad):
        (outside,) = ctx.saved_tensors
        return grad * outside, None


class Hardshrink(Softshrink):
    backward_name = "HardshrinkBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, lambd):
        outside = _outside(x, lambd)
        ctx.save_for_backward(outside)
        return np.where(outside, x, x.dtype.type(0))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    check_tensor(input, "softshrink")
    _floating(input, "softshrink_check")
    if lambd < 0:
        largest = np.finfo(input.dtype.numpy).max
        raise RuntimeError(f"lambda must be in range [0, {largest:g}] for input dtype {type_name(input)}, "
                           f"but found {lambd:g}")
    return Softshrink.apply(input, lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    check_tensor(input, "hardshrink")
    return Hardshrink.apply(_floating(input, "hardshrink_cpu"), lambd)


def tanhshrink(input: Tensor) -> Tensor:
    check_tensor(input, "tanhshrink")
    return input - input.tanh()
