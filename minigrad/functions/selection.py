"""Elementwise selection: ``where``, ``maximum``, ``minimum``, ``clamp``.

The gradient flows to whichever operand was selected. On ties, ``maximum``/``minimum`` split it
in half between both operands, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._operands import check_tensor, operands, result_dtype


class Where(ArrayFunction):
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
    @staticmethod
    def forward(ctx, a, b, dtype):
        a, b = np.asarray(a, dtype), np.asarray(b, dtype)
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share = np.where(a == b, 0.5, (a > b)).astype(grad.dtype)  # 1 where a wins, 1/2 on ties
        return grad * share, grad * (1 - share), None


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``; ``where(condition)`` gives the indices."""
    check_tensor(condition, "where", "condition")
    if input is None and other is None:
        return tuple(Tensor._from_storage(i.astype(np.int64)) for i in np.nonzero(condition._data))
    input, other = operands("where", input, other, position=2)
    condition = condition._data
    if condition.dtype != bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    return Where.apply(condition, input, other, result_dtype(input, other))


def maximum(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "maximum")
    check_tensor(other, "maximum", "other", 2)
    return Maximum.apply(input, other, result_dtype(input, other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "minimum")
    check_tensor(other, "minimum", "other", 2)
    from .arithmetic import neg

    return neg(maximum(neg(input), neg(other)))


class Clamp(ArrayFunction):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.clip(x, low, high)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = np.ones(x.shape, bool)  # PyTorch: gradient passes where low <= x <= high
        if ctx.low is not None:
            inside &= x >= ctx.low
        if ctx.high is not None:
            inside &= x <= ctx.high
        return grad * inside, None, None


def clamp(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    """Limit every element to [min, max]; either bound may be None (not both)."""
    check_tensor(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    low = min._data if isinstance(min, Tensor) else min
    high = max._data if isinstance(max, Tensor) else max
    return Clamp.apply(input, low, high)


clip = clamp
