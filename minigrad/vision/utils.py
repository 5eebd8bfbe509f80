"""Image grids and image files, as ``torchvision.utils``: ``make_grid`` and ``save_image``.

``make_grid`` follows torchvision's layout rules: images are laid ``nrow`` to a row, each framed
by ``padding`` pixels of ``pad_value`` (so a grid of ``ymaps x xmaps`` images of ``H x W`` is
``(C, ymaps * (H + padding) + padding, xmaps * (W + padding) + padding)``), single-channel images
become 3-channel, and a single image comes back as it is (3-channel, unpadded). ``save_image``
writes that grid through matplotlib (PNG by default; no PIL needed).
"""
from __future__ import annotations

import math
import os
from typing import BinaryIO, Sequence

import numpy as np

from .._creation import from_numpy
from .._tensor import Tensor

__all__ = ["make_grid", "save_image"]


def make_grid(tensor: Tensor | Sequence[Tensor], nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple | None = None, scale_each: bool = False, pad_value: float = 0.0) -> Tensor:
    """The images of ``tensor`` laid out as one ``(C, H', W')`` image, as ``torchvision.utils.make_grid``.

    Args:
        tensor: a batch ``(B, C, H, W)``, one image ``(C, H, W)`` or ``(H, W)``, or a list of
            same-sized images.
        nrow: images per row; the grid has ``ceil(B / nrow)`` rows of ``min(nrow, B)`` columns.
        padding: pixels of ``pad_value`` around every image.
        normalize: map values to ``[0, 1]``: clamp to ``value_range`` (default: the min and max of
            the values), then ``(x - low) / max(high - low, 1e-5)``.
        value_range: ``(low, high)`` for ``normalize``.
        scale_each: with ``normalize`` and no ``value_range``, each image uses its own min and max.
        pad_value: value of the padding pixels.
    """
    images = _image_batch(tensor, "make_grid")
    device = (tensor if isinstance(tensor, Tensor) else tensor[0]).device
    return _laid_out(images, nrow, padding, normalize, value_range, scale_each, pad_value).to(device)


def _laid_out(images: np.ndarray, nrow: int, padding: int, normalize: bool, value_range: tuple | None,
              scale_each: bool, pad_value: float) -> Tensor:
    if normalize:
        images = _normalized(images, value_range, scale_each)
    if images.shape[0] == 1:
        return from_numpy(np.ascontiguousarray(images[0]))
    count, channels, height, width = images.shape
    columns = min(nrow, count)
    rows = int(math.ceil(count / columns))
    cell_height, cell_width = height + padding, width + padding
    grid = np.full((channels, rows * cell_height + padding, columns * cell_width + padding), pad_value,
                   dtype=images.dtype)
    for k in range(count):
        top = (k // columns) * cell_height + padding
        left = (k % columns) * cell_width + padding
        grid[:, top:top + height, left:left + width] = images[k]
    return from_numpy(grid)


def save_image(tensor: Tensor | Sequence[Tensor], fp: str | os.PathLike | BinaryIO, format: str | None = None,
               **kwargs) -> None:
    """Write ``make_grid(tensor, **kwargs)`` to ``fp`` as an image, as ``torchvision.utils.save_image``.

    Values in ``[0, 1]`` map to ``0..255`` (``x * 255 + 0.5``, clamped, truncated to uint8).
    ``format`` is the file format (default: from ``fp``'s extension, PNG for a file object).
    Grayscale (1 channel, written as RGB), RGB (3) and RGBA (4) images can be written.
    """
    images = _image_batch(tensor, "save_image", writable_channels=(1, 3, 4))
    grid = make_grid(from_numpy(images), **kwargs).numpy()
    with np.errstate(invalid="ignore"):  # NaN pixels become 0, silently, as in torchvision
        pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    from matplotlib import image
    image.imsave(fp, np.ascontiguousarray(pixels), format=format)


def _image_batch(tensor, caller: str, writable_channels: tuple | None = None) -> np.ndarray:
    """``tensor`` as a ``(B, C, H, W)`` array, single-channel images repeated to 3 channels.

    ``writable_channels``: the channel counts an image file can hold (ValueError otherwise)."""
    if isinstance(tensor, (list, tuple)):
        if not tensor:
            raise ValueError(f"{caller} expects a tensor or a non-empty list of tensors, but got an empty list")
        for item in tensor:
            if not isinstance(item, Tensor):
                raise TypeError(f"tensor or list of tensors expected, got a list containing {type(item)}")
        arrays = [item.detach().cpu().numpy() for item in tensor]
        if len({a.shape for a in arrays}) > 1:
            raise ValueError(f"{caller} expects images of one size, but got shapes "
                             f"{[tuple(a.shape) for a in arrays]}")
        images = np.stack(arrays)
    elif isinstance(tensor, Tensor):
        images = tensor.detach().cpu().numpy()
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    shape = tuple(images.shape)
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 3:
        images = images[None]
    if images.ndim != 4 or 0 in images.shape:
        raise ValueError(f"{caller} expects an image (H, W) or (C, H, W), a batch (B, C, H, W) or a list of "
                         f"images, but got a tensor of shape {shape}")
    if writable_channels is not None and images.shape[1] not in writable_channels:
        raise ValueError(f"{caller} writes grayscale (1 channel), RGB (3) or RGBA (4) images, but got "
                         f"{images.shape[1]} channels in a tensor of shape {shape}")
    if images.shape[1] == 1:
        images = np.repeat(images, 3, axis=1)
    return images


def _normalized(images: np.ndarray, value_range: tuple | None, scale_each: bool) -> np.ndarray:
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

    def scaled(values: np.ndarray) -> np.ndarray:
        low, high = value_range if value_range is not None else (float(values.min()), float(values.max()))
        return (np.clip(values, low, high) - low) / max(high - low, 1e-5)

    if scale_each:
        return np.stack([scaled(image) for image in images]).astype(images.dtype, copy=False)
    return scaled(images).astype(images.dtype, copy=False)
