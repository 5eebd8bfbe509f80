"""Sums of rows on the GPU: CUDA twin of :mod:`minigrad.kernels.row_sum`.

``row_sums(x, divisor)``: x (R, S) -> (R,) ``x.sum(axis=1) / divisor`` in x's dtype, summed in
float64, as the CPU kernel. It is the reduction kernel of ``reduction.py`` (thread per row, or
rows split into parts when there are few; see there for the thread mapping and race freedom)
with a float64 accumulator.
"""
from __future__ import annotations

from .array import CudaArray
from .reduction import reduce


def row_sums(x: CudaArray, divisor: float = 1.0) -> CudaArray:
    """x (R, S) float32/float64 -> (R,) ``x.sum(axis=1) / divisor`` in x's dtype, summed in float64."""
    return (reduce("sum", x, axis=1, dtype="float64") / divisor).astype(x.dtype, copy=False)
