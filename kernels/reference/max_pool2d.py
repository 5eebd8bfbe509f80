"""2-D max pooling by its definition, with PyTorch's indices, tie rule and NaN rule.

``x`` (N, C, H, W) -> ``out``, ``indices`` (N, C, OH, OW) (sizes from :func:`.pool_output_size`)::

    out[n, c, oh, ow] = max over ki < kH, kj < kW of x[n, c, oh*sH - pH + ki*dH, ow*sW - pW + kj*dW]

where the padding counts as -inf (so it never wins), and ``indices`` holds the flat position
``ih * W + iw`` of the maximum in its (H, W) plane. Taps are scanned row by row, and a tap replaces
the running maximum when it is strictly greater or NaN: ties keep the first maximum, and a window
with a NaN gives NaN with the position of its last NaN. The scan starts at -inf on the window's
first row and first column at or after 0, which a window of only -inf (or, in a degenerate dilated
configuration PyTorch accepts, only padding) reports.

Backward: ``out[n, c, oh, ow]`` is the element at ``indices[n, c, oh, ow]``, so its gradient goes to
that element alone, summed over the windows it won (an index past the plane, from an all-padding
window, carries none).

Fast kernel: :mod:`minigrad.kernels.max_pool2d`.
"""
import math

import numpy as np

from .pool_output_size import pool_output_size


def window_max(plane: np.ndarray, rows: list[int], cols: list[int]) -> tuple[float, int]:
    """Maximum of ``plane`` (H, W) over the taps ``rows x cols`` (non-negative, row-major scan, tie
    and NaN rule in the module docstring) and its flat position; taps at or past H or W are padding."""
    H, W = plane.shape
    best, best_index = -math.inf, rows[0] * W + cols[0]
    for ih in rows:
        for iw in cols:
            if ih < H and iw < W:
                value = plane[ih, iw]
                if value > best or math.isnan(value):
                    best, best_index = value, ih * W + iw
    return best, best_index


def max_pool2d_forward(
    x: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
    ceil_mode: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """``(out, indices)``: out float64 and indices int64, both (N, C, OH, OW); module docstring."""
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), (dH, dW) = kernel, stride, padding, dilation
    OH = pool_output_size(H, kH, sH, pH, dH, ceil_mode)
    OW = pool_output_size(W, kW, sW, pW, dW, ceil_mode)
    x = np.asarray(x, np.float64)
    out = np.empty((N, C, OH, OW))
    indices = np.empty((N, C, OH, OW), np.int64)
    for n, c, oh, ow in np.ndindex(out.shape):
        rows = [oh * sH - pH + ki * dH for ki in range(kH)]
        cols = [ow * sW - pW + kj * dW for kj in range(kW)]
        # taps before the input are padding (-inf): leave them out
        out[n, c, oh, ow], indices[n, c, oh, ow] = window_max(
            x[n, c], [r for r in rows if r >= 0], [s for s in cols if s >= 0])
    return out, indices


def max_pool2d_backward(grad_out: np.ndarray, indices: np.ndarray, input_hw: tuple[int, int]) -> np.ndarray:
    """grad_x (N, C, H, W), float64: ``grad_x[n, c].flat[indices[n, c, oh, ow]] += grad_out[n, c, oh, ow]``
    for every output, skipping indices past the plane. Also adaptive max pooling's backward."""
    N, C = grad_out.shape[:2]
    H, W = input_hw
    grad_x = np.zeros((N, C, H * W))
    for n, c, oh, ow in np.ndindex(grad_out.shape):
        if indices[n, c, oh, ow] < H * W:
            grad_x[n, c, indices[n, c, oh, ow]] += grad_out[n, c, oh, ow]
    return grad_x.reshape(N, C, H, W)
