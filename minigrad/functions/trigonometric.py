"""Trigonometric and hyperbolic functions beyond ``sin`` / ``cos`` (in ``unary.py``), and the
two-argument ``atan2`` and ``hypot``:

    tan'   = 1 + tan^2              sinh' = cosh            cosh' = sinh
    asin'  =  1 / sqrt(1 - x^2)     asinh' = 1 / sqrt(x^2 + 1)
    acos'  = -1 / sqrt(1 - x^2)     acosh' = 1 / sqrt(x^2 - 1)
    atan'  =  1 / (1 + x^2)         atanh' = 1 / (1 - x^2)
    atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)  (0 at the origin, as PyTorch)
    hypot(a, b) = sqrt(a^2 + b^2): d/da = a / hypot, d/db = b / hypot

Outside a function's domain (asin(2), acosh(0.5)) the value and its gradient are nan, and at
the domain's edge the gradient is inf, as in PyTorch. Integer and bool inputs are computed in the
default float dtype. ``deg2rad`` / ``rad2deg`` are multiplications by pi / 180 and 180 / pi.
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import cast_operands, floating_dtype, result_dtype
from .unary import _float


class _Elementwise(ArrayFunction):
    """f(x) for the numpy ufunc ``function`` of a subclass, saving the input; the subclass's
    ``derivative(x)`` is f'(x)."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return ctx.function(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ctx.derivative(x)


class Tan(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = np.tan(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Asin(_Elementwise):
    function, derivative = staticmethod(np.arcsin), staticmethod(lambda x: 1 / np.sqrt(1 - x * x))


class Acos(_Elementwise):
    function, derivative = staticmethod(np.arccos), staticmethod(lambda x: -1 / np.sqrt(1 - x * x))


class Atan(_Elementwise):
    function, derivative = staticmethod(np.arctan), staticmethod(lambda x: 1 / (1 + x * x))


class Sinh(_Elementwise):
    function, derivative = staticmethod(np.sinh), staticmethod(np.cosh)


class Cosh(_Elementwise):
    function, derivative = staticmethod(np.cosh), staticmethod(np.sinh)


class Asinh(_Elementwise):
    function, derivative = staticmethod(np.arcsinh), staticmethod(lambda x: 1 / np.sqrt(x * x + 1))


class Acosh(_Elementwise):
    function, derivative = staticmethod(np.arccosh), staticmethod(lambda x: 1 / np.sqrt(x * x - 1))


class Atanh(_Elementwise):
    function, derivative = staticmethod(np.arctanh), staticmethod(lambda x: 1 / (1 - x * x))


class Atan2(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        squared = x * x + y * y
        scale = np.where(squared == 0, 0, grad / squared)
        return scale * x, -scale * y


class Hypot(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        return grad * a / out, grad * b / out


def _unary(function: type, name: str):
    def op(input: Tensor) -> Tensor:
        check_tensor(input, name)
        return function.apply(input)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` elementwise (see the module docstring for its derivative)."
    return autocast_op(op)


tan = _unary(Tan, "tan")
asin, acos, atan = _unary(Asin, "asin"), _unary(Acos, "acos"), _unary(Atan, "atan")
sinh, cosh = _unary(Sinh, "sinh"), _unary(Cosh, "cosh")
asinh, acosh, atanh = _unary(Asinh, "asinh"), _unary(Acosh, "acosh"), _unary(Atanh, "atanh")
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


def _binary_floats(name: str, input: Tensor, other: Tensor) -> tuple:
    check_tensor(input, name)
    check_tensor(other, name, "other", 2)
    return cast_operands(floating_dtype(input, other), input, other)


@autocast_op
def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input), i.e. atan(input / other) in the right quadrant."""
    return Atan2.apply(*_binary_floats("atan2", input, other))


arctan2 = atan2


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """sqrt(input^2 + other^2) without overflow or underflow of the squares."""
    operands = _binary_floats("hypot", input, other)
    if result_dtype(input, other).kind != "f":
        raise NotImplementedError(f'"hypot_cpu" not implemented for \'{type_name(input.dtype)}\'')
    return Hypot.apply(*operands)


class Sinc(ArrayFunction):
    """sin(pi x) / (pi x), 1 at x = 0; d/dx = (cos(pi x) - sinc(x)) / x, 0 at x = 0. Half
    precision is computed in float32, as PyTorch (sin(pi) in float16 is far from 0)."""
    computes_half_in_float32 = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        out = np.sinc(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return np.where(x == 0, 0, grad * (np.cos(np.pi * x) - out) / x)


class Deg2Rad(ArrayFunction):
    backward_name, factor = "Deg2RadBackward0", math.pi / 180
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        return _float(x) * ctx.factor

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.factor


class Rad2Deg(Deg2Rad):
    backward_name, factor = "Rad2DegBackward0", 180 / math.pi


deg2rad, rad2deg = _unary(Deg2Rad, "deg2rad"), _unary(Rad2Deg, "rad2deg")
sinc = _unary(Sinc, "sinc")
