"""Elementwise selection: ``where``, ``maximum``, ``minimum``, ``fmax``, ``fmin``, ``clamp``,
``nan_to_num``.

The gradient flows to whichever operand was selected. On ties, ``maximum``/``minimum`` split it
in half between both operands, as PyTorch does; ``fmax``/``fmin`` (which skip a NaN operand)
give it all to the first operand, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from .._device import as_array
from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import operands, result_dtype


class Where(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, condition, a, b, dtype):
        ctx.save_for_backward(condition)
        return np.where(condition, a, b).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        zero = np.zeros((), grad.dtype)
        return (None,
                np.where(condition, grad, zero) if ctx.needs_input_grad[1] else None,
                np.where(condition, zero, grad) if ctx.needs_input_grad[2] else None, None)


class Maximum(ArrayFunction):
    select, wins = staticmethod(np.maximum), staticmethod(np.greater)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b, dtype):
        a, b = as_array(a, dtype), as_array(b, dtype)
        ctx.save_for_backward(a, b)
        return ctx.select(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share = np.where(a == b, 0.5, ctx.wins(a, b)).astype(grad.dtype)  # 1 where a wins, 1/2 on ties
        return grad * share, grad * (1 - share), None


class Minimum(Maximum):
    select, wins = staticmethod(np.minimum), staticmethod(np.less)
    runs_on_cuda = True


class Fmax(ArrayFunction):
    """The larger operand, the other one where one is NaN; d/da = 1 where a >= b or b is NaN."""
    select, wins = staticmethod(np.fmax), staticmethod(np.greater_equal)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.select(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        first = ctx.wins(a, b) | np.isnan(b)
        return np.where(first, grad, 0), np.where(first, 0, grad)


class Fmin(Fmax):
    select, wins = staticmethod(np.fmin), staticmethod(np.less_equal)


def _nan_skipping(function: type, name: str, input: Tensor, other: Tensor) -> Tensor:
    from ._operands import cast_operands

    check_tensor(input, name)
    check_tensor(other, name, "other", 2)
    return function.apply(*cast_operands(result_dtype(input, other), input, other))


def fmax(input: Tensor, other: Tensor) -> Tensor:
    """maximum(input, other), except that a NaN loses to a number."""
    return _nan_skipping(Fmax, "fmax", input, other)


def fmin(input: Tensor, other: Tensor) -> Tensor:
    """minimum(input, other), except that a NaN loses to a number."""
    return _nan_skipping(Fmin, "fmin", input, other)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``; ``where(condition)`` gives the indices."""
    check_tensor(condition, "where", "condition")
    if input is None and other is None:
        return tuple(Tensor._from_storage(i.astype(np.int64)) for i in np.nonzero(condition._data))
    input, other = operands("where", input, other, position=2)
    condition = condition._data
    if condition.dtype != bool:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{type_name(_dtype.from_numpy_dtype(condition.dtype))}")
    return Where.apply(condition, input, other, result_dtype(input, other))


def maximum(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "maximum")
    check_tensor(other, "maximum", "other", 2)
    return Maximum.apply(input, other, result_dtype(input, other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "minimum")
    check_tensor(other, "minimum", "other", 2)
    return Minimum.apply(input, other, result_dtype(input, other))


class Clamp(ArrayFunction):
    """Tensor bounds (which take no gradient here; PyTorch gives them one)."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.clip(x, low, high)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        # PyTorch: the gradient passes where low <= x <= high (a missing bound: always).
        above = True if ctx.low is None else x >= ctx.low
        below = True if ctx.high is None else x <= ctx.high
        return grad * above * below, None, None


class ClampScalars(Clamp):
    backward_name = "ClampBackward1"
    runs_on_cuda = True


class ClampMin(Clamp):
    pass


class ClampMax(Clamp):
    pass


def clamp(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    """Limit every element to [min, max]; either bound may be None (not both)."""
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)
    return _clamp(input, min, max, Clamp if tensor_bounds else ClampScalars)


def _clamp(input: Tensor, min, max, function: type) -> Tensor:  # noqa: A002
    check_tensor(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dtype = _dtype.result_type(input, *(bound for bound in (min, max) if bound is not None))
    if dtype != input.dtype:  # an integer tensor clamped to a float bound becomes float, as in PyTorch
        input = input.to(dtype)
    low = min._data if isinstance(min, Tensor) else min
    high = max._data if isinstance(max, Tensor) else max
    return function.apply(input, low, high)


def clamp_min(input: Tensor, min) -> Tensor:  # noqa: A002
    return _clamp(input, min, None, ClampMin)


def clamp_max(input: Tensor, max) -> Tensor:  # noqa: A002
    return _clamp(input, None, max, ClampMax)


clip = clamp


class NanToNum(ArrayFunction):
    """nan, +inf and -inf replaced by the given numbers (by default 0 and the dtype's largest and
    lowest finite values); the gradient passes where x was finite, and is 0 elsewhere."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return np.where(np.isfinite(x), grad, 0), None, None, None


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    check_tensor(input, "nan_to_num")
    if not input.dtype.is_floating_point:  # nothing to replace: a copy, as PyTorch
        return input.clone()
    return NanToNum.apply(input, nan, posinf, neginf)
