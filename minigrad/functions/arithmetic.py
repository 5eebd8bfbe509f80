"""Broadcasting arithmetic: ``+ - * / **`` and negation.

Backward returns each gradient in the broadcast shape of the output; the engine sums it back to
each operand's shape (``engine.sum_to``). Result dtypes follow PyTorch's promotion, computed once
in the wrapper and passed to numpy's ufuncs as ``dtype=``, so no operand is copied to cast it.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor
from ._operands import floating_dtype, operands, result_dtype


class Add(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b, dtype):
        return np.add(a, b, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad, None


class Sub(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b, dtype):
        return np.subtract(a, b, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None), None


class Mul(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b, dtype):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return np.multiply(a, b, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * b if ctx.needs_input_grad[0] else None,
                grad * a if ctx.needs_input_grad[1] else None, None)


class Div(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b, dtype):
        out = np.divide(a, b, dtype=dtype)
        ctx.save_for_backward(b, out if ctx.needs_input_grad[1] else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        grad_a = grad / b
        return grad_a, (-grad_a * out if ctx.needs_input_grad[1] else None), None


class Pow(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b, dtype):
        out = np.power(a, b, dtype=dtype)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            # d(a^b)/da = b * a^(b-1); written with np.power, not out / a, so a == 0 is fine.
            grad_a = grad * b * np.power(a, np.subtract(b, 1, dtype=out.dtype), dtype=out.dtype)
        if ctx.needs_input_grad[1]:
            # d(a^b)/db = a^b * log(a); PyTorch defines it as 0 where a == 0 and b >= 0.
            grad_b = grad * out * np.log(a, dtype=out.dtype)
            grad_b = np.where((a == 0) & (b >= 0), 0, grad_b).astype(out.dtype)
        return grad_a, grad_b, None


class Neg(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a):
        return np.negative(a)

    @staticmethod
    def backward(ctx, grad):
        return -grad


def _is_bool(operand) -> bool:
    return operand.dtype.name == "bool" if isinstance(operand, Tensor) else isinstance(operand, bool)


def _check_bool_subtraction(input, other) -> None:
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


def add(input, other, *, alpha=1):
    """``input + alpha * other`` with broadcasting."""
    input, other = operands("add", input, other)
    if alpha != 1:
        other = mul(other, alpha)
    return Add.apply(input, other, result_dtype(input, other))


def sub(input, other, *, alpha=1):
    """``input - alpha * other`` with broadcasting."""
    input, other = operands("sub", input, other)
    _check_bool_subtraction(input, other)
    if alpha != 1:
        other = mul(other, alpha)
    return Sub.apply(input, other, result_dtype(input, other))


def mul(input, other):
    input, other = operands("mul", input, other)
    return Mul.apply(input, other, result_dtype(input, other))


def div(input, other, *, rounding_mode=None):
    """True division (integers give floats), or ``'trunc'`` / ``'floor'`` rounding (no gradient)."""
    input, other = operands("div", input, other)
    if rounding_mode is None:
        return Div.apply(input, other, floating_dtype(input, other))
    from .comparison import _integer_division, _no_grad_binary

    rounders = {"trunc": _integer_division(_trunc_divide), "floor": _integer_division(np.floor_divide)}
    if rounding_mode not in rounders:
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    return _no_grad_binary(rounders[rounding_mode], "div", input, other)


def _trunc_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b rounded toward zero, exactly for integers (no detour through float64)."""
    if a.dtype.kind in "iu":
        return np.sign(a) * np.sign(b) * (np.abs(a) // np.abs(b))
    return np.trunc(a / b)


@autocast_op
def pow(input, exponent):  # noqa: A001  (PyTorch's name)
    input, exponent = operands("pow", input, exponent, "exponent")
    dtype = result_dtype(input, exponent)
    if dtype.kind in "iu" and np.any(exponent._data < 0 if isinstance(exponent, Tensor) else exponent < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return Pow.apply(input, exponent, dtype)


def neg(input):
    check_tensor(input, "neg")
    if input.dtype.name == "bool":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(input)


def true_divide(input, other):
    return div(input, other)


@autocast_op
def square(input):
    check_tensor(input, "square")
    if input.dtype.name == "bool":  # PyTorch squares as pow(x, 2): an integer result
        input = input.long()
    return mul(input, input)


subtract, multiply, divide, negative = sub, mul, div, neg
