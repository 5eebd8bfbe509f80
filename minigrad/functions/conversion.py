"""Copies and dtype casts. The gradient of a cast is cast back by the engine (it always delivers
a gradient in its input's dtype), so backward just passes it through."""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor


class ToCopy(ArrayFunction):
    backward_name = "ToCopyBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class Clone(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        return x.copy()  # C order, on either device

    @staticmethod
    def backward(ctx, grad):
        return grad


def to_dtype(input: Tensor, dtype) -> Tensor:
    check_tensor(input, "to_dtype")
    return ToCopy.apply(input, _dtype.to_dtype(dtype).numpy)


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    check_tensor(input, "clone")
    return Clone.apply(input)
