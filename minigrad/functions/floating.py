"""Operations on the floating-point representation of numbers: ``copysign``, ``ldexp``,
``frexp``, ``nextafter``, ``float_power``.

    copysign(a, b) = |a| with b's sign      d/da = copysign(a, b) / a (0 at a = 0), d/db = 0
    ldexp(x, e) = x * 2^e                   (composed: a multiplication)
    float_power(x, e) = x^e in float64      (composed: pow after a cast)

``frexp`` and ``nextafter`` have no gradient (PyTorch defines none).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor
from ._operands import cast_operands, floating_dtype, operands
from .arithmetic import mul, pow


class Copysign(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        grad_b = np.zeros_like(grad) if ctx.needs_input_grad[1] else None
        return np.where(a == 0, 0, grad * out / a), grad_b


class CopysignNumber(Copysign):
    backward_name = "CopysignBackward1"


def copysign(input, other) -> Tensor:
    """|input| with the sign of ``other`` (a tensor or a number), in a floating dtype."""
    input, other = operands("copysign", input, other)
    check_tensor(input, "copysign")
    function = Copysign if isinstance(other, Tensor) else CopysignNumber
    return function.apply(*cast_operands(floating_dtype(input, other), input, other))


def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """input * 2^other."""
    check_tensor(input, "ldexp")
    check_tensor(other, "ldexp", "other", 2)
    return mul(input, pow(2.0, other))


def float_power(input, exponent) -> Tensor:
    """input^exponent computed in float64 (either may be a number)."""
    input, exponent = operands("float_power", input, exponent, "exponent")
    double = _dtype.float64
    return pow(input.to(double) if isinstance(input, Tensor) else input,
               exponent.to(double) if isinstance(exponent, Tensor) else exponent)


def frexp(input: Tensor):
    """(mantissa, exponent) with input = mantissa * 2^exponent, |mantissa| in [0.5, 1)."""
    check_tensor(input, "frexp")
    mantissa, exponent = np.frexp(input._data)
    return return_types.frexp(Tensor._from_storage(mantissa, input.device),
                              Tensor._from_storage(exponent.astype(np.int32), input.device))


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next floating-point value after input towards other."""
    check_tensor(input, "nextafter")
    check_tensor(other, "nextafter", "other", 2)
    return Tensor._from_storage(np.nextafter(input._data, other._data), input.device)
