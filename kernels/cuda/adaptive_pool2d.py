"""Adaptive 2-D average / max pooling on the GPU: the caller picks the output size, the windows adapt.

CPU sibling: :mod:`minigrad.kernels.adaptive_pool2d` (same functions, same semantics).

Along an axis of length ``size`` pooled to ``out_size``, output ``o`` covers the input indices
``[floor(o * size / out_size), ceil((o + 1) * size / out_size))`` (``_windows.adaptive_axis``).
These windows go through the strided pooling's kernels, whose docstrings give the thread mapping
and why they are race-free: the mean's (``avg_pool2d.window_mean`` and its gather adjoint, the
divisor being the window's own element count) and the max's (``max_pool2d.window_max``, and
``max_pool2d_backward``'s gather at the saved indices).
"""
from __future__ import annotations

from ._windows import adaptive_axis
from .array import CudaArray
from .avg_pool2d import window_mean, window_mean_backward
from .max_pool2d import max_pool2d_backward, window_max


def _axes(input_hw, output_hw) -> list[tuple]:
    return [adaptive_axis(size, out_size) for size, out_size in zip(input_hw, output_hw)]


def adaptive_avg_pool2d_forward(x: CudaArray, output_size: tuple[int, int]) -> CudaArray:
    """x (N, C, H, W) -> (N, C, OH, OW): the mean of each adaptive window. Precondition: OH, OW >= 1."""
    return window_mean(x, *_axes(x.shape[2:], output_size))


def adaptive_avg_pool2d_backward(grad_out: CudaArray, input_hw: tuple[int, int]) -> CudaArray:
    """grad_out (N, C, OH, OW) -> grad_x (N, C, H, W): each element receives, from every window
    holding it, that window's gradient over its size."""
    return window_mean_backward(grad_out, *_axes(input_hw, grad_out.shape[2:]))


def adaptive_max_pool2d_forward(x: CudaArray, output_size: tuple[int, int]) -> tuple[CudaArray, CudaArray]:
    """x (N, C, H, W) -> (out, indices), both (N, C, OH, OW): the maximum of each adaptive window
    and its flat position ``ih * W + iw`` in the plane (first maximum wins ties; NaN propagates).
    Precondition: OH, OW >= 1."""
    return window_max(x, *_axes(x.shape[2:], output_size))


def adaptive_max_pool2d_backward(grad_out: CudaArray, indices: CudaArray,
                                 input_hw: tuple[int, int]) -> CudaArray:
    """grad_out, indices (N, C, OH, OW) -> grad_x (N, C, H, W): each output's gradient added to the
    element its index names (max pooling's gather)."""
    return max_pool2d_backward(grad_out, indices, input_hw)
