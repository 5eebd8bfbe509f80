"""Order statistics: ``median``, ``nanmedian``, ``kthvalue``, ``mode``, ``quantile``,
``nanquantile``, ``msort``.

Each finds, per slice along ``dim``, *which* element it wants from a stable sort (NaN sorting
last, as ``sort``) and then reads it with ``gather``, so the gradient flows to the chosen
element through gather's backward; ``quantile`` mixes two neighbours of the sorted slice with
``lerp``-style weights, so both get their share. As in PyTorch:

- ``median`` is the lower median (element (n - 1) // 2 of the sorted slice); a NaN in the slice
  makes it NaN (the first NaN is chosen). ``nanmedian`` ignores NaNs. Without ``dim``, the
  median of all elements, whose gradient is shared by the elements equal to it;
- ``kthvalue(k)``: the k-th smallest (1-based); which of equal elements gives the index is left
  open, as by PyTorch (whose quickselect picks any);
- ``mode``: the most frequent value (the smallest of equally frequent ones) and its last index;
- ``quantile(q)``: position q (n - 1) in the sorted slice, between its two neighbours by
  ``interpolation`` ('linear', 'lower', 'higher', 'midpoint', 'nearest' — half to even).
"""
from __future__ import annotations

import numpy as np

from .._device import as_array, to_storage
from .. import return_types
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor
from ._operands import _as_int, wrap_dim
from .indexing import gather
from .sorting import sort, stable_order


def _slices(input: Tensor, dim):
    """(input with the reduced dim last, its numpy axis) — every dim, flattened, when ``dim`` is None."""
    if dim is None:
        return input.reshape(-1), 0
    return input, wrap_dim(dim, input.ndim) if input.ndim else 0


def _pick(input: Tensor, dim: int, keepdim: bool, position, result: type):
    """(values, indices): per slice along ``dim``, the element at sorted ``position(sorted
    values, nan count)``; values read with ``gather``."""
    data = input._data.reshape(1) if input.ndim == 0 else input._data
    axis = wrap_dim(dim, input.ndim) if input.ndim else 0
    order = stable_order(data, axis, descending=False)
    nans = np.sum(np.isnan(data), axis=axis, keepdims=True) if data.dtype.kind == "f" else np.zeros_like(
        data, np.int64, shape=[1 if d == axis else n for d, n in enumerate(data.shape)])  # on data's device
    chosen = np.take_along_axis(order, position(data.shape[axis], nans), axis).astype(np.int64)
    indices = Tensor._from_storage(chosen, input.device)
    values = gather(input.reshape(data.shape), axis, indices)
    if not keepdim or input.ndim == 0:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return result(values, indices)


class MedianAll(ArrayFunction):
    """The lower median of all elements (NaN if any); the gradient is shared evenly by the
    elements equal to it (NaN ones when it is NaN), as PyTorch."""

    backward_name = "MedianBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, ignore_nan):
        flat = np.sort(x.reshape(-1))  # NaN last
        valid = int(np.count_nonzero(~np.isnan(flat))) if flat.dtype.kind == "f" else flat.size
        count = valid if ignore_nan else flat.size
        if not flat.size or (valid < flat.size and not ignore_nan) or not count:
            out = np.full_like(x, np.nan, shape=())  # on x's device
        else:
            out = as_array(flat[(count - 1) // 2])
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        winners = (x == out) | (np.isnan(x) & np.isnan(out)) if x.dtype.kind == "f" else x == out
        return grad * winners / np.count_nonzero(winners), None


class NanmedianAll(MedianAll):
    backward_name = "NanmedianBackward0"


def _median(input: Tensor, dim, keepdim: bool, ignore_nan: bool, op: str):
    check_tensor(input, op)
    if dim is None:
        return (NanmedianAll if ignore_nan else MedianAll).apply(input, ignore_nan)
    if input.ndim and input.shape[wrap_dim(dim, input.ndim)] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {wrap_dim(dim, input.ndim)} to have non-zero size.")

    def position(length, nans):
        counted = length - nans if ignore_nan else np.full_like(nans, length)
        lower = np.maximum(counted - 1, 0) // 2
        return lower if ignore_nan else np.where(nans > 0, length - nans, lower)  # the first NaN

    return _pick(input, dim, keepdim, position, getattr(return_types, op))


def median(input: Tensor, dim: int | None = None, keepdim: bool = False):
    """The lower median of all elements, or (values, indices) along ``dim``."""
    return _median(input, dim, keepdim, False, "median")


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False):
    """``median`` ignoring NaNs (NaN only where a slice is all NaN)."""
    return _median(input, dim, keepdim, True, "nanmedian")


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """(values, indices) of the k-th smallest element (1-based) along ``dim``."""
    check_tensor(input, "kthvalue")
    k = _as_int(k, "k")
    axis = wrap_dim(dim, input.ndim) if input.ndim else 0
    if not 1 <= k <= (input.shape[axis] if input.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    return _pick(input, dim, keepdim, lambda length, nans: np.full_like(nans, k - 1), return_types.kthvalue)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """(values, indices): the most frequent value along ``dim`` (the smallest of equally
    frequent ones) and the index of its last occurrence. NaNs never equal each other, so each
    counts once, as in PyTorch's count (whose order among NaNs is unspecified).

    Per line, array formulas only (so either device runs them, with no loop over lines): the
    stable sort puts each value's occurrences in one run, in input order; a run's length is read
    at its last element, the first longest run (``argmax``) is the smallest most frequent value,
    and its last element holds the largest original index.
    """
    check_tensor(input, "mode")
    data = input._data.reshape(1) if input.ndim == 0 else input._data
    axis = wrap_dim(dim, input.ndim) if input.ndim else 0
    if data.shape[axis] == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    lines = np.moveaxis(data, axis, -1)  # (..., N)
    order = stable_order(lines, -1, descending=False)
    keys = np.take_along_axis(lines, order, -1)
    different = keys[..., 1:] != keys[..., :-1]  # True between two NaNs: each NaN is a run of its own
    edge = np.ones_like(different, shape=different.shape[:-1] + (1,))  # the ends of a line end runs
    starts_run, ends_run = np.concatenate([edge, different], -1), np.concatenate([different, edge], -1)
    position = np.cumsum(np.ones_like(order), -1) - 1  # 0 .. N-1 along each line
    run_start = np.maximum.accumulate(np.where(starts_run, position, 0), -1)
    run_length = np.where(ends_run, position - run_start + 1, 0)
    last = np.take_along_axis(order, np.argmax(run_length, -1)[..., None], -1)  # (..., 1)
    indices = Tensor._from_storage(np.moveaxis(last, -1, axis), input.device)
    values = gather(input.reshape(data.shape), axis, indices)
    if not keepdim or input.ndim == 0:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return return_types.mode(values, indices)


def msort(input: Tensor) -> Tensor:
    """The values sorted along dim 0."""
    check_tensor(input, "msort")
    return sort(input, 0).values


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input: Tensor, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    op = "nanquantile" if ignore_nan else "quantile"
    check_tensor(input, op)
    if input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    q_values = q._data if isinstance(q, Tensor) else to_storage(np.asarray(q, np.float64), input.device)
    if isinstance(q, Tensor) and q.dtype != input.dtype:
        raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
    if q_values.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    if q_values.size and (q_values.min() < 0 or q_values.max() > 1):
        if isinstance(q, Tensor):
            raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
        raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {q_values.item():g}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got "
                           f"{interpolation}")
    x, axis = _slices(input, dim)
    if x.ndim == 0:
        x, axis = x.reshape(1), 0
    data = np.moveaxis(x._data, axis, -1)
    length = data.shape[-1]
    nans = np.sum(np.isnan(data), axis=-1, keepdims=True)
    counted = length - nans if ignore_nan else np.full_like(nans, length)
    position = np.reshape(q_values, (1,) * (data.ndim - 1) + (-1,)) * (counted - 1)
    lower, upper = np.floor(position), np.ceil(position)
    # A slice with no value to read gives NaN: quantile's trailing NaN, nanquantile's first one
    # (an all-NaN slice), where PyTorch sends the gradient too.
    no_value = (counted == 0) | ((nans > 0) & (not ignore_nan))
    nan_position = 0 if ignore_nan else length - 1
    lower, upper = (np.where(no_value, nan_position, i).astype(np.int64) for i in (lower, upper))
    fraction = position - np.floor(position)
    if interpolation == "nearest":
        lower = upper = np.where(no_value, nan_position, np.round(position)).astype(np.int64)
    sorted_x = sort(x.movedim(axis, -1), -1).values
    low, high = gather(sorted_x, -1, _tensor(lower, x)), gather(sorted_x, -1, _tensor(upper, x))
    if interpolation == "lower" or interpolation == "nearest":
        out = low
    elif interpolation == "higher":
        out = high
    else:
        weight = _tensor(np.full_like(fraction, 0.5) if interpolation == "midpoint" else fraction, x).to(x.dtype)
        out = low + (high - low) * weight
    out = out.movedim(-1, 0)  # (q, *reduced shape)
    if keepdim:
        out = out.reshape(out.shape[:1] + tuple(_keep_shape(input, dim)))
    if q_values.ndim == 0:
        out = out.squeeze(0)
    return out


def _tensor(array: np.ndarray, like: Tensor) -> Tensor:
    return Tensor._from_storage(array, like.device)


def _keep_shape(input: Tensor, dim) -> list:
    """input's shape with the reduced dims (all, for ``dim=None``) kept as 1."""
    if dim is None:
        return [1] * input.ndim
    axis = wrap_dim(dim, input.ndim) if input.ndim else 0
    return [1 if d == axis else n for d, n in enumerate(input.shape)]


@autocast_op
def quantile(input: Tensor, q, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles (a number or a 1-D tensor, in [0, 1]) along ``dim`` (all elements when
    None); a 1-D ``q`` adds a leading dim of its length. NaN in a slice gives NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


@autocast_op
def nanquantile(input: Tensor, q, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` ignoring NaNs (NaN only where a slice is all NaN)."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)
