"""Sub-pixel rearrangement (Shi et al. 2016, "Real-Time Single Image and Video Super-Resolution"):

    pixel_shuffle     (*, C r^2, H, W) -> (*, C, H r, W r),  out[c, h r + i, w r + j] = x[c r^2 + i r + j, h, w]
    pixel_unshuffle   (*, C, H r, W r) -> (*, C r^2, H, W),  the inverse

Each is a reshape, a permutation of axes and a reshape (one copy), and each is the other's
gradient (PyTorch's ``PixelShuffleBackward0`` runs ``pixel_unshuffle`` and vice versa).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction


def _shuffle(x: np.ndarray, r: int) -> np.ndarray:
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    *lead, channels, h, w = x.shape
    n = len(lead)
    split = x.reshape((*lead, channels // (r * r), r, r, h, w))
    moved = split.transpose((*range(n), n, n + 3, n + 1, n + 4, n + 2)).copy()  # (*, C, H, r, W, r)
    return moved.reshape((*lead, channels // (r * r), h * r, w * r))


def _unshuffle(x: np.ndarray, r: int) -> np.ndarray:
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    *lead, channels, h, w = x.shape
    n = len(lead)
    split = x.reshape((*lead, channels, h // r, r, w // r, r))
    moved = split.transpose((*range(n), n, n + 2, n + 4, n + 1, n + 3)).copy()  # (*, C, r, r, H, W)
    return moved.reshape((*lead, channels * r * r, h // r, w // r))


class PixelShuffle(ArrayFunction):
    """``rearrange(x, factor)``; the gradient is the ``inverse`` op's rearrangement of grad."""
    backward_name = "PixelShuffleBackward0"
    rearrange = staticmethod(_shuffle)
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return ctx.rearrange(x, factor)

    @staticmethod
    def backward(ctx, grad):
        return ctx.inverse.compute(grad, ctx.factor), None


class PixelUnshuffle(PixelShuffle):
    backward_name = "PixelUnshuffleBackward0"
    rearrange = staticmethod(_unshuffle)


PixelShuffle.inverse, PixelUnshuffle.inverse = PixelUnshuffle, PixelShuffle


def _check(fn: str, input, factor, name: str) -> None:
    """PyTorch's argument and shape checks, in its order, with its messages."""
    if not isinstance(input, Tensor):
        kind = type(input)
        kind = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {kind}")
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)):
        raise TypeError(f"{fn}(): argument '{name}' (position 2) must be int, not {type(factor).__name__}")
    if input.dim() < 3:
        raise RuntimeError(f"{fn} expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{fn} expects a positive {name}, but got {factor}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r) with r = ``upscale_factor`` (formula in the module
    docstring): moves channel blocks into r x r spatial blocks, as ``torch.nn.functional.pixel_shuffle``."""
    _check("pixel_shuffle", input, upscale_factor, "upscale_factor")
    channels, square = input.shape[-3], upscale_factor * upscale_factor
    if channels % square:
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {square}")
    return PixelShuffle.apply(input, int(upscale_factor))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W) with r = ``downscale_factor``: the inverse of
    ``pixel_shuffle``, as ``torch.nn.functional.pixel_unshuffle``."""
    _check("pixel_unshuffle", input, downscale_factor, "downscale_factor")
    for axis, dim in (("height", -2), ("width", -1)):
        if input.shape[dim] % downscale_factor:
            raise RuntimeError(f"pixel_unshuffle expects {axis} to be divisible by downscale_factor, but "
                               f"input.size({dim})={input.shape[dim]} is not divisible by {downscale_factor}")
    return PixelUnshuffle.apply(input, int(downscale_factor))
