"""Counting values on CUDA: ``np.bincount`` and ``np.histogram`` (equal bins) on CudaArrays.

CPU sibling: numpy's ``bincount`` and ``histogram`` (``torch.bincount`` and ``torch.histc`` call
them: minigrad/functions/counting.py). No kernel of its own: both are an accumulation of ones (or
weights) into bins, ``np.add.at(counts, bin_of_each_element, 1)``, which is the atomic add of
advanced_indexing.py (several elements may fall into one bin, so a gather is impossible).

A histogram's bin of x in [low, high] with ``B`` equal bins follows numpy's formula and its
corrections for rounding, so that elements on a computed edge land where numpy puts them:

    i = int((x - low) / (high - low) * B);   i = B - 1 where i == B (x == high is in the last bin)
    i -= 1 where x < edges[i];   i += 1 where x >= edges[i + 1] and i != B - 1

with ``edges = linspace(low, high, B + 1)`` in the data's float type. The output sizes (the largest
value for bincount, the elements inside the range for histogram) are read on the host once.
"""
from __future__ import annotations

import numpy as np

from .array import CudaArray


def bincount(x: CudaArray, weights: CudaArray | None = None, minlength: int = 0) -> CudaArray:
    """``np.bincount``: out[v] = the count (or weight sum, float64) of the values v of the 1-D
    non-negative integer ``x``, for v < max(max(x) + 1, minlength)."""
    if x.ndim != 1 or x.dtype.kind not in "iub":
        raise ValueError(f"bincount needs a 1-D array of non-negative integers, got {x.ndim}-D {x.dtype}")
    if x.size and int(x.min().item()) < 0:
        raise ValueError("'list' argument must have no negative elements")
    length = max(int(x.max().item()) + 1 if x.size else 0, minlength)
    counts = CudaArray.zeros((length,), np.int64 if weights is None else np.float64)
    if x.size:
        np.add.at(counts, x, 1 if weights is None else weights.astype(np.float64))
    return counts


def histogram(a: CudaArray, bins: int, value_range: tuple[float, float]) -> tuple[CudaArray, CudaArray]:
    """``np.histogram(a, bins, range=value_range)`` for an int ``bins``: (int64 counts (bins,),
    the bin edges (bins + 1,)); elements outside the range are not counted."""
    low, high = value_range
    dtype = np.result_type(low, high, a.dtype)
    dtype = np.dtype(np.float64) if dtype.kind in "iub" else dtype
    values = a.reshape(-1).astype(dtype, copy=False)
    values = values[(values >= low) & (values <= high)]
    edges = CudaArray.from_host(np.linspace(low, high, bins + 1, dtype=dtype))  # bins + 1 numbers
    index = ((values - low) / (high - low) * bins).astype(np.int64)
    index = np.where(index == bins, bins - 1, index)
    index = np.where(values < edges[index], index - 1, index)
    index = np.where((values >= edges[index + 1]) & (index != bins - 1), index + 1, index)
    counts = CudaArray.zeros((bins,), np.int64)
    if index.size:
        np.add.at(counts, index, 1)
    return counts, edges
