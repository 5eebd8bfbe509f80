"""Elementwise math functions of one tensor and their derivatives.

Integer and bool inputs are computed in the default float dtype, as in PyTorch. Each backward
saves the cheapest thing its derivative needs: the output where f' is a function of f
(exp, sqrt, tanh, sigmoid), the input otherwise.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._device import kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name


def _float(a: np.ndarray) -> np.ndarray:
    return a if a.dtype.kind == "f" else a.astype(_dtype.get_default_dtype().numpy)


class Exp(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = np.exp(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return np.log(x)  # log(0) = -inf, log(-1) = nan, as PyTorch

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Abs(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.sign(x)  # PyTorch's choice: the subgradient at 0 is 0


class Sin(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


class Cos(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * np.sin(x)


class Tanh(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


def sigmoid_array(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) elementwise for a floating array, in its dtype, for any x.

    1 / (1 + e^-x) overflows for very negative x; e^x / (1 + e^x) for very positive x. Using
    e = e^-|x| <= 1 for both halves never overflows, and the tiny values of the negative tail keep
    their relative accuracy (sigmoid(-20) = 2.06e-9, not 0 as 0.5 (1 + tanh(x / 2)) gives in float32).
    """
    e = np.exp(-np.abs(x))
    return (np.where(x >= 0, 1, e) / (1 + e)).astype(x.dtype, copy=False)


class Sigmoid(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = sigmoid_array(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class ReluBackward(ArrayFunction):
    """ReLU's gradient from its output, ``grad * (out > 0)`` (one fused select, ``kernels/relu.py``),
    as an op, PyTorch's ``threshold_backward``. It is linear in grad, so its derivative there is
    itself; in ``out`` it is piecewise constant, so its derivative there is 0."""

    backward_name = "ThresholdBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(out)
        return kernel_module("relu", ctx.device).relu_backward(grad, out)

    @staticmethod
    def backward(ctx, grad_grad_x):
        (out,) = ctx.saved_tensors
        return ReluBackward.compute(grad_grad_x, out), None


class Relu(ArrayFunction):
    """max(x, 0); backward keeps only the output (``ReluBackward``)."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = kernel_module("relu", ctx.device).relu_forward(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return ReluBackward.compute(grad, out)


class ReluInPlace(Relu):
    """``relu_``: the kernel writes max(x, 0) into x's own storage, which the node then keeps as
    the output for backward. ReLU's backward reads only its output, so, unlike the generic
    in-place path, nothing is copied: one pass instead of three."""

    backward_name = "ReluBackward0"
    is_view = True  # the output is the input's storage

    @staticmethod
    def forward(ctx, x):
        out = kernel_module("relu", ctx.device).relu_forward(x, out=x)
        ctx.save_for_backward(out)
        return out


class Rounding(ArrayFunction):
    """floor / ceil / round / trunc: piecewise constant, so the gradient is zero everywhere."""
    backward_name = "RoundingBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, fn):
        return fn(x)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), None


class Sign(Rounding):
    """sign / sgn: -1, 0 or 1 (a bool stays itself), with the zero gradient of PyTorch."""

    backward_name = "SignBackward0"


class Sgn(Sign):
    backward_name = "SgnBackward0"


class Frac(ArrayFunction):
    """x - trunc(x) (the sign of x kept: frac(-1.5) = -0.5); the gradient passes unchanged."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


@autocast_op
def exp(input: Tensor) -> Tensor:
    check_tensor(input, "exp")
    return Exp.apply(input)


@autocast_op
def log(input: Tensor) -> Tensor:
    check_tensor(input, "log")
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:
    check_tensor(input, "sqrt")
    return Sqrt.apply(input)


def abs(input: Tensor) -> Tensor:  # noqa: A001
    check_tensor(input, "abs")
    _reject_bool(input, '"abs_cpu" not implemented for \'Bool\'')
    return Abs.apply(input)


def sin(input: Tensor) -> Tensor:
    check_tensor(input, "sin")
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    check_tensor(input, "cos")
    return Cos.apply(input)


def tanh(input: Tensor) -> Tensor:
    check_tensor(input, "tanh")
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    check_tensor(input, "sigmoid")
    return Sigmoid.apply(input)


def _reject_bool(input: Tensor, message: str) -> None:
    if input.dtype.name == "bool":
        raise (RuntimeError if message.startswith("Boolean") else NotImplementedError)(message)


def relu(input: Tensor) -> Tensor:
    check_tensor(input, "relu")
    _reject_bool(input, "Boolean inputs not supported for relu")
    return Relu.apply(input)


def relu_(input: Tensor) -> Tensor:
    """max(x, 0) in place; the kernel writes into a C-contiguous float32/float64 storage directly,
    any other tensor takes the generic in-place path."""
    check_tensor(input, "relu_")
    data = input._data
    if data.flags.c_contiguous and data.flags.writeable and data.dtype in (np.float32, np.float64):
        return input._inplace_function(ReluInPlace)
    return input._inplace(relu)


def _rounded(input: Tensor, fn, name: str) -> Tensor:
    check_tensor(input, name)
    _reject_bool(input, f'"{name}_vml_cpu" not implemented for \'Bool\'')
    return Rounding.apply(input, fn)


def floor(input: Tensor) -> Tensor:
    return _rounded(input, np.floor, "floor")


def ceil(input: Tensor) -> Tensor:
    return _rounded(input, np.ceil, "ceil")


def trunc(input: Tensor) -> Tensor:
    return _rounded(input, np.trunc, "trunc")


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001
    if decimals and not input.dtype.is_floating_point:
        raise NotImplementedError(f'"round_cpu" not implemented for \'{type_name(input.dtype)}\'')
    return _rounded(input, lambda a: np.round(a, decimals), "round")  # half to even, as PyTorch


def _sign_array(a: np.ndarray) -> np.ndarray:
    """-1, 0 or 1, and 0 for nan, as PyTorch (numpy's sign(nan) is nan); a bool stays itself."""
    if a.dtype == bool:
        return a.copy()
    return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype) if a.dtype.kind == "f" else np.sign(a)


def sign(input: Tensor) -> Tensor:
    check_tensor(input, "sign")
    return Sign.apply(input, _sign_array)


def sgn(input: Tensor) -> Tensor:
    """sign for real tensors (for complex ones PyTorch's sgn is z / |z|; minigrad has none)."""
    check_tensor(input, "sgn")
    return Sgn.apply(input, _sign_array)


def frac(input: Tensor) -> Tensor:
    check_tensor(input, "frac")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"frac_cpu" not implemented for \'{type_name(input.dtype)}\'')
    return Frac.apply(input)


def positive(input: Tensor) -> Tensor:
    """The input itself (``+x``)."""
    check_tensor(input, "positive")
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class Angle(Rounding):
    backward_name = "AngleBackward0"


def angle(input: Tensor) -> Tensor:
    """The argument of a real number: pi below 0, else 0 (NaN stays NaN); zero gradient."""
    check_tensor(input, "angle")
    x = input if input.dtype.is_floating_point else input.to(_dtype.get_default_dtype())
    return Angle.apply(x, lambda a: np.where(a < 0, np.pi, np.where(np.isnan(a), a, 0)).astype(a.dtype))


@autocast_op
def rsqrt(input: Tensor) -> Tensor:
    check_tensor(input, "rsqrt")
    return reciprocal(sqrt(input))


@autocast_op
def reciprocal(input: Tensor) -> Tensor:
    check_tensor(input, "reciprocal")
    from .arithmetic import div

    return div(1.0, input)


absolute = abs
fix = trunc
