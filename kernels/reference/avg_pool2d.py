"""2-D average pooling by its definition, with PyTorch's divisor.

Along one axis (rows shown), window ``oh`` lies on the padded axis [0, H + 2*pad) at positions
``oh*stride .. oh*stride + kernel - 1``, clipped to the padded axis (a ceil_mode window may hang past
its end). Its input rows are the positions inside [pad, pad + H), shifted back by pad. Then::

    out[n, c, oh, ow] = sum of x[n, c, ih, iw] over the window's input rows ih and columns iw / divisor

    divisor = divisor_override                   if given, else
              (padded rows) * (padded columns)   if count_include_pad (the zero padding counts), else
              (input rows) * (input columns)

A window with no input element gives 0.

Backward: ``out`` is a sum of ``x / divisor`` terms, so every input element of window (oh, ow) gets
``grad_out[n, c, oh, ow] / divisor``, summed over the windows that contain it.

Fast kernel: :mod:`minigrad.kernels.avg_pool2d`.
"""
import numpy as np

from .pool_output_size import pool_output_size


def _axis_windows(size: int, out_size: int, kernel: int, stride: int, pad: int) -> list[tuple[list[int], int]]:
    """Per output index along one axis: (the input indices the window sums, its padded length)."""
    windows = []
    for o in range(out_size):
        padded = [p for p in range(o * stride, o * stride + kernel) if p < size + 2 * pad]
        windows.append(([p - pad for p in padded if pad <= p < pad + size], len(padded)))
    return windows


def _windows(input_hw, out_hw, kernel, stride, padding, count_include_pad, divisor_override):
    """Yield ``(oh, ow, rows, cols, divisor)`` for every window (module docstring)."""
    h_windows = _axis_windows(input_hw[0], out_hw[0], kernel[0], stride[0], padding[0])
    w_windows = _axis_windows(input_hw[1], out_hw[1], kernel[1], stride[1], padding[1])
    for oh, (rows, padded_rows) in enumerate(h_windows):
        for ow, (cols, padded_cols) in enumerate(w_windows):
            if divisor_override:
                divisor = divisor_override
            elif count_include_pad:
                divisor = padded_rows * padded_cols
            else:
                divisor = len(rows) * len(cols)
            yield oh, ow, rows, cols, divisor


def avg_pool2d_forward(
    x: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    """(N, C, H, W) -> (N, C, OH, OW), float64 (sizes from :func:`.pool_output_size`, dilation 1)."""
    N, C, H, W = x.shape
    out_hw = tuple(pool_output_size(size, k, s, p, 1, ceil_mode)
                   for size, k, s, p in zip((H, W), kernel, stride, padding))
    x = np.asarray(x, np.float64)
    out = np.zeros((N, C) + out_hw)
    for oh, ow, rows, cols, divisor in _windows((H, W), out_hw, kernel, stride, padding, count_include_pad,
                                                divisor_override):
        if rows and cols:
            for n, c in np.ndindex(N, C):
                out[n, c, oh, ow] = sum(x[n, c, ih, iw] for ih in rows for iw in cols) / divisor
    return out


def avg_pool2d_backward(
    grad_out: np.ndarray,
    input_hw: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    """grad_out (N, C, OH, OW) -> grad_x (N, C, H, W), float64. The output size is grad_out's, so
    ``ceil_mode`` is implied; it is accepted so the arguments mirror the forward's."""
    N, C = grad_out.shape[:2]
    grad_x = np.zeros((N, C) + tuple(input_hw))
    for oh, ow, rows, cols, divisor in _windows(input_hw, grad_out.shape[2:], kernel, stride, padding,
                                                count_include_pad, divisor_override):
        for n, c in np.ndindex(N, C):
            for ih in rows:
                for iw in cols:
                    grad_x[n, c, ih, iw] += grad_out[n, c, oh, ow] / divisor
    return grad_x
