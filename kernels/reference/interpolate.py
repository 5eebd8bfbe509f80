"""Nearest and bilinear resizing of (N, C, H, W) arrays by PyTorch's definitions, one output pixel
at a time.

Along an axis of input size n and output size m, output index o reads the input at a position
computed from the axis's ratio (source pixels per output pixel): ``1 / scale`` when the caller
passes that axis's user scale factor, else ``n / m``. PyTorch rounds this arithmetic in a given
dtype, and so do the formulas below, since a position that lands just below an integer picks
another pixel (n = 26, m = 22: o = 11 reads float32(26 / 22) * 11 = 12.999999, pixel 12, not
13):

nearest, in float32 for every input dtype (PyTorch's legacy 'nearest', as OpenCV's INTER_NEAREST)::

    src(o) = o if m == n,  o // 2 if m == 2 n   (PyTorch's exact shortcuts, unless ``shortcuts`` is False)
    src(o) = min(floor(o * ratio), n - 1)       otherwise
    out[.., oh, ow] = x[.., src(oh), src(ow)]

bilinear, in the input's dtype (the identity when m == n)::

    align_corners:      real(o) = o * (n - 1) / (m - 1)         (0 when m == 1)
    not align_corners:  real(o) = max(ratio * (o + 0.5) - 0.5, 0)
    i0 = min(floor(real), n - 1),  i1 = min(i0 + 1, n - 1),  l1 = real - i0,  l0 = 1 - l1
    out[.., oh, ow] = sum over the four (a, b) in {0, 1}^2 of  lh_a * lw_b * x[.., h_a, w_b]

Backward (both linear in x): each output's gradient goes back to the input pixels it read, with the
same weights, summed where several outputs read one pixel.

Fast kernel: :mod:`minigrad.kernels.interpolate`.
"""
import math

import numpy as np


def _ratio(n: int, m: int, scale: float | None, dtype) -> np.generic:
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(n) / dtype(m)


def nearest_source(o: int, n: int, m: int, scale: float | None, shortcuts: bool = True) -> int:
    """The input index that output index ``o`` copies along an axis (module docstring)."""
    if shortcuts and m == n:
        return o
    if shortcuts and m == 2 * n:
        return o // 2
    return min(math.floor(np.float32(o) * _ratio(n, m, scale, np.float32)), n - 1)


def linear_taps(o: int, n: int, m: int, align_corners: bool, scale: float | None, dtype) -> list[tuple[int, float]]:
    """``[(i0, l0), (i1, l1)]``: the two input indices output index ``o`` reads and their weights."""
    if m == n:
        return [(o, 1.0), (o, 0.0)]
    dtype = np.dtype(dtype).type
    if align_corners:
        real = (dtype(n - 1) / dtype(m - 1) if m > 1 else dtype(0)) * dtype(o)
    else:
        real = max(_ratio(n, m, scale, dtype) * (dtype(o) + dtype(0.5)) - dtype(0.5), dtype(0))
    i0 = min(math.floor(real), n - 1)
    l1 = min(max(float(real - dtype(i0)), 0.0), 1.0)
    return [(i0, 1.0 - l1), (min(i0 + 1, n - 1), l1)]


def _scale(scales, axis: int) -> float | None:
    return None if scales is None else scales[axis]


def _nearest_pairs(input_hw, out_hw, scales, shortcuts):
    """For every output pixel (oh, ow): [((ih, iw), 1.0)], the pixel it copies."""
    (H, W), (OH, OW) = input_hw, out_hw
    return {(oh, ow): [((nearest_source(oh, H, OH, _scale(scales, 0), shortcuts),
                         nearest_source(ow, W, OW, _scale(scales, 1), shortcuts)), 1.0)]
            for oh, ow in np.ndindex(OH, OW)}


def _bilinear_pairs(input_hw, out_hw, align_corners, scales, dtype):
    """For every output pixel (oh, ow): its four ((ih, iw), weight) taps."""
    (H, W), (OH, OW) = input_hw, out_hw
    pairs = {}
    for oh, ow in np.ndindex(OH, OW):
        rows = linear_taps(oh, H, OH, align_corners, _scale(scales, 0), dtype)
        cols = linear_taps(ow, W, OW, align_corners, _scale(scales, 1), dtype)
        pairs[oh, ow] = [((ih, iw), lh * lw) for ih, lh in rows for iw, lw in cols]
    return pairs


def _resample(x: np.ndarray, out_hw, pairs) -> np.ndarray:
    N, C = x.shape[:2]
    out = np.zeros((N, C) + tuple(out_hw))
    for n, c, oh, ow in np.ndindex(out.shape):
        out[n, c, oh, ow] = math.fsum(weight * float(x[n, c, ih, iw]) for (ih, iw), weight in pairs[oh, ow])
    return out


def _accumulate(grad_out: np.ndarray, input_hw, pairs) -> np.ndarray:
    grad_x = np.zeros(grad_out.shape[:2] + tuple(input_hw))
    for n, c, oh, ow in np.ndindex(grad_out.shape):
        for (ih, iw), weight in pairs[oh, ow]:
            grad_x[n, c, ih, iw] += weight * float(grad_out[n, c, oh, ow])
    return grad_x


def interpolate_nearest_forward(x: np.ndarray, out_hw: tuple[int, int], scales=None, shortcuts: bool = True):
    """mode='nearest': x (N, C, H, W) -> (N, C, OH, OW), float64."""
    return _resample(x, out_hw, _nearest_pairs(x.shape[2:], out_hw, scales, shortcuts))


def interpolate_nearest_backward(grad_out: np.ndarray, input_hw: tuple[int, int], scales=None,
                                 shortcuts: bool = True) -> np.ndarray:
    """Gradient of the nearest resize: (N, C, OH, OW) -> (N, C, H, W), float64."""
    return _accumulate(grad_out, input_hw, _nearest_pairs(input_hw, grad_out.shape[2:], scales, shortcuts))


def interpolate_bilinear_forward(x: np.ndarray, out_hw: tuple[int, int], align_corners: bool,
                                 scales=None) -> np.ndarray:
    """mode='bilinear': x (N, C, H, W) -> (N, C, OH, OW), float64 (positions in x's dtype)."""
    return _resample(x, out_hw, _bilinear_pairs(x.shape[2:], out_hw, align_corners, scales, x.dtype))


def interpolate_bilinear_backward(grad_out: np.ndarray, input_hw: tuple[int, int], align_corners: bool,
                                  scales=None) -> np.ndarray:
    """Gradient of the bilinear resize: (N, C, OH, OW) -> (N, C, H, W), float64."""
    pairs = _bilinear_pairs(input_hw, grad_out.shape[2:], align_corners, scales, grad_out.dtype)
    return _accumulate(grad_out, input_hw, pairs)
