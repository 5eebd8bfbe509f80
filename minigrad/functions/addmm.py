"""Fused scaled products plus a term: ``addmm`` (matrices) and ``baddbmm`` (batches of matrices).

    out = beta * input + alpha * (mat1 @ mat2)
    d input = beta * dout (summed over broadcast dims)    d mat1 = alpha * dout @ mat2^T
    d mat2  = alpha * mat1^T @ dout

``input`` broadcasts to the product's shape (n, p) or (b, n, p). With ``beta=0`` input is
ignored, so NaN or inf in it do not reach the output, as in PyTorch. For integer tensors alpha
and beta are cast to the integer type first (PyTorch truncates them too).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import wrap_dim
from .matmul import _check_matmul
from .shape import expand


class Addmm(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, input, mat1, mat2, beta, alpha):
        beta, alpha = input.dtype.type(beta), input.dtype.type(alpha)
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(mat1 if ctx.needs_input_grad[2] else None, mat2 if ctx.needs_input_grad[1] else None)
        out = mat1 @ mat2
        if alpha != 1:
            out *= alpha
        if beta != 0:
            out += input if beta == 1 else beta * input
        return out

    @staticmethod
    def backward(ctx, grad):
        mat1, mat2 = ctx.saved_tensors
        scaled = grad * ctx.alpha if ctx.alpha != 1 else grad
        return (grad * ctx.beta if ctx.needs_input_grad[0] else None,
                scaled @ np.swapaxes(mat2, -1, -2) if ctx.needs_input_grad[1] else None,
                np.swapaxes(mat1, -1, -2) @ scaled if ctx.needs_input_grad[2] else None, None, None)


class Baddbmm(Addmm):
    """The same math over a batch dim (PyTorch's BaddbmmBackward0)."""


@autocast_op
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2) for mat1 (n, m), mat2 (m, p); input broadcasts to (n, p)."""
    check_tensor(input, "addmm")
    check_tensor(mat1, "addmm", "mat1", 2)
    check_tensor(mat2, "addmm", "mat2", 3)
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t.ndim}-D tensor")
    for first in (mat1, input):
        if first.dtype != mat2.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {type_name(first.dtype)} and "
                               f"{type_name(mat2.dtype)}")
    _check_matmul(mat1, mat2)
    return Addmm.apply(expand(input, mat1.shape[0], mat2.shape[1]), mat1, mat2, beta, alpha)


@autocast_op
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (batch1 @ batch2) for batch1 (b, n, m), batch2 (b, m, p); input
    broadcasts to (b, n, p)."""
    check_tensor(input, "baddbmm")
    check_tensor(batch1, "baddbmm", "batch1", 2)
    check_tensor(batch2, "baddbmm", "batch2", 3)
    for t in (batch1, batch2):
        wrap_dim(2, t.ndim)  # PyTorch reads dim 2 of both first: IndexError for fewer than 3 dims
    if batch2.shape[:2] != (batch1.shape[0], batch1.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch1.shape[0]}, {batch1.shape[2]}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].")
    if batch1.dtype != batch2.dtype:
        raise RuntimeError(f"expected scalar type {type_name(batch1.dtype)} but found {type_name(batch2.dtype)}")
    if input.dtype != batch1.dtype:
        names = [type_name(t.dtype).lower() for t in (input, batch1, batch2)]
        raise RuntimeError(f"Input dtypes must be the same, got: input {names[0]}, batch1: {names[1]}, "
                           f"batch2: {names[2]}")
    shape = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    return Baddbmm.apply(expand(input, *shape), batch1, batch2, beta, alpha)
