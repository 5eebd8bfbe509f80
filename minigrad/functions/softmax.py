"""softmax and log_softmax along a dim, through the fused kernels in ``kernels/softmax.py``."""
from __future__ import annotations

from .. import _dtype
from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._operands import check_tensor, wrap_dim


class Softmax(ArrayFunction):
    """softmax along ``dim``; the backward needs only the output: dx = y * (dy - sum(dy * y))."""
    computes_half_in_float32 = True

    forward_kernel, backward_kernel = "softmax_forward", "softmax_backward"

    @staticmethod
    def forward(ctx, x, dim):
        out = getattr(kernel_module("softmax", ctx.device), ctx.forward_kernel)(x, dim)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return getattr(kernel_module("softmax", ctx.device), ctx.backward_kernel)(grad, out, ctx.dim), None


class LogSoftmax(Softmax):
    """log_softmax along ``dim``; from the output y: dx = dy - exp(y) * sum(dy)."""

    forward_kernel, backward_kernel = "log_softmax_forward", "log_softmax_backward"


def _prepare(input: Tensor, dim, dtype) -> tuple:
    if dim is None:
        raise TypeError("softmax() missing required argument 'dim' (minigrad, like PyTorch >= 2, needs it)")
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        input = input.to(_dtype.get_default_dtype())
    return input, wrap_dim(dim, input.ndim)


def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim``, computed with the maximum subtracted."""
    check_tensor(input, "softmax")
    input, axis = _prepare(input, dim, dtype)
    return Softmax.apply(input, axis)


def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """x_i - logsumexp(x) along ``dim``: exact where log(softmax(x)) would underflow to -inf."""
    check_tensor(input, "log_softmax")
    input, axis = _prepare(input, dim, dtype)
    return LogSoftmax.apply(input, axis)
