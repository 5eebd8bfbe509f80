"""Triangular parts of matrices: ``tril``, ``triu``, and the indices of those parts, ``tril_indices``
and ``triu_indices``.

Over the last two dims (a batch of matrices (*, m, n)), ``tril`` keeps x[i, j] where
j - i <= diagonal and zeroes the rest; ``triu`` keeps j - i >= diagonal. Both are a fixed
mask, so the gradient is the output gradient under the same mask.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor
from ._operands import _as_int


class Tril(ArrayFunction):
    mask = staticmethod(np.tril)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, diagonal):
        ctx.diagonal = diagonal
        return ctx.mask(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return ctx.mask(grad, ctx.diagonal), None


class Triu(Tril):
    mask = staticmethod(np.triu)


def _check_matrix(input: Tensor, op: str) -> None:
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of each matrix (*, m, n): x[i, j] where j - i <= ``diagonal``, else 0."""
    check_tensor(input, "tril")
    _check_matrix(input, "tril")
    return Tril.apply(input, _as_int(diagonal, "diagonal"))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of each matrix (*, m, n): x[i, j] where j - i >= ``diagonal``, else 0."""
    check_tensor(input, "triu")
    _check_matrix(input, "triu")
    return Triu.apply(input, _as_int(diagonal, "diagonal"))


def _triangle_indices(row: int, col: int, offset: int, dtype, device, numpy_indices) -> Tensor:
    from .. import _creation, _dtype

    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows, columns = numpy_indices(row, offset, col)
    return _creation.tensor(np.stack([rows, columns]).astype(np.int64).reshape(2, -1),
                            dtype=dtype if dtype is not None else _dtype.int64, device=device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None) -> Tensor:
    """The (row, column) indices of the lower triangle of a row x col matrix (j - i <= offset),
    as a (2, N) tensor in row-major order."""
    return _triangle_indices(row, col, offset, dtype, device, np.tril_indices)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None) -> Tensor:
    """The (row, column) indices of the upper triangle (j - i >= offset), as a (2, N) tensor."""
    return _triangle_indices(row, col, offset, dtype, device, np.triu_indices)
