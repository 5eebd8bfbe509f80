"""Reductions over one or more dims: sum, mean, prod, var/std, max/min, logsumexp, argmax/argmin.

Backward "un-reduces": the output gradient is reshaped to keep the reduced dims as size 1
(``_keep``) and broadcast back over them.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype, return_types
from .._device import as_array, kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from .indexing import PutAlongAxis
from ._messages import check_tensor, type_name
from ._operands import wrap_dim, wrap_dims


def _keep(grad: np.ndarray, axes: tuple, keepdim: bool) -> np.ndarray:
    """Reinsert the reduced axes as size-1 dims so ``grad`` broadcasts against the input."""
    return grad if keepdim else np.expand_dims(grad, axes)


def _trailing_row_sums(ctx, x: np.ndarray, axes: tuple, keepdim: bool, dtype, divisor_is_count: bool):
    """Sum (or mean, ``divisor_is_count``) over x's trailing dims as one contiguous row per leading
    index (``kernels/row_sum.py``: float64 accumulation, and several times faster than numpy's
    pairwise reduction over short rows, e.g. the 14 x 14 planes of ``mean((2, 3))``); None for
    any other case (other axes, dtypes or layouts, an explicit dtype, an empty array)."""
    lead = x.ndim - len(axes)
    if not (axes and axes == tuple(range(lead, x.ndim)) and x.size and dtype in (None, x.dtype)
            and x.dtype in (np.float32, np.float64) and x.flags.c_contiguous):
        return None
    rows = x.reshape(x.size // math.prod(x.shape[lead:]), -1)
    out = kernel_module("row_sum", ctx.device).row_sums(rows, rows.shape[1] if divisor_is_count else 1)
    return out.reshape(x.shape[:lead] + (1,) * len(axes) if keepdim else x.shape[:lead])


class Sum(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        rows = _trailing_row_sums(ctx, x, axes, keepdim, dtype, divisor_is_count=False)
        return rows if rows is not None else as_array(np.sum(x, axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        return np.broadcast_to(_keep(grad, ctx.axes, ctx.keepdim), ctx.shape), None, None, None


class Mean(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        ctx.count = int(np.prod([x.shape[a] for a in axes]))
        rows = _trailing_row_sums(ctx, x, axes, keepdim, dtype, divisor_is_count=True)
        if rows is not None:
            return rows
        if not ctx.count:  # the mean of nothing is 0 / 0 = nan (np.mean would also warn)
            return as_array(np.sum(x, axis=axes, keepdims=keepdim, dtype=dtype) / 0)
        return as_array(np.mean(x, axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        grad = _keep(grad, ctx.axes, ctx.keepdim) / (ctx.count or 1)
        return np.broadcast_to(grad, ctx.shape), None, None, None


class Prod(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.save_for_backward(x)
        ctx.axis, ctx.keepdim = axis, keepdim
        return as_array(np.prod(x, axis=axis, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        # d(prod)/dx_i = product of all other elements = (product before i) * (product after i);
        # computed with exclusive cumulative products, so zeros in x need no special case.
        before = _exclusive_cumprod(x, ctx.axis)
        after = np.flip(_exclusive_cumprod(np.flip(x, ctx.axis), ctx.axis), ctx.axis)
        return _keep(grad, (ctx.axis,), ctx.keepdim) * before * after, None, None


def _exclusive_cumprod(x: np.ndarray, axis: int) -> np.ndarray:
    """out_i = prod_{k<i} x_k along ``axis`` (1 for the first element)."""
    along = (slice(None),) * axis
    ones = np.ones_like(x[along + (slice(0, 1),)])
    return np.cumprod(np.concatenate([ones, x[along + (slice(None, -1),)]], axis), axis=axis)


class Var(ArrayFunction):
    """sum((x - mean)^2) / max(0, N - correction); the gradient 2 (x - mean) / (N - correction).

    As in PyTorch, N <= correction divides by 0 (nan or inf), with a UserWarning from the wrapper."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        count = int(np.prod([x.shape[a] for a in axes]))
        mean = np.sum(x, axis=axes, keepdims=True) / count  # not np.mean: it warns on empty input
        ctx.save_for_backward(x)
        ctx.count = count
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.divisor = np.float64(count - correction)
        squares = np.sum(np.square(x - mean), axis=axes, keepdims=keepdim)
        return as_array(squares / np.maximum(ctx.divisor, 0), x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        centered = x - np.sum(x, axis=ctx.axes, keepdims=True) / ctx.count
        return _keep(grad, ctx.axes, ctx.keepdim) * (2 / ctx.divisor) * centered, None, None, None


class Std(ArrayFunction):
    """sqrt(var); the gradient (x - mean) / ((N - correction) std), and 0 where std = 0 (a
    constant slice, where the square root has no derivative), as PyTorch."""
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        ctx.count = math.prod(x.shape[a] for a in axes)
        ctx.axes, ctx.keepdim, ctx.divisor = axes, keepdim, np.float64(ctx.count - correction)
        centered = x - np.sum(x, axis=axes, keepdims=True) / ctx.count
        squares = np.sum(np.square(centered), axis=axes, keepdims=keepdim)
        out = as_array(np.sqrt(squares / np.maximum(ctx.divisor, 0)), x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        centered = x - np.sum(x, axis=ctx.axes, keepdims=True) / ctx.count
        out, grad = _keep(out, ctx.axes, ctx.keepdim), _keep(grad, ctx.axes, ctx.keepdim)
        return np.where(out == 0, 0, grad / (ctx.divisor * out)) * centered, None, None, None


class Amax(ArrayFunction):
    """The largest element over ``axes``; elements tied for it share its gradient evenly, as PyTorch:
    d out / d x_i = [x_i == out] / #{j : x_j == out}."""
    reduce = staticmethod(np.max)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = ctx.reduce(x, axis=axes, keepdims=True)
        ctx.save_for_backward(x == out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else np.squeeze(out, axes)

    @staticmethod
    def backward(ctx, grad):
        (winners,) = ctx.saved_tensors
        share = winners / np.count_nonzero(winners, axis=ctx.axes, keepdims=True)
        return _keep(grad, ctx.axes, ctx.keepdim) * share, None, None


class Amin(Amax):
    reduce = staticmethod(np.min)


class MaxAll(Amax):
    """``max(input)``: amax over every dim, under PyTorch's grad_fn name."""

    backward_name = "MaxBackward1"


class MinAll(Amin):
    backward_name = "MinBackward1"


class MaxDim(ArrayFunction):
    """max/min along one dim, returning (values, indices); the gradient goes to the index."""
    backward_name = "MaxBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis, keepdim, arg):
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
        return PutAlongAxis.compute(_keep(grad, (ctx.axis,), ctx.keepdim), ctx.shape, indices, ctx.axis), None, None, None


class MinDim(MaxDim):
    backward_name = "MinBackward0"


class LogSumExp(ArrayFunction):
    backward_name = "LogsumexpBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        x = x if x.dtype.kind == "f" else x.astype(_dtype.get_default_dtype().numpy)
        peak = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros([1] * x.ndim, x.dtype)
        peak = np.where(np.isfinite(peak), peak, 0)  # all -inf rows: log(sum(exp)) = -inf, not nan
        out = np.log(np.sum(np.exp(x - peak), axis=axes, keepdims=True)) + peak
        out = out if keepdim else np.squeeze(out, axes)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return _keep(grad, ctx.axes, ctx.keepdim) * np.exp(x - _keep(out, ctx.axes, ctx.keepdim)), None, None


def _reduction_dtype(input: Tensor, dtype) -> np.dtype | None:
    if dtype is not None:
        return _dtype.to_dtype(dtype).numpy
    return np.int64 if not input.dtype.is_floating_point else None


@autocast_op
def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    check_tensor(input, "sum")
    return Sum.apply(input, wrap_dims(dim, input.ndim), keepdim, _reduction_dtype(input, dtype))


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    check_tensor(input, "mean")
    if dtype is None and not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {type_name(input.dtype)}"
        )
    return Mean.apply(input, wrap_dims(dim, input.ndim), keepdim, _reduction_dtype(input, dtype))


@autocast_op
def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    check_tensor(input, "prod")
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return Prod.apply(input.reshape(-1), 0, False)
    return Prod.apply(input, wrap_dim(dim, input.ndim), keepdim)


def _correction(unbiased, correction) -> float:
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _variance(input: Tensor, dim, unbiased, keepdim: bool, correction, function: type) -> Tensor:
    op = function.__name__.lower()
    check_tensor(input, op)
    if isinstance(dim, bool):  # legacy var(input, unbiased)
        dim, unbiased = None, dim
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes, correction = wrap_dims(dim, input.ndim), _correction(unbiased, correction)
    if math.prod(input.shape[a] for a in axes) - correction <= 0:
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return function.apply(input, axes, correction, keepdim)


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``), as PyTorch."""
    check_tensor(input, "var")
    return _variance(input, dim, unbiased, keepdim, correction, Var)


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    check_tensor(input, "std")
    return _variance(input, dim, unbiased, keepdim, correction, Std)


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> tuple:
    """(var, mean) over ``dim``, as the two ops would give them."""
    return var(input, dim, unbiased, keepdim, correction=correction), _mean_of(input, dim, keepdim)


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> tuple:
    """(std, mean) over ``dim``, as the two ops would give them."""
    return std(input, dim, unbiased, keepdim, correction=correction), _mean_of(input, dim, keepdim)


def _mean_of(input: Tensor, dim, keepdim: bool) -> Tensor:
    return mean(input, None if isinstance(dim, bool) else dim, keepdim)  # var's legacy (input, unbiased) form


def _check_extreme(input: Tensor, dim, axes: tuple, op: str) -> None:
    """PyTorch's errors for max/min/amax/amin over nothing: the extreme of no elements is undefined."""
    if input.numel() == 0 and (dim is None or dim == ()):
        raise RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    for axis in axes:
        if input.ndim and input.shape[axis] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {axis} to have non-zero size.")


def _max_or_min(input: Tensor, dim, keepdim: bool, other, op: str):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from .selection import maximum, minimum

        return (maximum if op == "max" else minimum)(input, other)
    if dim is None:
        _check_extreme(input, dim, (), op)
        return (MaxAll if op == "max" else MinAll).apply(input, tuple(range(input.ndim)), False)
    axis = wrap_dim(dim, input.ndim)
    _check_extreme(input, dim, (axis,), op)
    function, result = (MaxDim, return_types.max) if op == "max" else (MinDim, return_types.min)
    return result(*function.apply(input, axis, keepdim, np.argmax if op == "max" else np.argmin))


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """``max(input)``: the largest element; ``max(input, dim)``: (values, indices); ``max(a, b)``: maximum."""
    check_tensor(input, "max")
    return _max_or_min(input, dim, keepdim, other, "max")


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    check_tensor(input, "min")
    return _max_or_min(input, dim, keepdim, other, "min")


def _amax_or_amin(input: Tensor, dim, keepdim: bool, function: type, op: str) -> Tensor:
    axes = wrap_dims(dim, input.ndim) if input.ndim else ()  # a 0-d tensor accepts dim 0 and -1
    _check_extreme(input, dim, axes, op)
    return function.apply(input, axes, keepdim)


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """The largest element over ``dim`` (every dim when empty); unlike ``max(dim)``, no indices,
    several dims at once, and a gradient split evenly between tied elements."""
    check_tensor(input, "amax")
    return _amax_or_amin(input, dim, keepdim, Amax, "amax")


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    check_tensor(input, "amin")
    return _amax_or_amin(input, dim, keepdim, Amin, "amin")


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False):
    """(min, max) over ``dim`` (every dim by default), as ``amin`` and ``amax`` give them."""
    check_tensor(input, "aminmax")
    axes = wrap_dims(dim, input.ndim) if input.ndim else ()
    if input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    return return_types.aminmax(Amin.apply(input, axes, keepdim), Amax.apply(input, axes, keepdim))


@autocast_op
def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) along ``dim``, computed stably by subtracting the maximum first."""
    check_tensor(input, "logsumexp")
    return LogSumExp.apply(input, wrap_dims(dim, input.ndim), keepdim)


def _arg(input: Tensor, dim, keepdim: bool, fn) -> Tensor:
    if input.dtype.name == "bool":
        raise RuntimeError(f"{fn.__name__}(): does not support bool input")
    if input.numel() == 0:
        raise RuntimeError(f"{fn.__name__}(): Expected reduction dim to be specified for input.numel() == 0.")
    data = input._data
    if dim is None:
        out = as_array(fn(data.reshape(-1)))
        return Tensor._from_storage(out.reshape([1] * input.ndim) if keepdim else out, input.device)
    out = fn(data, axis=wrap_dim(dim, input.ndim), keepdims=keepdim) if data.ndim else as_array(0)
    return Tensor._from_storage(as_array(out, np.int64), input.device)


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    check_tensor(input, "argmax")
    return _arg(input, dim, keepdim, np.argmax)


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    check_tensor(input, "argmin")
    return _arg(input, dim, keepdim, np.argmin)


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    check_tensor(input, "all")
    axes = wrap_dims(dim, input.ndim)
    return Tensor._from_storage(as_array(np.all(input._data, axis=axes, keepdims=keepdim)), input.device)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    check_tensor(input, "any")
    axes = wrap_dims(dim, input.ndim)
    return Tensor._from_storage(as_array(np.any(input._data, axis=axes, keepdims=keepdim)), input.device)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    check_tensor(input, "count_nonzero")
    axes = wrap_dims(dim, input.ndim)
    return Tensor._from_storage(as_array(np.count_nonzero(input._data, axis=axes), np.int64), input.device)
