"""Adaptive 2-D average / max pooling: the caller picks the output size, the windows adapt.

Along one axis of length ``size`` pooled to ``out_size``, output index ``o`` covers input indices

    start = floor(o * size / out_size),   stop = ceil((o + 1) * size / out_size)

(PyTorch's ``start_index`` / ``end_index``), so windows tile the input, neighbours may overlap by
one element when ``size`` is not a multiple of ``out_size``, and every window is non-empty. The
mean divides by the window's own element count. The loops are the plain pooling kernels fed with
these windows instead of strided ones, except for a (1, 1) output mean (global average pooling),
which is a contiguous sum per plane (``row_sum.py``).

Reference: :mod:`minigrad.kernels.reference.adaptive_pool2d`.
"""
import numpy as np

from .avg_pool2d import window_mean, window_mean_backward
from .max_pool2d import max_pool2d_backward, window_max
from .row_sum import row_fill, row_sums


def adaptive_windows(size: int, out_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, stop) int64 arrays of length ``out_size`` (formulas in the module docstring)."""
    o = np.arange(out_size, dtype=np.int64)
    return (o * size) // out_size, ((o + 1) * size + out_size - 1) // out_size


def _mean_tables(input_hw, output_hw):
    h_start, h_stop = adaptive_windows(input_hw[0], output_hw[0])
    w_start, w_stop = adaptive_windows(input_hw[1], output_hw[1])
    return h_start, h_stop, h_stop - h_start, w_start, w_stop, w_stop - w_start


def adaptive_avg_pool2d_forward(x: np.ndarray, output_size: tuple[int, int]) -> np.ndarray:
    """x (N, C, H, W) -> (N, C, OH, OW): ``out[n, c, oh, ow]`` = mean of x over rows
    [start(oh), stop(oh)) and columns [start(ow), stop(ow)). Precondition: OH, OW >= 1."""
    N, C, H, W = x.shape
    if tuple(output_size) == (1, 1) and H * W > 0:
        return row_sums(x.reshape(N * C, H * W), H * W).reshape(N, C, 1, 1)
    return window_mean(x, _mean_tables(x.shape[2:], output_size))


def adaptive_avg_pool2d_backward(grad_out: np.ndarray, input_hw: tuple[int, int]) -> np.ndarray:
    """grad_out (N, C, OH, OW) -> grad_x (N, C, H, W): each element of window (oh, ow) receives
    ``grad_out[n, c, oh, ow] / window size``, summed over the (possibly overlapping) windows."""
    if grad_out.shape[2:] == (1, 1) and input_hw[0] * input_hw[1] > 0:
        return row_fill(grad_out, (*grad_out.shape[:2], *input_hw), input_hw[0] * input_hw[1])
    return window_mean_backward(grad_out, input_hw, _mean_tables(input_hw, grad_out.shape[2:]))


def adaptive_max_pool2d_forward(
    x: np.ndarray, output_size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """x (N, C, H, W) -> (out, indices), both (N, C, OH, OW): the maximum of each adaptive window
    and its flat position ``ih * W + iw`` in the input plane (first maximum wins ties; NaN
    propagates, as in ``max_pool2d_forward``). Precondition: OH, OW >= 1."""
    h_start, h_stop = adaptive_windows(x.shape[2], output_size[0])
    w_start, w_stop = adaptive_windows(x.shape[3], output_size[1])
    return window_max(x, h_start, h_stop, 1, w_start, w_stop, 1)


def adaptive_max_pool2d_backward(
    grad_out: np.ndarray, indices: np.ndarray, input_hw: tuple[int, int]
) -> np.ndarray:
    """grad_out, indices (N, C, OH, OW) -> grad_x (N, C, H, W): each output's gradient is added to
    the input element its index names (the same scatter as max pooling's backward)."""
    return max_pool2d_backward(grad_out, indices, input_hw)
