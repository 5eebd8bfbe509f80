"""Flat arrays for the one-dimensional (grid-stride) CUDA kernels: CUDA twin of ``kernels/_inplace.py``.

The elementwise kernels of this package index one flat, C-contiguous device array per operand. A
contiguous CudaArray has a flat view that shares its buffer; any other (a transposed or broadcast
view, another dtype) goes through a flat copy, which an in-place update writes back afterwards.
"""
from __future__ import annotations

import numpy as np

from .array import CudaArray


def flat_input(array: CudaArray, dtype=None) -> CudaArray:
    """The elements of ``array`` (cast to ``dtype`` when given) as a flat C-contiguous array: a view
    of a contiguous array of that dtype, else a copy."""
    return array.astype(array.dtype if dtype is None else dtype, copy=False).reshape(-1)


def flat(array: CudaArray) -> CudaArray:
    """A flat view of a contiguous array, else a flat working copy, float16 widened to float32
    (updated in float32 arithmetic, as on the CPU); give it to :func:`write_back` after."""
    return flat_input(array, np.float32 if array.dtype == np.float16 else None)


def write_back(array: CudaArray, updated: CudaArray) -> None:
    """Copy an updated working copy from :func:`flat` back into ``array`` (a view needs nothing)."""
    if updated.buffer is not array.buffer:
        array[...] = updated.reshape(array.shape)
