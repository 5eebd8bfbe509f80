"""Distances and similarities between vectors, built on ``vector_norm`` and the elementwise ops
(so their graphs and gradients are the ops' own, as in PyTorch):

    pairwise_distance(x1, x2) = ||x1 - x2 + eps||_p   over the last dim
    cosine_similarity(x1, x2) = sum (x1 / max(||x1||, eps)) * (x2 / max(||x2||, eps))   over ``dim``
    normalize(x)              = x / max(||x||_p, eps)                                 along ``dim``

cosine_similarity normalises each vector before the product (PyTorch's form): the result stays in
[-1, 1] and large norms cannot overflow. Its eps clamp happens outside autograd (the gradient is
that of x / ||x||); normalize's clamp is part of the graph (the gradient is 0 through a clamped norm).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.grad_mode import no_grad
from ._messages import check_tensor, type_name
from ._operands import check_broadcast
from .norms import vector_norm


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """p-norm of ``x1 - x2 + eps`` over the last dim: (*, D) and (*, D) (broadcast) -> (*)."""
    check_tensor(x1, "pairwise_distance", "x1", 1)
    check_tensor(x2, "pairwise_distance", "x2", 2)
    return vector_norm(x1 - x2 + eps, p, dim=max(x1.dim(), x2.dim()) - 1, keepdim=keepdim)


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    """||x|| along ``dim`` (kept), raised to at least eps outside autograd, on a copy so that the
    norm's own saved output stays intact."""
    norm = vector_norm(x, 2, dim=dim, keepdim=True).clone()
    with no_grad():
        norm.clamp_(min=eps)
    return norm


@autocast_op
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between x1 and x2 along ``dim`` (broadcast together): that dim removed."""
    check_tensor(x1, "cosine_similarity", "x1", 1)
    check_tensor(x2, "cosine_similarity", "x2", 2)
    common = _dtype.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {type_name(common)}")
    check_broadcast(x1, x2)
    shape = np.broadcast_shapes(x1.shape, x2.shape)
    x1, x2 = x1.to(common).expand(shape), x2.to(common).expand(shape)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``: every slice along dim gets norm 1 (or less)."""
    check_tensor(input, "normalize")
    if out is not None:
        check_tensor(out, "normalize", "out", 5)
    result = input / vector_norm(input, p, dim=dim, keepdim=True).clamp(min=eps).expand_as(input)
    return result if out is None else out.copy_(result)
