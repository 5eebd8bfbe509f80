"""The error function: ``erf`` and ``erfc`` (in PyTorch also ``torch.special.erf``/``erfc``).

    erf(x)  = 2 / sqrt(pi) * integral_0^x exp(-t^2) dt     erf'(x)  =  2 / sqrt(pi) * exp(-x^2)
    erfc(x) = 1 - erf(x)                                    erfc'(x) = -2 / sqrt(pi) * exp(-x^2)

Values come from the ``erf`` kernels (numpy has no erf). Integer and bool inputs are computed in
the default float dtype, as in PyTorch.
"""
from __future__ import annotations

import math

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from .unary import _float
from ._messages import check_tensor

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


class Erf(ArrayFunction):
    kernel, slope_sign = staticmethod(lambda kernels: kernels.erf), 1.0
    computes_half_in_float32 = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return ctx.kernel(kernel_module("erf", ctx.device))(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (ctx.slope_sign * _TWO_OVER_SQRT_PI) * np.exp(-np.square(x))


class Erfc(Erf):
    kernel, slope_sign = staticmethod(lambda kernels: kernels.erfc), -1.0


def erf(input: Tensor) -> Tensor:
    check_tensor(input, "erf")
    return Erf.apply(input)


def erfc(input: Tensor) -> Tensor:
    check_tensor(input, "erfc")
    return Erfc.apply(input)
