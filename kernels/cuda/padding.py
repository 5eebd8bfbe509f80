"""2-D padding of the last two axes on the GPU with PyTorch's modes, and its adjoint (the gradient).

CPU sibling: :mod:`minigrad.kernels.padding` (same functions, same semantics; its module docstring
gives the modes' formulas). ``pad = (left, right, top, bottom)``; padded position ``(i, j)`` reads
the input element ``(src(i - top, H), src(j - left, W))``, with ``src`` the CPU sibling's
per-axis source table (constant: none outside the input; reflect: mirrored without repeating the
edge; replicate: clamped; circular: wrapped; negative pads crop).

Both directions run ``_separable.resample``: the forward pass reads each padded position's one
source element (or writes the fill value), one thread per output element; the backward pass is the
adjoint as a gather, one thread per input element summing the gradients of every padded position
that copied it (several for reflect / replicate / circular edges). Race-free: each thread writes
only its own element; no atomics. Thread mapping in ``_separable``.
"""
from __future__ import annotations

import functools

import numpy as np

from ..padding import _MODES, _source_table
from ._separable import axis_maps, resample
from .array import CudaArray


@functools.lru_cache(maxsize=256)
def _axis(out_size: int, before: int, in_size: int, mode: str, dtype: np.dtype) -> tuple[tuple, tuple]:
    """(forward, adjoint) axis maps of one padded axis: one tap of weight 1 per position with a source."""
    sources = _source_table(out_size, before, in_size, _MODES[mode]).reshape(-1, 1)
    return axis_maps(sources, np.ones(sources.shape, dtype), in_size)


def _maps(padded_hw, pad, input_hw, mode, dtype) -> tuple[tuple, tuple]:
    """The (forward, adjoint) maps of the rows and of the columns."""
    left, _, top, _ = pad
    return (_axis(padded_hw[0], top, input_hw[0], mode, np.dtype(dtype)),
            _axis(padded_hw[1], left, input_hw[1], mode, np.dtype(dtype)))


def pad2d(x: CudaArray, pad: tuple[int, int, int, int], mode: str, value: float = 0.0) -> CudaArray:
    """Pad the last two axes of ``x`` (..., H, W) to (..., top + H + bottom, left + W + right);
    ``mode`` 'constant' (filled with ``value``), 'reflect', 'replicate' or 'circular' with the CPU
    sibling's semantics and preconditions. Returns a new array of x's dtype."""
    left, right, top, bottom = pad
    H, W = x.shape[-2:]
    padded_hw = (H + top + bottom, W + left + right)
    rows, cols = _maps(padded_hw, pad, (H, W), mode, x.dtype)
    return resample(x, rows[0], cols[0], padded_hw, value)


def pad2d_backward(grad_out: CudaArray, pad: tuple[int, int, int, int], mode: str,
                   input_hw: tuple[int, int]) -> CudaArray:
    """Gradient of :func:`pad2d` w.r.t. its input: (..., H + top + bottom, W + left + right) ->
    (..., H, W) with ``input_hw = (H, W)``: each input element gets the sum of the gradients of the
    padded positions that copied it (constant padding just crops)."""
    rows, cols = _maps(grad_out.shape[-2:], pad, input_hw, mode, grad_out.dtype)
    return resample(grad_out, rows[1], cols[1], input_hw)
