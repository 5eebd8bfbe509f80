"""Vector norms and pairwise distances: ``linalg.vector_norm``, ``norm``, ``cdist``.

    ||x||_p = (sum_i |x_i|^p)^(1/p)     d/dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1)
    p = inf: max |x_i|, -inf: min |x_i| (the gradient split evenly between tied elements)
    p = 0: the number of non-zero elements (gradient 0)

Where x_i = 0 the gradient is 0, also for p < 1 where the formula has 0 * inf, as in PyTorch.
cdist(x1, x2)[i, j] = ||x1[i] - x2[j]||_p, so its gradient is the norm's gradient with respect
to each difference, summed over the rows it pairs with. float16 is computed in float32.
"""
from __future__ import annotations

import math
import numbers
from types import SimpleNamespace

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import check_broadcast, wrap_dims


def _norm(x: np.ndarray, p: float, axes: tuple, keepdim: bool) -> np.ndarray:
    magnitude = np.abs(x)
    if p == math.inf:
        return np.max(magnitude, axis=axes, keepdims=keepdim, initial=0)  # |x| >= 0: 0 is the identity
    if p == -math.inf:
        return np.min(magnitude, axis=axes, keepdims=keepdim)
    if p == 0:
        return np.count_nonzero(magnitude, axis=axes, keepdims=keepdim).astype(x.dtype)
    if p == 1:
        return np.sum(magnitude, axis=axes, keepdims=keepdim)
    # Powers overflow to inf as in PyTorch (which also sums in the input's dtype); a negative p over
    # a zero element gives 0^p = inf and so the norm 0.
    if p == 2:
        return np.sqrt(np.sum(np.square(magnitude), axis=axes, keepdims=keepdim))
    return np.sum(magnitude ** p, axis=axes, keepdims=keepdim) ** (1 / p)


def _norm_grad(x: np.ndarray, norm: np.ndarray, grad: np.ndarray, p: float, axes: tuple) -> np.ndarray:
    """grad * d||x||_p / dx, for ``norm`` and ``grad`` with the reduced ``axes`` kept (size 1)."""
    if p == 0:
        return np.zeros_like(x)
    if p in (math.inf, -math.inf):
        winners = np.abs(x) == norm
        return grad * np.sign(x) * winners / np.count_nonzero(winners, axis=axes, keepdims=True)
    if p == 1:
        return grad * np.sign(x)
    slope = x / norm if p == 2 else np.sign(x) * (np.abs(x) / norm) ** (p - 1)
    return np.where(x == 0, 0, grad * slope)


class VectorNorm(ArrayFunction):
    backward_name = "LinalgVectorNormBackward0"
    computes_half_in_float32 = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        out = _norm(x, p, axes, keepdim).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            out, grad = np.expand_dims(out, ctx.axes), np.expand_dims(grad, ctx.axes)
        return _norm_grad(x, out, grad, ctx.p, ctx.axes), None, None, None


def _ord_text(p: float) -> str:
    return f"{p:g}"


def _check_vector_norm(input: Tensor, p, axes: tuple, dim, dtype) -> None:
    if not isinstance(p, numbers.Real):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(p).__name__}")
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {type_name(input.dtype)}")
    if dtype is not None:
        if not dtype.is_floating_point:
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                               f"{type_name(dtype)}")
        if dtype.itemsize < input.dtype.itemsize:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({type_name(input.dtype)}) should be "
                               f"convertible without narrowing to the specified dtype ({type_name(dtype)})")
    if p < 0 or p == math.inf:  # max, min and negative powers have no value over nothing
        if dim is None and input.numel() == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_text(p)} norm on an empty tensor "
                               "because the operation does not have an identity")
        for axis in axes:
            if input.ndim and input.shape[axis] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_text(p)} norm on the dimension "
                                   f"{axis}because this dimension is empty and the operation does not have an "
                                   "identity")


@autocast_op
def vector_norm(x: Tensor, ord: float = 2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A002
    """The ``ord``-norm of ``x`` over ``dim`` (an int, a tuple, or None for every element),
    as ``torch.linalg.vector_norm``. ``dtype`` casts ``x`` first (it may only widen)."""
    check_tensor(x, "vector_norm", "x", 1)
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    axes = wrap_dims(dim, x.ndim) if x.ndim else ()
    _check_vector_norm(x, ord, axes, dim, dtype)
    if dtype is not None and dtype != x.dtype:
        x = x.to(dtype)
    return VectorNorm.apply(x, float(ord), axes, keepdim)


@autocast_op
def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """``torch.norm``: a vector norm over ``dim``. ``p`` is a number, None (2) or 'fro' (the
    2-norm over at most two dims). The nuclear norm ('nuc') is not implemented."""
    check_tensor(input, "norm")
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":
            raise NotImplementedError("minigrad does not implement the nuclear norm (p='nuc')")
        if p != "fro":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


class Cdist(ArrayFunction):
    computes_half_in_float32 = True
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x1, x2, p):
        out = _norm(x1[..., :, None, :] - x2[..., None, :, :], p, (-1,), False)
        ctx.save_for_backward(x1, x2, out)
        ctx.p = p
        return out.astype(x1.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x1, x2, out = ctx.saved_tensors
        difference = x1[..., :, None, :] - x2[..., None, :, :]  # (*, P, R, M), recomputed, not kept
        grad_difference = _norm_grad(difference, out[..., None], grad[..., None], ctx.p, (-1,))
        return (grad_difference.sum(-2) if ctx.needs_input_grad[0] else None,
                -grad_difference.sum(-3) if ctx.needs_input_grad[1] else None, None)


_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


@autocast_op
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of input - other (broadcast)."""
    check_tensor(input, "dist")
    check_tensor(other, "dist", "other", 2)
    return vector_norm(input - other, p)


def _check_cdist(x1: Tensor, x2: Tensor, p: float, compute_mode: str) -> None:
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
        if not t.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {type_name(t.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {type_name(x1.dtype)} but found {type_name(x2.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    check_broadcast(SimpleNamespace(shape=x1.shape[:-2]), SimpleNamespace(shape=x2.shape[:-2]))  # batch dims


@autocast_op
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p for x1 (*, P, M), x2 (*, R, M) ->
    (*, P, R), batch dims broadcast.

    Distances are always computed from the differences (PyTorch may use a faster, less exact
    matrix-product form for p = 2, chosen by ``compute_mode``; here the mode is only checked).
    Memory: a (*, P, R, M) temporary.
    """
    check_tensor(x1, "cdist", "x1", 1)
    check_tensor(x2, "cdist", "x2", 2)
    _check_cdist(x1, x2, p, compute_mode)
    return Cdist.apply(x1, x2, float(p))
