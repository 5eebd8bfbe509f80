"""Triangular parts of matrices: ``tril``, ``triu``.

Over the last two dims (a batch of matrices (*, m, n)), ``tril`` keeps x[i, j] where
j - i <= diagonal and zeroes the rest; ``triu`` keeps j - i >= diagonal. Both are a fixed
mask, so the gradient is the output gradient under the same mask.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._operands import _as_int, check_tensor


class Tril(ArrayFunction):
    mask = staticmethod(np.tril)

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
