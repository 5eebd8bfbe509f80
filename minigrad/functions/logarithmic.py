"""Exponentials and logarithms beyond ``exp`` / ``log``, computed where the naive formula loses
accuracy or overflows:

    log1p(x) = log(1 + x)        d/dx = 1 / (1 + x)        (accurate for tiny x)
    expm1(x) = exp(x) - 1        d/dx = expm1(x) + 1        (accurate for tiny x)
    log2(x), log10(x)            d/dx = 1 / (x ln 2), 1 / (x ln 10)
    exp2(x) = 2^x                d/dx = 2^x ln 2
    logit(p) = log(p / (1 - p))  d/dp = 1 / (p (1 - p))     (p clamped to [eps, 1 - eps] with ``eps``)
    xlogy(x, y) = x log(y)       0 where x = 0 (unless y is nan), so 0 log 0 = 0 in entropies
    xlog1py(x, y) = x log1p(y)   likewise
    entr(x) = -x log(x)          0 at x = 0, -inf for x < 0; d/dx = -(1 + log x)
    logaddexp(a, b) = log(e^a + e^b) = max(a, b) + log1p(exp(-|a - b|))       (never overflows)
    logaddexp2(a, b) = log2(2^a + 2^b) = max(a, b) + log1p(2^-|a - b|) / ln 2

Integer and bool inputs are computed in the default float dtype, as in PyTorch, except where
PyTorch refuses them (logaddexp, logaddexp2). The backward formulas are PyTorch's, including its
values at the edges (inf and nan where the derivative has none).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import cast_operands, floating_dtype, operands, result_dtype
from .unary import _float

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Log1p(ArrayFunction):
    backward_name = "Log1PBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Expm1(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = np.expm1(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log2(ArrayFunction):
    log, ln_base = staticmethod(np.log2), _LN2
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return ctx.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * ctx.ln_base)


class Log10(Log2):
    log, ln_base = staticmethod(np.log10), _LN10


class Exp2(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        out = np.exp2(_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * _LN2


class Logit(ArrayFunction):
    """log(p / (1 - p)); with ``eps``, p is clamped to [eps, 1 - eps] first and the gradient is 0
    outside that range. Without it, p outside [0, 1] gives nan, in forward and backward."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, eps):
        x = _float(x)
        ctx.save_for_backward(x)
        ctx.eps = eps
        p = x if eps is None else np.clip(x, eps, 1 - eps)
        return np.log(p / (1 - p))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        slope = grad / (x * (1 - x))
        if ctx.eps is None:
            return np.where((x < 0) | (x > 1), np.nan, slope), None
        return np.where((x < ctx.eps) | (x > 1 - ctx.eps), 0, slope), None


class Xlogy(ArrayFunction):
    """x log(y), 0 where x = 0 and y is not nan. d/dx = log(y) (0 where x = 0: PyTorch's
    xlogy(x != 0, y)); d/dy = x / y. ``Xlog1py`` is the same with log1p(y)."""

    log, shift = staticmethod(np.log), 0
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, y, dtype):
        ctx.save_for_backward(x, y)
        return np.where((x == 0) & ~np.isnan(y), 0, x * ctx.log(y)).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            grad_x = grad * np.where((x == 0) & ~np.isnan(y), 0, ctx.log(y))
        if ctx.needs_input_grad[1]:
            grad_y = grad * x / (y + ctx.shift)
        return grad_x, grad_y, None


class XlogyScalarInput(Xlogy):
    backward_name = "XlogyBackward1"


class XlogyScalarOther(Xlogy):
    backward_name = "XlogyBackward2"


class Xlog1py(Xlogy):
    backward_name = "SpecialXlog1PyBackward0"
    log, shift = staticmethod(np.log1p), 1


class Xlog1pyScalarInput(Xlog1py):
    backward_name = "SpecialXlog1PyBackward1"


class Xlog1pyScalarOther(Xlog1py):
    backward_name = "SpecialXlog1PyBackward2"


class Entr(ArrayFunction):
    backward_name = "SpecialEntrBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return np.where(x > 0, -x * np.log(x), np.where((x == 0) | np.isnan(x), x * 0, -np.inf)).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -(1 + np.log(x))


class Logaddexp(ArrayFunction):
    """log(e^a + e^b) as max + log1p(exp(-|a - b|)); equal infinities give themselves (the
    difference would be inf - inf = nan). d/da = 1 / (1 + e^(b - a)), as PyTorch."""
    exp, log1p_exp, ln_base = staticmethod(np.exp), staticmethod(lambda d: np.log1p(np.exp(d))), 1.0
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        spread = ctx.log1p_exp(-np.abs(a - b))
        return np.where((a == b) & np.isinf(a), a, np.maximum(a, b) + spread).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad / (1 + ctx.exp(b - a)), grad / (1 + ctx.exp(a - b))


class Logaddexp2(Logaddexp):
    exp = staticmethod(np.exp2)
    log1p_exp = staticmethod(lambda d: np.log1p(np.exp2(d)) / _LN2)


@autocast_op
def log1p(input: Tensor) -> Tensor:
    check_tensor(input, "log1p")
    return Log1p.apply(input)


@autocast_op
def expm1(input: Tensor) -> Tensor:
    check_tensor(input, "expm1")
    return Expm1.apply(input)


@autocast_op
def log2(input: Tensor) -> Tensor:
    check_tensor(input, "log2")
    return Log2.apply(input)


@autocast_op
def log10(input: Tensor) -> Tensor:
    check_tensor(input, "log10")
    return Log10.apply(input)


def exp2(input: Tensor) -> Tensor:
    check_tensor(input, "exp2")
    return Exp2.apply(input)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), the inverse of sigmoid; ``eps`` clamps p to [eps, 1 - eps] first."""
    check_tensor(input, "logit")
    return Logit.apply(input, eps)


def _x_log(functions: tuple, name: str, input, other) -> Tensor:
    """``functions``: (both tensors, a number input, a number other), for PyTorch's node names."""
    input, other = operands(name, input, other)
    dtype = floating_dtype(input, other)
    function = functions[0] if isinstance(input, Tensor) == isinstance(other, Tensor) else (
        functions[2] if isinstance(input, Tensor) else functions[1])
    return function.apply(*cast_operands(dtype, input, other), dtype)


def xlogy(input, other) -> Tensor:
    """input * log(other), and 0 where input is 0 (so 0 log 0 = 0); either may be a number."""
    return _x_log((Xlogy, XlogyScalarInput, XlogyScalarOther), "xlogy", input, other)


def xlog1py(input, other) -> Tensor:
    """input * log1p(other), and 0 where input is 0; either may be a number."""
    return _x_log((Xlog1py, Xlog1pyScalarInput, Xlog1pyScalarOther), "special_xlog1py", input, other)


def entr(input: Tensor) -> Tensor:
    """-x log(x) elementwise: 0 at 0, -inf below (the entropy of one probability)."""
    check_tensor(input, "special_entr")
    return Entr.apply(input)


def _logaddexp(function: type, name: str, input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, name)
    check_tensor(other, name, "other", 2)
    dtype = result_dtype(input, other)
    if dtype.kind != "f":
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{type_name(_dtype.from_numpy_dtype(dtype))}\'')
    return function.apply(*cast_operands(dtype, input, other))


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(exp(input) + exp(other)) without overflow, broadcast."""
    return _logaddexp(Logaddexp, "logaddexp", input, other)


def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2^input + 2^other) without overflow, broadcast."""
    return _logaddexp(Logaddexp2, "logaddexp2", input, other)
