"""Reductions over one or more dims: sum, mean, prod, var/std, max/min, logsumexp, argmax/argmin.

Backward "un-reduces": the output gradient is reshaped to keep the reduced dims as size 1
(``_keep``) and broadcast back over them.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _dtype
from .._tensor import _LEGACY_NAMES, Tensor
from ..autograd.function import ArrayFunction
from ._operands import wrap_dim, wrap_dims


def _keep(grad: np.ndarray, axes: tuple, keepdim: bool) -> np.ndarray:
    """Reinsert the reduced axes as size-1 dims so ``grad`` broadcasts against the input."""
    return grad if keepdim else np.expand_dims(grad, axes)


class Sum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return np.asarray(np.sum(x, axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        return np.broadcast_to(_keep(grad, ctx.axes, ctx.keepdim), ctx.shape), None, None, None


class Mean(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        ctx.count = int(np.prod([x.shape[a] for a in axes]))
        with np.errstate(invalid="ignore", divide="ignore"):  # the mean of nothing is nan
            return np.asarray(np.mean(x, axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        grad = _keep(grad, ctx.axes, ctx.keepdim) / (ctx.count or 1)
        return np.broadcast_to(grad, ctx.shape), None, None, None


class Prod(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.save_for_backward(x)
        ctx.axis, ctx.keepdim = axis, keepdim
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        # d(prod)/dx_i = product of all other elements = (product before i) * (product after i);
        # computed with exclusive cumulative products, so zeros in x need no special case.
        ones = np.ones_like(np.take(x, [0], axis=ctx.axis))
        before = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=ctx.axis)], ctx.axis), axis=ctx.axis)
        flipped = np.flip(x, ctx.axis)
        after = np.flip(np.cumprod(np.concatenate([ones, np.delete(flipped, -1, axis=ctx.axis)], ctx.axis),
                                   axis=ctx.axis), ctx.axis)
        return _keep(grad, (ctx.axis,), ctx.keepdim) * before * after, None, None


class Var(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        mean = np.mean(x, axis=axes, keepdims=True)
        ctx.save_for_backward(x - mean)
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.divisor = int(np.prod([x.shape[a] for a in axes])) - correction
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(np.sum(np.square(x - mean), axis=axes, keepdims=keepdim) / ctx.divisor, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (centered,) = ctx.saved_tensors
        with np.errstate(invalid="ignore", divide="ignore"):
            return _keep(grad, ctx.axes, ctx.keepdim) * (2 / ctx.divisor) * centered, None, None, None


class MaxAll(ArrayFunction):
    """max/min over every element; ties share the gradient evenly, as in PyTorch."""

    backward_name = "MaxBackward1"

    @staticmethod
    def forward(ctx, x, reduce):
        if x.size == 0:
            raise RuntimeError(
                f"{reduce.__name__}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        out = np.asarray(reduce(x))
        ctx.save_for_backward(x == out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (winners,) = ctx.saved_tensors
        return grad * winners / np.count_nonzero(winners), None


class MaxDim(ArrayFunction):
    """max/min along one dim, returning (values, indices); the gradient goes to the index."""

    backward_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, x, axis, keepdim, arg):
        if x.shape[axis] == 0 if x.ndim else False:
            raise IndexError(f"{arg.__name__[3:]}(): Expected reduction dim {axis} to have non-zero size.")
        indices = np.expand_dims(arg(x, axis=axis), axis) if x.ndim else np.zeros((), np.int64)
        values = np.take_along_axis(x, indices, axis) if x.ndim else x.copy()
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        ctx.save_for_backward(indices)
        if not keepdim and x.ndim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return values, indices.astype(np.int64)

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        (indices,) = ctx.saved_tensors
        if not ctx.shape:
            return grad, None, None, None
        grad_x = np.zeros(ctx.shape, grad.dtype)
        np.put_along_axis(grad_x, indices, _keep(grad, (ctx.axis,), ctx.keepdim), ctx.axis)
        return grad_x, None, None, None


class LogSumExp(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        x = x if x.dtype.kind == "f" else x.astype(_dtype.get_default_dtype().numpy)
        peak = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros([1] * x.ndim, x.dtype)
        peak = np.where(np.isfinite(peak), peak, 0)  # all -inf rows: log(sum(exp)) = -inf, not nan
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(x - peak), axis=axes, keepdims=True)) + peak
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else np.squeeze(out, axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return _keep(grad, ctx.axes, ctx.keepdim) * np.exp(x - out), None, None


class ReturnTypes(NamedTuple):
    values: Tensor
    indices: Tensor


def _reduction_dtype(input: Tensor, dtype) -> np.dtype | None:
    if dtype is not None:
        return _dtype.to_dtype(dtype).numpy
    return np.int64 if not input.dtype.is_floating_point else None


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    return Sum.apply(input, wrap_dims(dim, input.ndim), keepdim, _reduction_dtype(input, dtype))


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dtype is None and not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {_LEGACY_NAMES[input.dtype.name][:-len('Tensor')]}"
        )
    return Mean.apply(input, wrap_dims(dim, input.ndim), keepdim, _reduction_dtype(input, dtype))


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return Prod.apply(input.reshape(-1), 0, False)
    return Prod.apply(input, wrap_dim(dim, input.ndim), keepdim)


def _correction(unbiased, correction) -> float:
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``), as PyTorch."""
    if isinstance(dim, bool):  # legacy var(input, unbiased)
        dim, unbiased = None, dim
    return Var.apply(input, wrap_dims(dim, input.ndim), _correction(unbiased, correction), keepdim)


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    from .unary import sqrt

    return sqrt(var(input, dim, unbiased, keepdim, correction=correction))


def _max_or_min(input: Tensor, dim, keepdim: bool, other, reduce, arg, binary):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return binary(input, other)
    if dim is None:
        return MaxAll.apply(input, reduce)
    values, indices = MaxDim.apply(input, wrap_dim(dim, input.ndim), keepdim, arg)
    return ReturnTypes(values, indices)


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """``max(input)``: the largest element; ``max(input, dim)``: (values, indices); ``max(a, b)``: maximum."""
    from .selection import maximum

    return _max_or_min(input, dim, keepdim, other, np.max, np.argmax, maximum)


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    from .selection import minimum

    return _max_or_min(input, dim, keepdim, other, np.min, np.argmin, minimum)


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) along ``dim``, computed stably by subtracting the maximum first."""
    return LogSumExp.apply(input, wrap_dims(dim, input.ndim), keepdim)


def _arg(input: Tensor, dim, keepdim: bool, fn) -> Tensor:
    if input.numel() == 0:
        raise RuntimeError(f"{fn.__name__}(): Expected reduction dim to be specified for input.numel() == 0.")
    data = input._data
    if dim is None:
        out = np.asarray(fn(data.reshape(-1)))
        return Tensor._from_storage(out.reshape([1] * input.ndim) if keepdim else out, input.device)
    out = fn(data, axis=wrap_dim(dim, input.ndim), keepdims=keepdim) if data.ndim else np.asarray(0)
    return Tensor._from_storage(np.asarray(out, np.int64), input.device)


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, np.argmax)


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, np.argmin)


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    axes = wrap_dims(dim, input.ndim)
    return Tensor._from_storage(np.asarray(np.all(input._data, axis=axes, keepdims=keepdim)), input.device)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    axes = wrap_dims(dim, input.ndim)
    return Tensor._from_storage(np.asarray(np.any(input._data, axis=axes, keepdims=keepdim)), input.device)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    axes = wrap_dims(dim, input.ndim)
    return Tensor._from_storage(np.asarray(np.count_nonzero(input._data, axis=axes), np.int64), input.device)
