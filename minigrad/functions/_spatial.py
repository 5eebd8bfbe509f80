"""Argument handling shared by pooling and resizing: PyTorch's int-or-tuple arguments, its shape
checks (same order, exception types and messages), and the plane view the kernels work on.

The kernels take (N, C, H, W) arrays but treat every (H, W) plane independently, so any leading
dims -- (N, C) batched, (C,) unbatched -- fold into one plane axis: ``planes(x)`` is
(1, P, H, W) and ``unplanes`` restores the leading dims around the new spatial size.
"""
from __future__ import annotations

import math

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor

# Where PyTorch's argument parser reports each argument (``position 2`` is the first after input).
_POSITIONS = {"kernel_size": 2, "output_size": 2, "stride": 3, "padding": 4, "dilation": 5}
# PyTorch's wording per argument for a sequence of the wrong length.
_LENGTH_RULES = {"stride": "must either be omitted, a single int, or a tuple of two ints",
                 "dilation": "must be either a single int, or a tuple of two ints"}


def _argument(fn: str, name: str) -> str:
    return f"{fn}(): argument '{name}' (position {_POSITIONS[name]})"


def _check_ints(values: tuple, fn: str, name: str) -> None:
    for pos, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{_argument(fn, name)} must be tuple of ints, but found element of "
                            f"type {type(value).__name__} at pos {pos}")


def int_tuple(value, n: int, fn: str, name: str) -> tuple[int, ...]:
    """An int, or a sequence of 1 or ``n`` ints, as an ``n``-tuple (PyTorch's ``_pair``, with its errors)."""
    if not isinstance(value, (tuple, list, int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{_argument(fn, name)} must be tuple of ints, not {type(value).__name__}")
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    _check_ints(values, fn, name)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        if n == 1:
            raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(values)})")
        rule = _LENGTH_RULES.get(name, "must either be a single int, or a tuple of two ints")
        raise RuntimeError(f"{fn}: {name} {rule}")
    return tuple(int(v) for v in values)


def stride_tuple(stride, kernel: tuple, fn: str) -> tuple[int, ...]:
    """``stride`` as a tuple like ``kernel``; omitted (None or empty) means stride = kernel size."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return kernel
    return int_tuple(stride, len(kernel), fn, "stride")


def lift_1d(kernel: tuple, stride: tuple, padding: tuple, dilation: tuple = (1,)) -> tuple:
    """1-D window arguments as the 2-D ones of a height-1 window over a (.., 1, L) input."""
    return (1,) + kernel, (1,) + stride, (0,) + padding, (1,) + dilation


def squeeze_height(result):
    """Undo the (.., 1, L) lift of 1-D ops on an output, or on an (output, indices) pair."""
    if isinstance(result, tuple):
        return tuple(t.squeeze(-2) for t in result)
    return result.squeeze(-2)


def check_1d_input(input: Tensor, fn: str) -> None:
    """1-D ops take (N, C, L) or unbatched (C, L)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {fn})")


def check_pool2d(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                 ceil_mode: bool) -> None:
    """Validate a strided 2-D pooling of ``input`` ((N, C, H, W) or (C, H, W)) as PyTorch does,
    down to its output size ``floor((size + 2 pad - dilation (kernel - 1) - 1) / stride) + 1`` per
    axis (rounded up with ``ceil_mode``; see ``kernels/pool_output_size.py``) being at least 1."""
    shape = tuple(input.shape)
    non_batch = shape[-3:] if len(shape) == 4 else shape
    if len(shape) not in (3, 4) or 0 in non_batch:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(shape)}")
    geometry = kernel_module("pool_output_size", input.device)
    out_hw = []
    for size, k, s, p, d in zip(shape[-2:], kernel, stride, padding, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > int(((k - 1) * d + 1) / 2):  # C++ integer division: truncates toward zero
            raise RuntimeError("pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
        out_hw.append(geometry.pool_output_size(size, k, s, p, d, ceil_mode))
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kh} kW: {kw}")
    if sh <= 0 or sw <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {sh} dW: {sw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dh} dilationW: {dw}")
    if kw // 2 < pw or kh // 2 < ph:
        raise RuntimeError("pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}")
    if min(out_hw) < 1:
        channels, (h, w), (oh, ow) = shape[-3], shape[-2:], out_hw
        raise RuntimeError(f"Given input size: ({channels}x{h}x{w}). Calculated output size: "
                           f"({channels}x{oh}x{ow}). Output size is too small")


def adaptive_output_hw(input: Tensor, output_size, fn: str) -> tuple[int, int]:
    """Validate an adaptive 2-D pooling as PyTorch does; ``output_size`` is an int or a pair whose
    None entries keep the input's size. Returns (OH, OW)."""
    if isinstance(output_size, (tuple, list)):
        if input.ndim <= len(output_size):
            raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
        defaults = input.shape[-len(output_size):]
        output_size = tuple(d if v is None else v for v, d in zip(output_size, defaults))
    else:
        output_size = (output_size, output_size)
    _check_ints(output_size, fn, "output_size")
    if len(output_size) != 2:
        raise RuntimeError(f"{fn}: output_size must be 2")
    if min(output_size) < 0:
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but "
                           f"received {{{output_size[0]}, {output_size[1]}}}")
    shape = list(input.shape)
    if len(shape) not in (3, 4):
        raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got {shape}")
    for dim in range(1, len(shape)):
        if shape[dim] == 0:
            raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, "
                               f"but input has sizes {shape} with dimension {dim} being empty")
    return tuple(int(v) for v in output_size)


def planes(x: np.ndarray) -> np.ndarray:
    """(..., H, W) -> (1, P, H, W) with P the product of the leading dims (a view when possible)."""
    return x.reshape((1, math.prod(x.shape[:-2])) + x.shape[-2:])


def unplanes(out: np.ndarray, like_shape: tuple) -> np.ndarray:
    """(1, P, OH, OW) -> (..., OH, OW) with the leading dims of ``like_shape``."""
    return out.reshape(tuple(like_shape[:-2]) + out.shape[-2:])
