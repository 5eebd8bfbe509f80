"""softmax and log_softmax along a dim, through the fused kernels in ``kernels/softmax.py``."""
from __future__ import annotations

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._operands import check_tensor, type_name, wrap_dim


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


def _prepare(input: Tensor, dim, dtype, op: str) -> tuple:
    """``input`` cast to ``dtype`` and the axis; PyTorch's error for an integer or bool input."""
    if dim is None:
        raise TypeError("softmax() missing required argument 'dim' (minigrad, like PyTorch >= 2, needs it)")
    if dtype is not None:
        input = input.to(dtype)
    axis = wrap_dim(dim, input.ndim)
    if not input.dtype.is_floating_point:
        kernel = f"{op}_lastdim" if axis == max(input.ndim - 1, 0) else op
        raise NotImplementedError(f'"{kernel}_kernel_impl" not implemented for \'{type_name(input.dtype)}\'')
    return input, axis


def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim``, computed with the maximum subtracted."""
    check_tensor(input, "softmax")
    input, axis = _prepare(input, dim, dtype, "softmax")
    return Softmax.apply(input, axis)


def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """x_i - logsumexp(x) along ``dim``: exact where log(softmax(x)) would underflow to -inf."""
    check_tensor(input, "log_softmax")
    input, axis = _prepare(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, axis)
