"""softmax and log_softmax along a dim, through the fused kernels in ``kernels/softmax.py``."""
from __future__ import annotations

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import wrap_dim


class SoftmaxBackward(ArrayFunction):
    """Softmax's gradient from its output y, ``grad_x = y * (g - sum(g * y))`` along ``dim`` (the
    kernel), as an op (PyTorch's ``_softmax_backward_data``). g -> grad_x is self-adjoint, so, given
    u = dL/d grad_x, its derivatives are

        d/dg = y * (u - sum(u * y))                  (this op again)
        d/dy = u * (g - sum(g * y)) - g * sum(u * y)
    """

    backward_name = "SoftmaxBackwardDataBackward0"
    runs_on_cuda = True
    # The kernel of kernels/softmax.py that forward runs, picked from the device's module.
    kernel = staticmethod(lambda kernels: kernels.softmax_backward)

    @staticmethod
    def forward(ctx, grad, out, dim):
        ctx.save_for_backward(grad, out)
        ctx.dim = dim
        return ctx.kernel(kernel_module("softmax", ctx.device))(grad, out, dim)

    @staticmethod
    def backward(ctx, grad_grad_x):
        grad, out = ctx.saved_tensors
        axis = ctx.dim if out.ndim else None
        grad_out = (grad_grad_x * (grad - (grad * out).sum(axis=axis, keepdims=True))
                    - grad * (grad_grad_x * out).sum(axis=axis, keepdims=True))
        return SoftmaxBackward.compute(grad_grad_x, out, ctx.dim), grad_out, None


class LogSoftmaxBackward(SoftmaxBackward):
    """log_softmax's gradient from its output y, ``grad_x = g - exp(y) * sum(g)`` along ``dim``
    (the kernel), as an op (PyTorch's ``_log_softmax_backward_data``). Given u = dL/d grad_x:

        d/dg = u - sum(u * exp(y))        d/dy = -u * exp(y) * sum(g)
    """

    backward_name = "LogSoftmaxBackwardDataBackward0"
    kernel = staticmethod(lambda kernels: kernels.log_softmax_backward)

    @staticmethod
    def backward(ctx, grad_grad_x):
        grad, out = ctx.saved_tensors
        axis = ctx.dim if out.ndim else None
        probabilities = np.exp(out)
        grad_grad = grad_grad_x - (grad_grad_x * probabilities).sum(axis=axis, keepdims=True)
        grad_out = -grad_grad_x * probabilities * grad.sum(axis=axis, keepdims=True)
        return grad_grad, grad_out, None


class Softmax(ArrayFunction):
    """softmax along ``dim``; the backward needs only the output: dx = y * (dy - sum(dy * y))."""
    runs_on_cuda = True
    computes_half_in_float32 = True

    forward_kernel, backward_op = staticmethod(lambda kernels: kernels.softmax_forward), SoftmaxBackward

    @staticmethod
    def forward(ctx, x, dim):
        out = ctx.forward_kernel(kernel_module("softmax", ctx.device))(x, dim)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return ctx.backward_op.compute(grad, out, ctx.dim), None


class LogSoftmax(Softmax):
    """log_softmax along ``dim``; from the output y: dx = dy - exp(y) * sum(dy)."""

    forward_kernel, backward_op = staticmethod(lambda kernels: kernels.log_softmax_forward), LogSoftmaxBackward


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


@autocast_op
def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim``, computed with the maximum subtracted."""
    check_tensor(input, "softmax")
    input, axis = _prepare(input, dim, dtype, "softmax")
    return Softmax.apply(input, axis)


@autocast_op
def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """x_i - logsumexp(x) along ``dim``: exact where log(softmax(x)) would underflow to -inf."""
    check_tensor(input, "log_softmax")
    input, axis = _prepare(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, axis)
