"""Matrix products: ``matmul`` / ``@`` (1-D, 2-D, batched, broadcast-batched), and ``linear``.

Products go to BLAS through numpy's ``@``. For C = A @ B the gradients are
dA = dC @ B^T and dB = A^T @ dC; a 1-D operand is treated as a row (left) or column (right)
vector, and gradients over broadcast batch dims are summed back by the engine.
"""
from __future__ import annotations

import numpy as np

from .._device import as_array, kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from .shape import expanded_shape
from ._messages import check_tensor


def _shape_text(shape) -> str:
    return "x".join(str(s) for s in shape)


def _check_matmul(a: Tensor, b: Tensor) -> None:
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    inner_a, inner_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if inner_a != inner_b:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
            )
        left = a.shape if a.ndim > 1 else (1, a.shape[0])
        right = b.shape if b.ndim > 1 else (b.shape[0], 1)
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(left[-2:])} and {_shape_text(right[-2:])})"
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a must match the size of tensor b at non-singleton batch dimensions: "
            f"got batch shapes {list(a.shape[:-2])} and {list(b.shape[:-2])}"
        ) from None
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name} != {b.dtype.name}"
        )


class MatMul(ArrayFunction):
    backward_name = "MmBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        ctx.a_vector, ctx.b_vector = a.ndim == 1, b.ndim == 1
        return as_array(a @ b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        # View vectors as matrices so one formula covers every case, then drop the added axes.
        if ctx.b_vector:
            grad = np.expand_dims(grad, -1)
        if ctx.a_vector:
            grad = np.expand_dims(grad, -2)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            b2 = b[:, None] if ctx.b_vector else b
            grad_a = grad @ np.swapaxes(b2, -1, -2)
            grad_a = grad_a.squeeze(-2) if ctx.a_vector else grad_a
        if ctx.needs_input_grad[1]:
            a2 = a[None, :] if ctx.a_vector else a
            grad_b = np.swapaxes(a2, -1, -2) @ grad
            grad_b = grad_b.squeeze(-1) if ctx.b_vector else grad_b
        return grad_a, grad_b


@autocast_op
def matmul(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "matmul")
    check_tensor(other, "matmul", "other", 2)
    _check_matmul(input, other)
    return MatMul.apply(input, other)


@autocast_op
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    check_tensor(input, "mm")
    check_tensor(mat2, "mm", "mat2", 2)
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return matmul(input, mat2)


@autocast_op
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    check_tensor(input, "bmm")
    check_tensor(mat2, "bmm", "mat2", 2)
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if input.ndim != 3 else "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, {input.shape[2]}] "
            f"but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return matmul(input, mat2)


@autocast_op
def dot(input: Tensor, other: Tensor) -> Tensor:
    check_tensor(input, "dot")
    check_tensor(other, "dot", "tensor", 2)
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)


@autocast_op
def mv(input: Tensor, vec: Tensor) -> Tensor:
    check_tensor(input, "mv")
    check_tensor(vec, "mv", "vec", 2)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {vec.ndim}")
    return matmul(input, vec)


class Linear(ArrayFunction):
    """y = x W^T + b, fused: one GEMM forward, two GEMMs and a column sum backward."""

    backward_name = "AddmmBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, weight if ctx.needs_input_grad[0] else None)
        out = kernel_module("gemm", ctx.device).matmul(x, weight.T)
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        gemm = kernel_module("gemm", ctx.device)
        grad_x = gemm.matmul(grad, weight) if ctx.needs_input_grad[0] else None
        grad_w = grad_b = None
        if ctx.needs_input_grad[1]:
            # Batch dims fold into the GEMM's inner dimension: dW = sum over rows of dy^T x.
            grad_w = gemm.matmul(grad.reshape(-1, grad.shape[-1]).T, x.reshape(-1, x.shape[-1]))
        if ctx.needs_input_grad[2]:
            grad_b = grad.reshape(-1, grad.shape[-1]).sum(0)
        return grad_x, grad_w, grad_b


@autocast_op
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` for input (*, in_features), weight (out_features, in_features)."""
    check_tensor(input, "linear")
    check_tensor(weight, "linear", "weight", 2)
    if bias is not None:
        check_tensor(bias, "linear", "bias", 3)
    shape, weight_shape = input._data.shape, weight._data.shape
    if not shape or shape[-1] != (weight_shape[-1] if weight_shape else 1):
        rows = int(np.prod(shape[:-1])) if shape else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{shape[-1] if shape else 1} and "
            f"{_shape_text(weight_shape[::-1])})"
        )
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {input.dtype.name.capitalize()} and "
                           f"{weight.dtype.name.capitalize()}")
    if len(weight_shape) == 1:
        out = matmul(input, weight)
        return out if bias is None else out + bias
    if bias is not None and bias._data.shape != weight_shape[:1]:  # PyTorch expands any other bias to the output
        expanded_shape(bias._data.shape, shape[:-1] + weight_shape[:1])
    return Linear.apply(input, weight, bias)

