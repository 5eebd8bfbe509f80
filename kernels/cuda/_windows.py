"""Pooling windows along one axis, as device functions shared by the CUDA pooling kernels.

CPU siblings: the window tables of ``minigrad.kernels.max_pool2d`` (``_window_taps``),
``minigrad.kernels.avg_pool2d`` (``_axis_windows``) and ``minigrad.kernels.adaptive_pool2d``
(``adaptive_windows``); here each thread computes its own window instead of reading a table.

An axis is described by a tuple of ints ``(kind, size, out_size, kernel, stride, pad, dilation)``
(built by :func:`strided_axis` or :func:`adaptive_axis`; a kernel argument like any tuple of ints).
Output index ``o`` of a ``STRIDED`` axis covers the dilated taps

    t = o * stride - pad + k * dilation,   k = 0 .. kernel - 1,

of which those inside ``[0, size)`` are read (the others are padding); an ``ADAPTIVE`` axis
(PyTorch's ``start_index`` / ``end_index``) covers ``[floor(o * size / out_size),
ceil((o + 1) * size / out_size))``. The same formulas in reverse give, for an input index ``i``,
the range of outputs whose window holds it: average pooling's backward gathers over that range.
"""
from __future__ import annotations

from ._backend import cuda

STRIDED, ADAPTIVE = 0, 1


def strided_axis(size: int, out_size: int, kernel: int, stride: int, pad: int, dilation: int = 1) -> tuple:
    """The axis tuple of a strided (optionally padded and dilated) pooling window."""
    return (STRIDED, int(size), int(out_size), int(kernel), int(stride), int(pad), int(dilation))


def adaptive_axis(size: int, out_size: int) -> tuple:
    """The axis tuple of adaptive pooling from ``size`` to ``out_size``."""
    return (ADAPTIVE, int(size), int(out_size), 1, 1, 0, 1)


@cuda.jit(device=True)
def window(o, axis):
    """(first, count, step, padded) of output ``o``'s window on ``axis``.

    The window reads the ``count`` input indices ``first + j * step`` (j < count), all inside
    ``[0, size)``; ``first`` is its first tap at or after 0 (which lies past the input when
    count == 0, as in the CPU kernel). ``padded`` is the window's length counting the padding but
    clipped to ``size + pad`` (a ceil_mode window may hang past it): average pooling's divisor
    with ``count_include_pad`` (for dilation 1, the only dilation average pooling has).
    """
    kind, size, out_size, kernel, stride, pad, dilation = axis
    if kind == ADAPTIVE:
        start = (o * size) // out_size
        stop = ((o + 1) * size + out_size - 1) // out_size
        return start, stop - start, 1, stop - start
    start = o * stride - pad
    span = dilation * (kernel - 1) + 1
    padded = min(start + span, size + pad) - start
    first = start
    if start < 0:  # skip the taps in the left padding: ceil(-start / dilation) whole steps
        first = start + ((-start + dilation - 1) // dilation) * dilation
    stop = min(start + span, size)
    count = max(stop - first + dilation - 1, 0) // dilation
    return first, count, dilation, padded


@cuda.jit(device=True)
def covering_outputs(i, axis):
    """(first, stop): the outputs ``first <= o < stop`` whose window span contains input index ``i``.

    Strided: ``o * stride - pad <= i <= o * stride - pad + dilation * (kernel - 1)``, i.e.
    ``ceil((i + pad - span + 1) / stride) <= o <= floor((i + pad) / stride)``, clipped to the
    outputs (for dilation > 1 the span also holds the indices between a window's taps; average
    pooling, the user, has dilation 1).
    Adaptive: ``floor(i * out_size / size) <= o < ceil((i + 1) * out_size / size)``.
    """
    kind, size, out_size, kernel, stride, pad, dilation = axis
    if kind == ADAPTIVE:
        return (i * out_size) // size, ((i + 1) * out_size + size - 1) // size
    low = i + pad - dilation * (kernel - 1)
    first = (low + stride - 1) // stride if low > 0 else 0
    return first, min((i + pad) // stride + 1, out_size)
