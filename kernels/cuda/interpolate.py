"""Nearest and bilinear resizing of (N, C, H, W) arrays on the GPU, as ``torch.nn.functional.interpolate``.

CPU sibling: :mod:`minigrad.kernels.interpolate` (same functions, same semantics; its module
docstring gives PyTorch's exact index and weight arithmetic, including the scale convention and the
nearest mode's shortcuts). Its per-axis tables are reused here: nearest reads one source index per
output index, bilinear two with weights ``(l0, l1)``, so

    nearest:   out[p, oh, ow] = x[p, src(oh), src(ow)]
    bilinear:  out[p, oh, ow] = lh0 * (lw0 * x[p, h0, w0] + lw1 * x[p, h0, w1])
                                + lh1 * (lw0 * x[p, h1, w0] + lw1 * x[p, h1, w1])

(the CPU kernel's order of operations). Both directions run ``_separable.resample``: forward one
thread per output element; backward the adjoint as a gather, one thread per input element summing
the weighted gradients of the outputs that read it. Race-free: each thread writes only its own
element; no atomics. Thread mapping in ``_separable``.
"""
from __future__ import annotations

import functools

import numpy as np

from ..interpolate import _linear_taps, _nearest_sources, _scale
from ._separable import axis_maps, resample
from .array import CudaArray


@functools.lru_cache(maxsize=256)
def _nearest_axis(in_size: int, out_size: int, scale, shortcuts: bool, dtype: np.dtype) -> tuple[tuple, tuple]:
    sources = _nearest_sources(in_size, out_size, scale, shortcuts).reshape(-1, 1)
    return axis_maps(sources, np.ones(sources.shape, dtype), in_size)


@functools.lru_cache(maxsize=256)
def _bilinear_axis(in_size: int, out_size: int, align_corners: bool, scale, dtype: np.dtype) -> tuple[tuple, tuple]:
    i0, i1, l0, l1 = _linear_taps(in_size, out_size, align_corners, scale, dtype)
    return axis_maps(np.stack([i0, i1], axis=1), np.stack([l0, l1], axis=1), in_size)


def _nearest_maps(input_hw, out_hw, scales, shortcuts, dtype) -> list[tuple]:
    return [_nearest_axis(input_hw[a], out_hw[a], _scale(scales, a), bool(shortcuts), np.dtype(dtype))
            for a in (0, 1)]


def _bilinear_maps(input_hw, out_hw, align_corners, scales, dtype) -> list[tuple]:
    return [_bilinear_axis(input_hw[a], out_hw[a], bool(align_corners), _scale(scales, a), np.dtype(dtype))
            for a in (0, 1)]


def interpolate_nearest_forward(
    x: CudaArray,
    out_hw: tuple[int, int],
    scales: tuple[float | None, float | None] | None = None,
    shortcuts: bool = True,
) -> CudaArray:
    """mode='nearest': x (N, C, H, W) -> (N, C, OH, OW), ``out[.., oh, ow] = x[.., src(oh), src(ow)]``.
    ``scales``: per-axis user scale factors or None; ``shortcuts``: False to reproduce PyTorch's
    1-D kernel (CPU sibling's docstring)."""
    rows, cols = _nearest_maps(x.shape[2:], out_hw, scales, shortcuts, x.dtype)
    return resample(x, rows[0], cols[0], out_hw)


def interpolate_nearest_backward(
    grad_out: CudaArray,
    input_hw: tuple[int, int],
    scales: tuple[float | None, float | None] | None = None,
    shortcuts: bool = True,
) -> CudaArray:
    """Gradient of ``interpolate_nearest_forward``: grad_out (N, C, OH, OW) -> (N, C, H, W), each
    input element receiving the sum of the gradients of the outputs that copied it."""
    rows, cols = _nearest_maps(input_hw, grad_out.shape[2:], scales, shortcuts, grad_out.dtype)
    return resample(grad_out, rows[1], cols[1], input_hw)


def interpolate_bilinear_forward(
    x: CudaArray,
    out_hw: tuple[int, int],
    align_corners: bool,
    scales: tuple[float | None, float | None] | None = None,
) -> CudaArray:
    """mode='bilinear': x (N, C, H, W) -> (N, C, OH, OW) (formula in the module docstring)."""
    rows, cols = _bilinear_maps(x.shape[2:], out_hw, align_corners, scales, x.dtype)
    return resample(x, rows[0], cols[0], out_hw)


def interpolate_bilinear_backward(
    grad_out: CudaArray,
    input_hw: tuple[int, int],
    align_corners: bool,
    scales: tuple[float | None, float | None] | None = None,
) -> CudaArray:
    """Gradient of ``interpolate_bilinear_forward``: grad_out (N, C, OH, OW) -> (N, C, H, W), each
    output's gradient reaching its four taps with the forward weights."""
    rows, cols = _bilinear_maps(input_hw, grad_out.shape[2:], align_corners, scales, grad_out.dtype)
    return resample(grad_out, rows[1], cols[1], input_hw)
