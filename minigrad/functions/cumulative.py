"""Running sums and products along a dim: ``cumsum``, ``cumprod``.

    cumsum:  y_i = sum_{k<=i} x_k      dL/dx_i = sum_{j>=i} g_j                  (a reversed cumsum)
    cumprod: y_i = prod_{k<=i} x_k     dL/dx_i = sum_{j>=i} g_j prod_{k<=j, k!=i} x_k

Integer and bool inputs give int64, as in PyTorch; ``dtype=`` casts the input first.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._operands import check_tensor, wrap_dim
from .reduction import _reduction_dtype


def _reverse_cumsum(a: np.ndarray, axis: int) -> np.ndarray:
    """out_i = sum_{j>=i} a_j along ``axis``."""
    return np.flip(np.cumsum(np.flip(a, axis), axis), axis)


def _line(x: np.ndarray) -> np.ndarray:
    """A 0-d array as a line of one element (PyTorch scans a 0-d tensor along dim 0 or -1)."""
    return x.reshape(1) if x.ndim == 0 else x


class Cumsum(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis, dtype):
        ctx.axis = axis
        return np.cumsum(_line(x), axis, dtype=dtype).reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        return _reverse_cumsum(_line(grad), ctx.axis).reshape(grad.shape), None, None


class Cumprod(ArrayFunction):
    @staticmethod
    def forward(ctx, x, axis, dtype):
        line = _line(x)
        out = np.cumprod(line, axis, dtype=dtype)
        ctx.save_for_backward(line, out)
        ctx.axis, ctx.shape = axis, x.shape
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        grad = grad.reshape(x.shape)
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
    s = np.empty_like(grad)
    running = np.zeros_like(grad[0])
    for i in range(len(x) - 1, -1, -1):
        running = grad[i] + following[i] * running
        s[i] = running
    return np.moveaxis(before * s, 0, axis)


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """y_i = x_0 + ... + x_i along ``dim``; same shape as ``input``."""
    check_tensor(input, "cumsum")
    return Cumsum.apply(input, wrap_dim(dim, input.ndim), _reduction_dtype(input, dtype))


def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """y_i = x_0 * ... * x_i along ``dim``; same shape as ``input``."""
    check_tensor(input, "cumprod")
    return Cumprod.apply(input, wrap_dim(dim, input.ndim), _reduction_dtype(input, dtype))
