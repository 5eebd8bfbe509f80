"""Finding positions: ``nonzero`` (where elements are non-zero) and ``searchsorted`` (where values
would go in sorted boundaries). Both return int64 indices and take no part in autograd.
"""
from __future__ import annotations

import numbers

import numpy as np

from .._device import as_array
from .._tensor import Tensor
from ._messages import check_tensor


def nonzero(input: Tensor, *, as_tuple: bool = False):
    """The indices of the non-zero elements, in row-major order.

    Returns an int64 tensor (z, input.ndim) with one row per non-zero element, or with
    ``as_tuple=True`` a tuple of input.ndim 1-D tensors of length z, one per dim (a 0-d input
    counts as 1-D there, as in PyTorch).
    """
    check_tensor(input, "nonzero")
    data = input._data
    if as_tuple:
        return tuple(Tensor._from_storage(i.astype(np.int64, copy=False), input.device)
                     for i in np.nonzero(np.atleast_1d(data)))
    return Tensor._from_storage(np.argwhere(data).astype(np.int64, copy=False), input.device)


def _searchsorted_error(message: str) -> RuntimeError:
    return RuntimeError(f"torch.searchsorted(): {message}")


def _search_side(right: bool, side: str | None) -> str:
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise _searchsorted_error(f"side can only be 'left' or 'right' but got {side}")
    if right and side == "left":
        raise _searchsorted_error("side and right can't be set to opposites, got side of left while right was True")
    return side


def _check_boundaries(boundaries: np.ndarray, values: np.ndarray, scalar: bool, sorter) -> None:
    if boundaries.ndim == 0:
        raise _searchsorted_error("boundaries tensor should have positive dimension, but got 0 dimension")
    if scalar and boundaries.ndim != 1:
        raise _searchsorted_error(
            "input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries "
            f"tensor dim({boundaries.ndim}) and input value's dim(0) numel(1)")
    if boundaries.ndim > 1 and boundaries.shape[:-1] != values.shape[:-1]:
        raise _searchsorted_error(
            "boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and "
            f"input value tensor must match, but we got boundaries tensor {list(boundaries.shape)} and input "
            f"value tensor {list(values.shape)}")
    if sorter is not None and sorter.shape != boundaries.shape:
        raise _searchsorted_error(
            f"boundary and sorter must have the same size, but got boundary tensor {list(boundaries.shape)}"
            f"and got sorter tensor {list(sorter.shape)}")


def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """For each value v, the index i into the innermost dim of ``sorted_sequence`` with
    seq[i-1] < v <= seq[i] (``side='left'``) or seq[i-1] <= v < seq[i] (``side='right'``).

    ``sorted_sequence`` is 1-D (shared by every value) or (*, m) with ``input`` (*, n): row r
    of the values searches row r of the boundaries. ``input`` may be a Python number when the
    boundaries are 1-D (then the result is 0-d). ``sorter`` gives the order of an unsorted
    sequence (``argsort`` indices); the results are positions in that sorted order.
    """
    check_tensor(sorted_sequence, "searchsorted", "sorted_sequence", 1)
    side = _search_side(right, side)
    scalar = isinstance(input, numbers.Number)
    boundaries = sorted_sequence._data
    values = as_array(input) if scalar else input._data
    order = None if sorter is None else sorter._data
    _check_boundaries(boundaries, values, scalar, order)
    if order is not None:
        boundaries = np.take_along_axis(boundaries, order, -1)
    if boundaries.ndim == 1:
        found = np.searchsorted(boundaries, values, side=side)
    else:  # one search per row of boundaries
        rows, values_rows = boundaries.reshape(-1, boundaries.shape[-1]), values.reshape(-1, values.shape[-1])
        found = [np.searchsorted(rows[r], values_rows[r], side=side) for r in range(rows.shape[0])]
        found = np.stack(found) if found else np.zeros_like(values, dtype=np.int64)
    dtype = np.int32 if out_int32 else np.int64
    return Tensor._from_storage(as_array(found, dtype).reshape(values.shape), sorted_sequence.device)
