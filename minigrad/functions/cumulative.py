"""Running reductions along a dim: ``cumsum``, ``cumprod``, ``logcumsumexp``, ``cummax``,
``cummin``, and their inverse, the differences ``diff``.

    cumsum:  y_i = sum_{k<=i} x_k      dL/dx_i = sum_{j>=i} g_j                  (a reversed cumsum)
    cumprod: y_i = prod_{k<=i} x_k     dL/dx_i = sum_{j>=i} g_j prod_{k<=j, k!=i} x_k
    logcumsumexp: y_i = log sum_{k<=i} e^x_k     dL/dx_i = sum_{j>=i} g_j e^(x_i - y_j)
    cummax:  y_i = max_{k<=i} x_k, and the index of the last maximum; the gradient goes there
    diff:    y_i = x_{i+1} - x_i (n times)
    trapezoid: sum_i (x_{i+1} - x_i) (y_i + y_{i+1}) / 2; cumulative_trapezoid: its running sums

Integer and bool inputs give int64 for cumsum / cumprod, as in PyTorch; ``dtype=`` casts the input
first.
"""
from __future__ import annotations

import numpy as np

from .. import return_types
from .._device import storage_device, to_storage
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, check_tensor_sequence, type_name
from ._operands import wrap_dim
from .reduction import _reduction_dtype


def _reverse_cumsum(a: np.ndarray, axis: int) -> np.ndarray:
    """out_i = sum_{j>=i} a_j along ``axis``."""
    return np.flip(np.cumsum(np.flip(a, axis), axis), axis)


def _line(x: np.ndarray) -> np.ndarray:
    """A 0-d array as a line of one element (PyTorch scans a 0-d tensor along dim 0 or -1)."""
    return x.reshape(1) if x.ndim == 0 else x


class Cumsum(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis, dtype):
        ctx.axis = axis
        return np.cumsum(_line(x), axis, dtype=dtype).reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        return _reverse_cumsum(_line(grad), ctx.axis).reshape(grad.shape), None, None


class Cumprod(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis, dtype):
        out = np.cumprod(_line(x), axis, dtype=dtype).reshape(x.shape)
        ctx.save_for_backward(x, out)
        ctx.axis, ctx.shape = axis, x.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out, grad = (_line(a) for a in ctx.saved_tensors + (grad,))
        if np.all(x != 0):
            # prod_{k<=j, k!=i} x_k = y_j / x_i.
            grad_x = _reverse_cumsum(grad * out, ctx.axis) / x
        else:
            grad_x = _cumprod_grad_with_zeros(x, out, grad, ctx.axis)
        return grad_x.reshape(ctx.shape), None, None


def _cumprod_grad_with_zeros(x: np.ndarray, out: np.ndarray, grad: np.ndarray, axis: int) -> np.ndarray:
    """dL/dx_i without dividing by x_i: (prod_{k<i} x_k) * s_i, where
    s_i = sum_{j>=i} g_j prod_{i<k<=j} x_k runs backwards as s_i = g_i + x_{i+1} s_{i+1}
    (one vectorized step per position along ``axis``)."""
    x, out, grad = (np.moveaxis(a, axis, 0) for a in (x, out, grad))
    before = np.concatenate([np.ones_like(out[:1]), out[:-1]])  # prod_{k<i} x_k
    following = np.concatenate([x[1:], np.ones_like(x[:1])])    # x_{i+1} (unused for the last i)
    s = []  # s_i for i = n-1 down to 0
    running = np.zeros_like(grad[0])
    for i in range(len(x) - 1, -1, -1):
        running = grad[i] + following[i] * running
        s.append(running)
    return np.moveaxis(before * np.stack(s[::-1]), 0, axis)


@autocast_op
def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """y_i = x_0 + ... + x_i along ``dim``; same shape as ``input``."""
    check_tensor(input, "cumsum")
    return Cumsum.apply(input, wrap_dim(dim, input.ndim), _reduction_dtype(input, dtype))


@autocast_op
def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """y_i = x_0 * ... * x_i along ``dim``; same shape as ``input``."""
    check_tensor(input, "cumprod")
    return Cumprod.apply(input, wrap_dim(dim, input.ndim), _reduction_dtype(input, dtype))


class LogCumSumExp(ArrayFunction):
    """log(cumsum(exp(x))) as numpy's exact running logaddexp. Backward is PyTorch's: the sum over
    j >= i of g_j e^(x_i - y_j), split into positive and negative g so each part is a reversed
    logcumsumexp of log|g| - y (never overflowing)."""

    backward_name = "LogcumsumexpBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis):
        out = np.logaddexp.accumulate(_line(x), axis=axis).reshape(x.shape)
        ctx.save_for_backward(x, out)
        ctx.axis, ctx.shape = axis, x.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out, grad = (_line(a) for a in (*ctx.saved_tensors, grad))
        axis = ctx.axis
        lowest = np.finfo(grad.dtype).min

        def reversed_logcumsumexp(a):
            return np.flip(np.logaddexp.accumulate(np.flip(a, axis), axis=axis), axis)

        log_magnitude = np.log(np.abs(grad))
        positive = np.exp(reversed_logcumsumexp(np.where(grad > 0, log_magnitude, lowest) - out) + x)
        negative = np.exp(reversed_logcumsumexp(np.where(grad < 0, log_magnitude, lowest) - out) + x)
        return (positive - negative).reshape(ctx.shape), None


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """y_i = log(exp(x_0) + ... + exp(x_i)) along ``dim``, without overflow."""
    check_tensor(input, "logcumsumexp")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{type_name(input.dtype)}\'')
    return LogCumSumExp.apply(input, wrap_dim(dim, input.ndim))


def _running_extreme_indices(x: np.ndarray, axis: int, running: np.ufunc) -> np.ndarray:
    """For each i, the index of the last j <= i holding the running extreme; PyTorch counts a nan
    as a new extreme each time one comes."""
    values = running.accumulate(x, axis=axis)
    holds = x == values  # x_j equals the extreme so far: the extreme's latest position
    if x.dtype.kind == "f":
        holds |= np.isnan(x)
    positions = to_storage(np.arange(x.shape[axis]).reshape([-1 if d == axis else 1 for d in range(x.ndim)]),
                           storage_device((x,)))  # on x's device
    return np.maximum.accumulate(np.where(holds, positions, 0), axis=axis)


def _cumulative_extreme(input: Tensor, dim: int, running: np.ufunc, op: str):
    from .indexing import gather

    check_tensor(input, op)
    axis = wrap_dim(dim, input.ndim)
    line = _line(input._data)
    indices = Tensor._from_storage(_running_extreme_indices(line, axis, running).reshape(input.shape), input.device)
    values = gather(input.reshape(line.shape), axis, indices.reshape(line.shape)).reshape(input.shape)
    return getattr(return_types, op)(values, indices)


def cummax(input: Tensor, dim: int):
    """(values, indices): y_i = max(x_0, ..., x_i) along ``dim`` and where it is (the last of
    equal maxima; nan counts as the maximum); the gradient flows to that element."""
    return _cumulative_extreme(input, dim, np.maximum, "cummax")


def cummin(input: Tensor, dim: int):
    return _cumulative_extreme(input, dim, np.minimum, "cummin")


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """x_{i+1} - x_i along ``dim``, ``n`` times, after joining ``prepend`` before and ``append``
    after the input (logical xor for bools, as PyTorch)."""
    from .comparison import logical_xor
    from .shape import cat, narrow

    check_tensor(input, "diff")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    axis = wrap_dim(dim, input.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    for t in check_tensor_sequence(parts, "diff"):
        if t.ndim != input.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    out = cat(parts, axis) if len(parts) > 1 else input
    for _ in range(n):
        length = out.shape[axis]
        if length == 0:
            break
        later, earlier = narrow(out, axis, 1, length - 1), narrow(out, axis, 0, length - 1)
        out = logical_xor(later, earlier) if out.dtype.name == "bool" else later - earlier
    return out


def _trapezoids(y: Tensor, x: Tensor | None, dx, dim: int, op: str) -> Tensor:
    """The areas (x_{i+1} - x_i)(y_i + y_{i+1}) / 2 along ``dim`` (spacing ``dx``, 1 by default)."""
    from .arithmetic import mul
    from .shape import narrow

    check_tensor(y, op)
    axis = wrap_dim(dim, y.ndim)
    length = y.shape[axis]
    if length == 0:
        return mul(narrow(y, axis, 0, 0), 1.0)
    heights = narrow(y, axis, 1, length - 1) + narrow(y, axis, 0, length - 1)
    if x is None:
        return mul(heights, (1 if dx is None else dx) / 2)
    check_tensor(x, op, "x", 2)
    spacing_axis = wrap_dim(dim, x.ndim) if x.ndim > 1 else 0
    if x.shape[spacing_axis] != length:
        raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
    spacing = diff(x, dim=spacing_axis)
    if x.ndim == 1 and y.ndim > 1:  # a 1-D x runs along dim
        spacing = spacing.reshape([-1 if d == axis else 1 for d in range(y.ndim)])
    return mul(heights, spacing) / 2


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: sample points ``x`` (or equal spacing ``dx``)."""
    from .reduction import sum as total

    areas = _trapezoids(y, x, dx, dim, "trapezoid")
    return total(areas, wrap_dim(dim, y.ndim))


trapz = trapezoid


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one element fewer than ``y``)."""
    areas = _trapezoids(y, x, dx, dim, "cumulative_trapezoid")
    return cumsum(areas, wrap_dim(dim, y.ndim))
