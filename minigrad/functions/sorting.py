"""Sorting along a dim: ``sort``, ``argsort``, ``topk``.

``sort`` returns (values, indices) with values = gather(input, dim, indices). The values' gradient
goes back through the same indices — grad_input[..., indices[..., j], ...] = grad_values[..., j, ...]
— and the indices along a dim are distinct, so it is a plain scatter. ``topk`` keeps the first k
of that order (descending for the largest), so its gradient is the same scatter over k indices.

Order: NaN is larger than every number (last ascending, first descending), as in PyTorch. The
order is always stable (equal elements keep their input order); PyTorch promises that only with
``stable=True`` and otherwise leaves ties in an unspecified order.
"""
from __future__ import annotations

import numpy as np

from .. import return_types
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from .indexing import PutAlongAxis
from ._messages import check_tensor
from ._operands import _as_int, wrap_dim


def stable_order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Indices that sort ``x`` along ``axis``, ties in input order either way.

    Descending: sort the reversed array ascending, reverse that order and map the positions back
    (i -> n - 1 - i), which puts NaN first and keeps equal elements in input order — negating the
    values would do neither (and cannot be done to bools or the smallest integer).
    """
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    reversed_order = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return x.shape[axis] - 1 - np.flip(reversed_order, axis)


class Sort(ArrayFunction):
    """(values, indices) of the first ``k`` elements of ``x`` in sorted order along ``axis``."""

    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axis, descending, k):
        ctx.shape, ctx.axis = x.shape, axis
        if x.ndim == 0:  # a 0-d tensor is its own sorted order
            ctx.save_for_backward(None)
            return x.copy(), np.zeros_like(x, np.int64)
        indices = stable_order(x, axis, descending)
        indices = indices[(slice(None),) * axis + (slice(0, k),)]
        if not indices.flags.c_contiguous:  # (np.ascontiguousarray, which CUDA arrays cannot override)
            indices = indices.copy()
        ctx.save_for_backward(indices)
        return np.take_along_axis(x, indices, axis), indices.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        (indices,) = ctx.saved_tensors
        if indices is None:
            return grad, None, None, None
        return PutAlongAxis.compute(grad, ctx.shape, indices, ctx.axis), None, None, None


class StableSort(Sort):
    """Sort called with ``stable=`` (PyTorch's sort.stable overload: SortBackward1)."""

    backward_name = "SortBackward1"


class Topk(Sort):
    """Sort under PyTorch's grad_fn name for topk (TopkBackward0)."""


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = None):
    """(values, indices) with values sorted along ``dim``; input.gather(dim, indices) == values."""
    check_tensor(input, "sort")
    function = Sort if stable is None else StableSort
    values, indices = function.apply(input, wrap_dim(dim, input.ndim), descending, None)
    return return_types.sort(values, indices)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """The int64 indices that sort ``input`` along ``dim`` (``sort(...).indices``, without autograd)."""
    check_tensor(input, "argsort")
    if input.ndim == 0:
        return Tensor._from_storage(np.zeros_like(input._data, np.int64), input.device)
    order = stable_order(input._data, wrap_dim(dim, input.ndim), descending)
    return Tensor._from_storage(order.astype(np.int64, copy=False), input.device)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices, largest first
    (smallest first for ``largest=False``). Output shape: input's with size k along ``dim``.

    ``sorted=False`` lets PyTorch return them in any order; here they always come sorted.
    """
    check_tensor(input, "topk")
    if input.dtype.name == "bool":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    k = _as_int(k, "k")
    axis = wrap_dim(dim, input.ndim)
    if not 0 <= k <= (input.shape[axis] if input.ndim else 1):
        raise RuntimeError("selected index k out of range")
    values, indices = Topk.apply(input, axis, largest, k)
    return return_types.topk(values, indices)
