"""Diagonals: ``diagonal`` (a view), ``diag`` (vector <-> diagonal matrix), ``diag_embed`` (the
last dim onto the diagonal of two new dims), ``diagflat`` and ``trace``.

The k-th diagonal of a matrix holds x[i, i + k] (k > 0 above the main diagonal, k < 0 below).
Reading a diagonal and building a matrix from one are each other's gradient: the gradient of a
read diagonal is a zero matrix with the gradient written on that diagonal, and the gradient of
``diag(v, k)`` is the k-th diagonal of the output gradient. trace(X) = sum_i X[i, i], so
d trace / dX = the identity (m, n).
"""
from __future__ import annotations

import numpy as np

from .._device import as_array
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import _as_int, wrap_dim


def diagonal_view(x: np.ndarray, offset: int, axis1: int, axis2: int) -> np.ndarray:
    """A writable view of the ``offset`` diagonal of ``x`` over (axis1, axis2), shape: the other
    dims, then the diagonal's length (numpy's own ``np.diagonal`` view is read-only; a CudaArray's
    is writable, as all its views)."""
    if not isinstance(x, np.ndarray):
        return np.diagonal(x, offset, axis1, axis2)
    moved = np.moveaxis(x, (axis1, axis2), (-2, -1))
    corner = moved[..., max(-offset, 0):, max(offset, 0):]  # the diagonal now starts at [0, 0]
    length = min(corner.shape[-2], corner.shape[-1])
    return np.lib.stride_tricks.as_strided(
        corner, corner.shape[:-2] + (length,), corner.strides[:-2] + (corner.strides[-2] + corner.strides[-1],))


class Diagonal(ArrayFunction):
    is_view = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, offset, axis1, axis2):
        ctx.shape, ctx.where = x.shape, (offset, axis1, axis2)
        return diagonal_view(x, offset, axis1, axis2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalBackward.compute(grad, ctx.shape, *ctx.where), None, None, None


class DiagonalBackward(ArrayFunction):
    """The gradient of a read diagonal: zeros of the input's shape with ``grad`` on that diagonal.
    Linear in ``grad``: its own gradient reads the diagonal back."""

    backward_name = "DiagonalBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad, shape, offset, axis1, axis2):
        ctx.where = (offset, axis1, axis2)
        grad_x = np.zeros_like(grad, shape=shape)  # on grad's device
        diagonal_view(grad_x, offset, axis1, axis2)[...] = grad
        return grad_x

    @staticmethod
    def backward(ctx, grad_grad_x):
        return Diagonal.compute(grad_grad_x, *ctx.where), None, None, None, None


class DiagonalCopy(Diagonal):
    """``diag`` of a matrix: the diagonal as a new tensor (PyTorch's DiagonalBackward0_copy)."""

    backward_name = "DiagonalBackward0_copy"
    is_view = False

    @staticmethod
    def forward(ctx, x, offset, axis1, axis2):
        return Diagonal.forward(ctx, x, offset, axis1, axis2).copy()


class DiagEmbed(ArrayFunction):
    """The last dim of v (length n) on diagonal k of two new dims (axis1, axis2) of size n + |k|,
    zeros elsewhere (``diag`` of a vector: the (n + |k|, n + |k|) matrix)."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, v, offset, axis1, axis2):
        ctx.where = (offset, axis1, axis2)
        size = v.shape[-1] + abs(offset)
        out = np.zeros_like(v, shape=v.shape[:-1] + (size, size))
        diagonal_view(out, offset, out.ndim - 2, out.ndim - 1)[...] = v
        return np.moveaxis(out, (-2, -1), (axis1, axis2))

    @staticmethod
    def backward(ctx, grad):
        offset, axis1, axis2 = ctx.where
        return np.diagonal(grad, offset, axis1, axis2).copy(), None, None, None


class Trace(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return as_array(np.trace(x, dtype=None if x.dtype.kind == "f" else np.int64))

    @staticmethod
    def backward(ctx, grad):
        length = min(ctx.shape)
        return DiagonalBackward.compute(np.broadcast_to(grad, (length,)), ctx.shape, 0, 0, 1)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the ``offset`` diagonal over dims (dim1, dim2): those dims are removed and the
    diagonal becomes the last dim."""
    check_tensor(input, "diagonal")
    axis1, axis2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if axis1 == axis2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, _as_int(offset, "offset"), axis1, axis2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-D input (n,): the square matrix (n + |k|, n + |k|) with input on diagonal k, zeros
    elsewhere. 2-D input: its k-th diagonal as a new 1-D tensor."""
    check_tensor(input, "diag")
    offset = _as_int(diagonal, "diagonal")
    if input.ndim == 1:
        return DiagEmbed.apply(input, offset, 0, 1)
    if input.ndim == 2:
        return DiagonalCopy.apply(input, offset, 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The last dim of ``input`` (n) placed on the ``offset`` diagonal of two new dims (dim1, dim2
    of the output, size n + |offset|), zeros elsewhere."""
    check_tensor(input, "diag_embed")
    axis1, axis2 = wrap_dim(dim1, input.ndim + 1), wrap_dim(dim2, input.ndim + 1)
    if axis1 == axis2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagEmbed.apply(input, _as_int(offset, "offset"), axis1, axis2)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on the ``offset`` diagonal of a square matrix."""
    check_tensor(input, "diagflat")
    return DiagEmbed.apply(input.reshape(-1), _as_int(offset, "offset"), 0, 1)


@autocast_op
def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix (int64 for integer inputs; bool is refused, as in
    PyTorch)."""
    check_tensor(input, "trace")
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype.name == "bool":
        raise NotImplementedError(f"\"trace\" not implemented for '{type_name(input.dtype)}'")
    return Trace.apply(input)
