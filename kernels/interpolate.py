"""Nearest and bilinear resizing of (N, C, H, W) arrays, matching ``torch.nn.functional.interpolate``.

Both modes are separable: along each axis, output index ``o`` reads one source index (nearest) or
two source indices with weights (bilinear). Those per-axis tables are computed here in numpy with
PyTorch's exact arithmetic, and the njit kernels only gather (forward) or scatter-add (backward).

Scale convention (PyTorch's ``compute_scales_value``): the source-per-destination ratio of an axis
is ``1 / scale`` when the caller passes that axis's ``scale`` (``F.interpolate`` does so when the
user gave ``scale_factor`` and ``recompute_scale_factor`` is not True), otherwise
``in_size / out_size``. ``interpolate_output_size`` reproduces that bookkeeping.

nearest (the legacy mode, same as OpenCV's INTER_NEAREST), ratio in float32 for every dtype:
    src = o                                   if out == in       (shortcuts only)
    src = o // 2                              if out == 2 * in   (shortcuts only)
    src = min(floor(float32(o) * ratio), in - 1)   otherwise
PyTorch's 2-D kernel takes the two exact shortcuts even when a scale factor would map otherwise;
its 1-D kernel (``upsample_nearest1d``) never does, so callers resizing a (.., 1, L) view of 1-D
data pass ``shortcuts=False``.

bilinear, ratio and positions in the input's dtype:
    align_corners:      real = o * (in - 1) / (out - 1)      (0 when out == 1; scale ignored)
    not align_corners:  real = max(ratio * (o + 0.5) - 0.5, 0)
    i0 = min(floor(real), in - 1),  i1 = i0 + 1 (or i0 at the last row),  l1 = real - i0,  l0 = 1 - l1
and when out == in it is the identity (i0 = i1 = o, l0 = 1, l1 = 0). Then
    out[oh, ow] = lh0 * (lw0 * x[h0, w0] + lw1 * x[h0, w1]) + lh1 * (lw0 * x[h1, w0] + lw1 * x[h1, w1])

Reference: :mod:`minigrad.kernels.reference.interpolate`.
"""
import math

import numpy as np
from numba import njit, prange


# ---- per-axis index tables -------------------------------------------------------------------

def _inverse_scale(in_size: int, out_size: int, scale: float | None, dtype) -> np.generic:
    """Source pixels per destination pixel, in ``dtype``: ``1 / scale`` if a positive scale is
    given (computed in double, then rounded), else ``in_size / out_size`` computed in ``dtype``."""
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(in_size) / dtype(out_size)


def _nearest_sources(in_size: int, out_size: int, scale: float | None, shortcuts: bool) -> np.ndarray:
    """Source index (int64) of every output index along one axis (formula in the module docstring)."""
    o = np.arange(out_size, dtype=np.int64)
    if shortcuts and out_size == in_size:
        return o
    if shortcuts and out_size == 2 * in_size:  # exact shortcut PyTorch takes to avoid float rounding
        return o >> 1
    ratio = _inverse_scale(in_size, out_size, scale, np.float32)
    real = o.astype(np.float32) * ratio  # float32 product, as in PyTorch's floorf(o * scale)
    return np.minimum(np.floor(real).astype(np.int64), in_size - 1)


def _linear_taps(in_size: int, out_size: int, align_corners: bool, scale: float | None, dtype):
    """(i0, i1, l0, l1) along one axis: int64 source indices and their ``dtype`` weights."""
    dtype = np.dtype(dtype).type
    o = np.arange(out_size, dtype=np.int64)
    if out_size == in_size:
        return o, o, np.ones(out_size, dtype), np.zeros(out_size, dtype)
    if align_corners:
        ratio = dtype(in_size - 1) / dtype(out_size - 1) if out_size > 1 else dtype(0)
        real = ratio * o.astype(dtype)
    else:
        ratio = _inverse_scale(in_size, out_size, scale, dtype)
        real = np.maximum(ratio * (o.astype(dtype) + dtype(0.5)) - dtype(0.5), dtype(0))
    i0 = np.minimum(np.floor(real).astype(np.int64), in_size - 1)
    i1 = i0 + (i0 < in_size - 1)
    l1 = np.clip(real - i0.astype(dtype), dtype(0), dtype(1))
    return i0, i1, dtype(1) - l1, l1


def _scale(scales, axis: int) -> float | None:
    return None if scales is None else scales[axis]


def interpolate_output_size(
    input_hw: tuple[int, int],
    size: int | tuple[int, int] | None = None,
    scale_factor: float | tuple[float, float] | None = None,
    recompute_scale_factor: bool | None = None,
) -> tuple[tuple[int, int], tuple[float, float] | None]:
    """``F.interpolate``'s size bookkeeping -> (out_hw, scales) to pass to the kernels below.

    With ``size``: out_hw = size and scales = None (ratios come from the sizes).
    With ``scale_factor``: out_hw = floor(input size * factor) per axis, and scales = the factors,
    unless ``recompute_scale_factor`` is True, in which case scales = None.
    Precondition: exactly one of ``size`` and ``scale_factor`` is given (the caller validates).
    """
    if size is not None:
        return (tuple(size) if isinstance(size, (tuple, list)) else (size, size)), None
    factors = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * 2
    out_hw = tuple(math.floor(float(n) * f) for n, f in zip(input_hw, factors))
    return out_hw, (None if recompute_scale_factor else factors)


# ---- kernels ----------------------------------------------------------------------------------

@njit(parallel=True, cache=True)
def _nearest_kernel(x, out, src_h, src_w):
    """``out[p, oh, ow] = x[p, src_h[oh], src_w[ow]]``; x (P, H, W), out (P, OH, OW).
    Parallel over planes p; race-free: iteration p writes only ``out[p]``."""
    P, OH, OW = out.shape
    for p in prange(P):
        for oh in range(OH):
            ih = src_h[oh]
            for ow in range(OW):
                out[p, oh, ow] = x[p, ih, src_w[ow]]


@njit(parallel=True, cache=True)
def _nearest_backward_kernel(grad_out, grad_x, src_h, src_w):
    """Adjoint of ``_nearest_kernel``: ``grad_x[p, src_h[oh], src_w[ow]] += grad_out[p, oh, ow]``;
    grad_x (P, H, W) zero on entry. Parallel over planes p; race-free: outputs sharing a source add
    into it serially inside iteration p, which alone writes ``grad_x[p]``."""
    P, OH, OW = grad_out.shape
    for p in prange(P):
        for oh in range(OH):
            ih = src_h[oh]
            for ow in range(OW):
                grad_x[p, ih, src_w[ow]] += grad_out[p, oh, ow]


@njit(parallel=True, cache=True)
def _bilinear_kernel(x, out, h0, h1, lh0, lh1, w0, w1, lw0, lw1):
    """Bilinear blend of the four taps (formula in the module docstring); x (P, H, W),
    out (P, OH, OW), per-axis tables of length OH / OW.
    Parallel over planes p; race-free: iteration p writes only ``out[p]``."""
    P, OH, OW = out.shape
    for p in prange(P):
        for oh in range(OH):
            a, b = h0[oh], h1[oh]
            for ow in range(OW):
                c, d = w0[ow], w1[ow]
                out[p, oh, ow] = (
                    lh0[oh] * (lw0[ow] * x[p, a, c] + lw1[ow] * x[p, a, d])
                    + lh1[oh] * (lw0[ow] * x[p, b, c] + lw1[ow] * x[p, b, d])
                )


@njit(parallel=True, cache=True)
def _bilinear_backward_kernel(grad_out, grad_x, h0, h1, lh0, lh1, w0, w1, lw0, lw1):
    """Adjoint of ``_bilinear_kernel``: each output's gradient goes to its four taps times their
    weights; grad_x (P, H, W) zero on entry. Parallel over planes p; race-free: overlapping taps are
    added serially inside iteration p, which alone writes ``grad_x[p]``."""
    P, OH, OW = grad_out.shape
    for p in prange(P):
        for oh in range(OH):
            a, b = h0[oh], h1[oh]
            for ow in range(OW):
                c, d = w0[ow], w1[ow]
                g = grad_out[p, oh, ow]
                grad_x[p, a, c] += lh0[oh] * lw0[ow] * g
                grad_x[p, a, d] += lh0[oh] * lw1[ow] * g
                grad_x[p, b, c] += lh1[oh] * lw0[ow] * g
                grad_x[p, b, d] += lh1[oh] * lw1[ow] * g


# ---- entry points -----------------------------------------------------------------------------

def _resample(kernel, x: np.ndarray, out_hw: tuple[int, int], tables: tuple) -> np.ndarray:
    """Run a plane kernel from (N, C, H, W) ``x`` into a new (N, C, OH, OW) array."""
    N, C, H, W = x.shape
    out = np.empty((N * C,) + tuple(out_hw), x.dtype)
    kernel(np.ascontiguousarray(x).reshape(N * C, H, W), out, *tables)
    return out.reshape((N, C) + tuple(out_hw))


def _accumulate(kernel, grad_out: np.ndarray, input_hw: tuple[int, int], tables: tuple) -> np.ndarray:
    """Run a plane scatter kernel from (N, C, OH, OW) ``grad_out`` into a zeroed (N, C, H, W)."""
    N, C, OH, OW = grad_out.shape
    grad_x = np.zeros((N * C,) + tuple(input_hw), grad_out.dtype)
    kernel(np.ascontiguousarray(grad_out).reshape(N * C, OH, OW), grad_x, *tables)
    return grad_x.reshape((N, C) + tuple(input_hw))


def _nearest_tables(input_hw, out_hw, scales, shortcuts):
    return tuple(_nearest_sources(input_hw[a], out_hw[a], _scale(scales, a), shortcuts) for a in (0, 1))


def _bilinear_tables(input_hw, out_hw, align_corners, scales, dtype):
    return _linear_taps(input_hw[0], out_hw[0], align_corners, _scale(scales, 0), dtype) + \
        _linear_taps(input_hw[1], out_hw[1], align_corners, _scale(scales, 1), dtype)


def interpolate_nearest_forward(
    x: np.ndarray,
    out_hw: tuple[int, int],
    scales: tuple[float | None, float | None] | None = None,
    shortcuts: bool = True,
) -> np.ndarray:
    """mode='nearest': x (N, C, H, W) -> (N, C, OH, OW), ``out[.., oh, ow] = x[.., src(oh), src(ow)]``
    (src in the module docstring). ``scales``: per-axis user scale factors or None (see module);
    ``shortcuts``: False to reproduce PyTorch's 1-D kernel (see module)."""
    tables = _nearest_tables(x.shape[2:], out_hw, scales, shortcuts)
    return _resample(_nearest_kernel, x, out_hw, tables)


def interpolate_nearest_backward(
    grad_out: np.ndarray,
    input_hw: tuple[int, int],
    scales: tuple[float | None, float | None] | None = None,
    shortcuts: bool = True,
) -> np.ndarray:
    """Gradient of ``interpolate_nearest_forward``: grad_out (N, C, OH, OW) -> (N, C, H, W), each
    input element receiving the sum of the gradients of the outputs that copied it."""
    tables = _nearest_tables(input_hw, grad_out.shape[2:], scales, shortcuts)
    return _accumulate(_nearest_backward_kernel, grad_out, input_hw, tables)


def interpolate_bilinear_forward(
    x: np.ndarray,
    out_hw: tuple[int, int],
    align_corners: bool,
    scales: tuple[float | None, float | None] | None = None,
) -> np.ndarray:
    """mode='bilinear': x (N, C, H, W) -> (N, C, OH, OW) (formulas in the module docstring)."""
    tables = _bilinear_tables(x.shape[2:], out_hw, align_corners, scales, x.dtype)
    return _resample(_bilinear_kernel, x, out_hw, tables)


def interpolate_bilinear_backward(
    grad_out: np.ndarray,
    input_hw: tuple[int, int],
    align_corners: bool,
    scales: tuple[float | None, float | None] | None = None,
) -> np.ndarray:
    """Gradient of ``interpolate_bilinear_forward``: grad_out (N, C, OH, OW) -> (N, C, H, W), each
    output's gradient spread onto its four taps with the forward weights."""
    tables = _bilinear_tables(input_hw, grad_out.shape[2:], align_corners, scales, grad_out.dtype)
    return _accumulate(_bilinear_backward_kernel, grad_out, input_hw, tables)
