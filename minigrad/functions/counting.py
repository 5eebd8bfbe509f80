"""Counting values: ``bincount`` (a histogram of non-negative integers) and ``unique`` (the
distinct values, where each element went, and how often each occurs). Neither takes part in
autograd.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._messages import check_tensor, type_name
from ._operands import _as_int, wrap_dim


def _check_bincount(input: Tensor, weights: Tensor | None, minlength: int) -> None:
    if input.dtype.is_floating_point or input.dtype.name == "bool":
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{type_name(input.dtype)}\'')
    if input.ndim != 1 or (input.numel() and input._data.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """out[v] = how many elements of the 1-D non-negative integer ``input`` equal v (the sum of
    their ``weights`` when given), for v in [0, max(max(input) + 1, minlength)).

    Counts are int64; weighted sums keep float32 weights' dtype and are float64 otherwise, as
    in PyTorch.
    """
    check_tensor(input, "bincount")
    if weights is not None:
        check_tensor(weights, "bincount", "weights", 2)
    minlength = _as_int(minlength, "minlength")
    _check_bincount(input, weights, minlength)
    if weights is None:
        counts = np.bincount(input._data, minlength=minlength).astype(np.int64, copy=False)
    else:
        dtype = np.float32 if weights.dtype.name == "float32" else np.float64
        counts = np.bincount(input._data, weights._data, minlength).astype(dtype, copy=False)
    return Tensor._from_storage(counts, input.device)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None):
    """The distinct elements of ``input`` in ascending order (flattened; with ``dim``, the
    distinct slices along ``dim``).

    Also returns, on request, ``inverse`` (int64, input's shape — or (input.size(dim),) with
    ``dim``) with unique[inverse] == input, and ``counts`` (int64) of each distinct value. NaNs
    never equal each other, so each NaN is its own value, as in PyTorch. ``sorted=False``
    leaves the order to the implementation in PyTorch; here the result is always sorted.
    Returns a tensor, or a tuple when ``return_inverse`` or ``return_counts`` is set.
    """
    check_tensor(input, "unique")
    data = input._data
    if dim is not None:
        if input.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        axis = wrap_dim(dim, input.ndim)
        if data.size == 0 and data.shape[axis] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, axis=axis)
        inverse = inverse.reshape(-1)
    else:
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, equal_nan=False)
        inverse = inverse.reshape(data.shape)
    results = [values]
    if return_inverse:
        results.append(inverse.astype(np.int64, copy=False))
    if return_counts:
        results.append(counts.astype(np.int64, copy=False))
    tensors = tuple(Tensor._from_storage(r, input.device) for r in results)
    return tensors if len(tensors) > 1 else tensors[0]


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """Counts of the elements in ``bins`` equal bins over [min, max] (the data's range when both
    are 0; a one-value range widened by 1 each way), in input's dtype; elements outside are
    ignored, the last bin includes max."""
    check_tensor(input, "histc")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{type_name(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    data = input._data.reshape(-1)
    low, high = float(min), float(max)
    if low == high and data.size:
        low, high = float(np.min(data)), float(np.max(data))
    if not (np.isfinite(low) and np.isfinite(high)):
        shown = ["-nan" if np.isnan(v) else str(v) for v in (low, high)]  # as PyTorch's C++ prints them
        raise RuntimeError(f"torch.histc: range of [{shown[0]}, {shown[1]}] is not finite")
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    counts, _ = np.histogram(data, bins=bins, range=(low, high))
    return Tensor._from_storage(counts.astype(input._data.dtype), input.device)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None):
    """The elements (or slices along ``dim``) with each run of equal neighbours collapsed to one;
    optionally the run each element belongs to (``inverse``) and the run lengths (``counts``)."""
    check_tensor(input, "unique_consecutive")
    data = input._data.reshape(-1) if dim is None else np.moveaxis(input._data, wrap_dim(dim, input.ndim), 0)
    length = data.shape[0]
    # Array formulas only (no host lists), so that they run on either device: a run starts where an
    # element (slice) differs from the one before it; the first element starts one.
    slices = data.reshape(length, -1) if length else data.reshape(0, 0)
    changes = np.any(slices[1:] != slices[:-1], axis=1)
    starts_run = np.concatenate([np.ones_like(changes, shape=(1 if length else 0,)), changes])
    starts = np.flatnonzero(starts_run)
    values = data[starts]
    if dim is not None:
        values = np.moveaxis(values, 0, wrap_dim(dim, input.ndim)).copy()  # C-contiguous storage
    results = [values]
    if return_inverse:
        inverse = np.cumsum(starts_run, dtype=np.int64) - 1
        results.append(inverse.reshape(input.shape if dim is None else (-1,)))
    if return_counts:
        bounds = np.concatenate([starts, np.full_like(starts, length, shape=(1,))])
        results.append(bounds[1:] - bounds[:-1])
    tensors = tuple(Tensor._from_storage(r, input.device) for r in results)
    return tensors if len(tensors) > 1 else tensors[0]
