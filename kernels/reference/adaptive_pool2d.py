"""Adaptive 2-D average and max pooling by their definitions: the output size is given, the
windows adapt.

Along an axis of length ``size`` pooled to ``out_size``, output index ``o`` covers the input indices
from ``floor(o * size / out_size)`` up to, not including, ``ceil((o + 1) * size / out_size)``: the real
interval [o, o + 1) * size / out_size rounded outwards (computed here in exact fractions), so the
windows cover the input, are never empty, and neighbours may share an element.

* average: the mean of the window; backward: each element of the window gets
  ``grad_out / (window size)``, summed over the windows that contain it;
* max: the maximum and its flat position ``ih * W + iw``, with max pooling's tie and NaN rule
  (:func:`.max_pool2d.window_max`); backward: max pooling's scatter.

Fast kernel: :mod:`minigrad.kernels.adaptive_pool2d`.
"""
import math
from fractions import Fraction

import numpy as np

from .max_pool2d import max_pool2d_backward, window_max


def adaptive_window(o: int, size: int, out_size: int) -> range:
    """Input indices of window ``o`` (module docstring)."""
    return range(math.floor(Fraction(o * size, out_size)), math.ceil(Fraction((o + 1) * size, out_size)))


def _windows(input_hw, output_hw):
    """Yield ``(oh, ow, rows, cols)`` for every window."""
    for oh in range(output_hw[0]):
        for ow in range(output_hw[1]):
            yield oh, ow, adaptive_window(oh, input_hw[0], output_hw[0]), adaptive_window(ow, input_hw[1], output_hw[1])


def adaptive_avg_pool2d_forward(x: np.ndarray, output_size: tuple[int, int]) -> np.ndarray:
    """(N, C, H, W) -> (N, C, OH, OW) window means, float64."""
    N, C = x.shape[:2]
    x = np.asarray(x, np.float64)
    out = np.empty((N, C) + tuple(output_size))
    for oh, ow, rows, cols in _windows(x.shape[2:], output_size):
        for n, c in np.ndindex(N, C):
            out[n, c, oh, ow] = sum(x[n, c, ih, iw] for ih in rows for iw in cols) / (len(rows) * len(cols))
    return out


def adaptive_avg_pool2d_backward(grad_out: np.ndarray, input_hw: tuple[int, int]) -> np.ndarray:
    """grad_out (N, C, OH, OW) -> grad_x (N, C, H, W), float64."""
    N, C = grad_out.shape[:2]
    grad_x = np.zeros((N, C) + tuple(input_hw))
    for oh, ow, rows, cols in _windows(input_hw, grad_out.shape[2:]):
        for n, c in np.ndindex(N, C):
            for ih in rows:
                for iw in cols:
                    grad_x[n, c, ih, iw] += grad_out[n, c, oh, ow] / (len(rows) * len(cols))
    return grad_x


def adaptive_max_pool2d_forward(x: np.ndarray, output_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``(out, indices)``: window maxima (float64) and their flat positions (int64), (N, C, OH, OW)."""
    N, C = x.shape[:2]
    x = np.asarray(x, np.float64)
    out = np.empty((N, C) + tuple(output_size))
    indices = np.empty(out.shape, np.int64)
    for oh, ow, rows, cols in _windows(x.shape[2:], output_size):
        for n, c in np.ndindex(N, C):
            out[n, c, oh, ow], indices[n, c, oh, ow] = window_max(x[n, c], list(rows), list(cols))
    return out, indices


def adaptive_max_pool2d_backward(grad_out: np.ndarray, indices: np.ndarray, input_hw: tuple[int, int]) -> np.ndarray:
    """grad_x (N, C, H, W), float64: each output's gradient goes to the element its index names."""
    return max_pool2d_backward(grad_out, indices, input_hw)
