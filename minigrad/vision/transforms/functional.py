"""Image functions behind the transforms, as ``torchvision.transforms.functional``.

Images are numpy arrays in PIL's layout, ``H x W`` or ``H x W x C`` (what the datasets return),
or tensors ``(..., C, H, W)`` (what ``to_tensor`` makes); each function returns the kind it was
given. They compute on the storage arrays with numpy: transforms prepare data and record no
autograd history, so a tensor that requires grad (with grad mode on) is refused with an error
rather than silently cut from the graph — use ``minigrad.nn.functional`` ops there.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from enum import Enum
from typing import Callable

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled


class InterpolationMode(Enum):
    """How ``resize`` computes new pixels (torchvision's names; the two minigrad implements)."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"


_PADDING_MODES = ("constant", "edge", "reflect", "symmetric")


def _as_planes(img) -> tuple[np.ndarray, Callable]:
    """``img`` as an array whose last two axes are H and W, and the function that turns such an
    array back into ``img``'s kind and layout."""
    if isinstance(img, Tensor):
        if img.requires_grad and is_grad_enabled():
            raise RuntimeError("minigrad.vision.transforms record no gradients, but got a tensor that requires "
                               "grad; detach it, or use minigrad.nn.functional ops to keep the graph")
        if img.ndim < 2:
            raise TypeError("Tensor is not a torch image.")
        device = img.device
        return img._data, lambda planes: Tensor._from_storage(np.ascontiguousarray(planes), device)
    if isinstance(img, np.ndarray):
        if img.ndim == 2:
            return img, np.ascontiguousarray
        if img.ndim == 3:  # H x W x C -> C x H x W and back (transpose: np.moveaxis costs ~10 us)
            return img.transpose(2, 0, 1), lambda planes: np.ascontiguousarray(planes.transpose(1, 2, 0))
        raise ValueError(f"pic should be 2/3 dimensional. Got {img.ndim} dimensions.")
    raise TypeError(f"img should be a numpy array (H x W or H x W x C) or a Tensor (..., C, H, W). Got {type(img)}")


def get_dimensions(img) -> list:
    """``[channels, height, width]`` of an image."""
    planes, _ = _as_planes(img)
    channels = planes.shape[-3] if planes.ndim > 2 else 1
    return [channels, planes.shape[-2], planes.shape[-1]]


def _is_pil_image(pic) -> bool:
    # Checked by module name so PIL stays an optional dependency.
    return type(pic).__module__.startswith("PIL.")


def to_tensor(pic) -> Tensor:
    """An ``H x W`` / ``H x W x C`` numpy array (or PIL image) as a ``C x H x W`` tensor.

    uint8 values are scaled to ``[0, 1]`` in the default float dtype (``value / 255``); other
    dtypes keep their values and dtype, as torchvision's ``to_tensor``.
    """
    if _is_pil_image(pic):
        pic = np.asarray(pic)
        if pic.dtype == np.bool_:  # mode "1" images: torchvision scales them to 0/255 first
            pic = pic.astype(np.uint8) * np.uint8(255)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if pic.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    return _hwc_to_tensor(pic[:, :, None] if pic.ndim == 2 else pic)


def _hwc_to_tensor(pic: np.ndarray) -> Tensor:
    """``(..., H, W, C)`` array -> ``(..., C, H, W)`` tensor with ``to_tensor``'s dtype rule (leading
    dims pass through, so a stacked batch of images converts at once)."""
    leading = tuple(range(pic.ndim - 3))
    chw = pic.transpose(*leading, pic.ndim - 1, pic.ndim - 3, pic.ndim - 2)  # np.moveaxis, without its ~10 us
    if chw.dtype == np.uint8:
        float_dtype = _dtype.get_default_dtype().numpy
        return Tensor._from_storage(np.divide(chw, float_dtype.type(255), dtype=float_dtype, order="C"))
    _dtype.from_numpy_dtype(chw.dtype)  # TypeError for dtypes tensors can't hold
    return Tensor._from_storage(np.ascontiguousarray(chw))


def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> Tensor:
    """``(tensor[c] - mean[c]) / std[c]`` for each channel ``c`` of a float ``(..., C, H, W)`` tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    data, _ = _as_planes(tensor)
    if data.dtype.kind != "f":
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if data.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    mean, std = np.asarray(mean, dtype=data.dtype), np.asarray(std, dtype=data.dtype)
    if not std.all():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    # One value per channel (or one for all): shaped C x 1 x 1 to broadcast over H and W.
    mean = mean.reshape(-1, 1, 1) if mean.ndim == 1 else mean
    std = std.reshape(-1, 1, 1) if std.ndim == 1 else std
    result = (data - mean) / std
    if result.shape != data.shape:  # PyTorch normalizes in place, so the image's shape must not grow
        raise RuntimeError(f"output with shape {list(data.shape)} doesn't match the broadcast shape {list(result.shape)}")
    if not inplace:
        return Tensor._from_storage(result, tensor.device)
    return tensor._overwrite(result)


def _padding_sides(padding) -> tuple:
    """torchvision's padding forms as ``(left, top, right, bottom)``."""
    if isinstance(padding, numbers.Number):
        return (int(padding),) * 4
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        return tuple(padding * 4)
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    return tuple(padding)


def _check_padding_args(padding, fill, padding_mode) -> None:
    """torchvision's checks of ``pad``'s arguments (``fill``: minigrad pads with one number)."""
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, numbers.Number):
        raise TypeError(f"Got inappropriate fill arg: minigrad pads with one number, got {fill!r}")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in _PADDING_MODES:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def pad(img, padding, fill: float = 0, padding_mode: str = "constant"):
    """Pad the borders of an image.

    ``padding``: an int for every border, ``(left/right, top/bottom)`` or
    ``(left, top, right, bottom)``; a negative amount crops that border instead.
    ``padding_mode``: ``constant`` (``fill``), ``edge`` (repeat the border pixel), ``reflect``
    (mirror without repeating it: ``3 2 | 1 2 3``) or ``symmetric`` (with it: ``2 1 | 1 2 3``).
    """
    _check_padding_args(padding, fill, padding_mode)
    planes, restore = _as_planes(img)
    return restore(_pad_planes(planes, *_padding_sides(padding), fill, padding_mode))


def _pad_planes(planes: np.ndarray, left: int, top: int, right: int, bottom: int, fill: float,
                padding_mode: str) -> np.ndarray:
    """``pad`` on an array whose last two axes are H and W (arguments already checked)."""
    height, width = planes.shape[-2:]
    kept = planes[..., max(-top, 0):height - max(-bottom, 0), max(-left, 0):width - max(-right, 0)]
    top, bottom, left, right = max(top, 0), max(bottom, 0), max(left, 0), max(right, 0)
    if top == bottom == left == right == 0:
        return kept
    if padding_mode != "constant":
        widths = [(0, 0)] * (planes.ndim - 2) + [(top, bottom), (left, right)]
        return np.pad(kept, widths, mode=padding_mode)
    # Constant padding by hand: np.pad costs ~30 us even for a 28 x 28 image, this ~1 us.
    out = np.full(kept.shape[:-2] + (top + kept.shape[-2] + bottom, left + kept.shape[-1] + right), fill, kept.dtype)
    out[..., top:top + kept.shape[-2], left:left + kept.shape[-1]] = kept
    return out


def crop(img, top: int, left: int, height: int, width: int):
    """The ``height x width`` window whose top-left pixel is ``(top, left)``; parts outside the
    image are zero, as torchvision."""
    planes, restore = _as_planes(img)
    image_height, image_width = planes.shape[-2:]
    # Negative padding crops: cut (or, outside the image, add zeros) on each side.
    return restore(_pad_planes(planes, -left, -top, left + width - image_width, top + height - image_height,
                               0, "constant"))


def hflip(img):
    """Mirror an image left to right."""
    planes, restore = _as_planes(img)
    return restore(planes[..., ::-1])


def _resized_size(height: int, width: int, size: list, max_size: int | None) -> list:
    """torchvision's output size: ``[h, w]`` as given, or one number for the shorter edge with the
    aspect ratio kept (the longer edge rounded down), the longer edge capped at ``max_size``."""
    if len(size) == 2:
        return list(size)
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                             f"smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if width <= height else [new_short, new_long]


def _interpolation_matrix(in_size: int, out_size: int, mode: InterpolationMode, antialias: bool) -> np.ndarray:
    """``(out_size, in_size)`` weights: output pixel ``i`` = ``sum_k W[i, k] * input pixel k``.

    nearest:  ``k = floor(i * in/out)`` (PyTorch's ``nearest``, computed in float32 as it does).
    bilinear: output pixel centres sit at ``c_i = (i + 0.5) * in/out`` in input coordinates; the
    weight of input pixel ``k`` is the triangle ``max(0, 1 - |k + 0.5 - c_i| / support)``, rows
    normalised to sum 1. ``support = 1`` is plain bilinear (align_corners=False; the normalisation
    clamps at the borders); with ``antialias`` and shrinking, ``support = in/out`` widens the
    triangle so every input pixel counts (PIL's and PyTorch's antialiased bilinear).
    """
    scale = in_size / out_size
    if mode is InterpolationMode.NEAREST:
        source = np.floor(np.arange(out_size, dtype=np.float32) * np.float32(scale)).astype(np.int64)
        weights = np.zeros((out_size, in_size))
        weights[np.arange(out_size), np.minimum(source, in_size - 1)] = 1.0
        return weights
    support = scale if antialias and scale > 1 else 1.0
    centres = (np.arange(out_size) + 0.5) * scale
    weights = np.maximum(0.0, 1.0 - np.abs(np.arange(in_size) + 0.5 - centres[:, None]) / support)
    return weights / weights.sum(axis=1, keepdims=True)


def resize(img, size, interpolation: InterpolationMode = InterpolationMode.BILINEAR, max_size: int | None = None,
           antialias: bool = True):
    """Resize an image to ``size`` (``[h, w]``, or an int for the shorter edge, aspect ratio kept).

    Pixels are computed by :func:`_interpolation_matrix` along H, then W. Float images keep their
    dtype; integer images are computed in float32 and rounded back. Arrays use the same math as
    tensors (torchvision sends them to PIL, whose antialiased bilinear this matches up to rounding).
    """
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode")
    size = [size] if isinstance(size, int) else list(size)
    if len(size) not in (1, 2):
        raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list")
    if max_size is not None and len(size) != 1:
        raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, i.e. "
                         "size should be an int or a sequence of length 1 in torchscript mode.")
    planes, restore = _as_planes(img)
    height, width = planes.shape[-2:]
    out_height, out_width = _resized_size(height, width, size, max_size)
    if (out_height, out_width) == (height, width):
        return img
    work_dtype = planes.dtype if planes.dtype.kind == "f" else np.dtype(np.float32)
    rows = _interpolation_matrix(height, out_height, interpolation, antialias).astype(work_dtype)
    columns = _interpolation_matrix(width, out_width, interpolation, antialias).astype(work_dtype)
    out = rows @ planes.astype(work_dtype, copy=False) @ columns.T
    if planes.dtype.kind in "iu":
        info = np.iinfo(planes.dtype)
        out = np.clip(np.round(out), info.min, info.max)
    return restore(out.astype(planes.dtype, copy=False))


def _inverse_affine_matrix(center: Sequence[float], angle: float, translate: Sequence[float], scale: float,
                           shear: Sequence[float]) -> list:
    """torchvision's ``_get_inverse_affine_matrix``: the 2 x 3 matrix taking an *output* pixel to
    the *input* point it samples, in coordinates centred on the image.

    The forward map is ``T * C * R * S * Sh * C^-1`` (translate, about ``center`` rotate by
    ``angle`` degrees clockwise on screen, scale, shear by ``shear`` degrees along x then y);
    this is its inverse, ``C * (R S Sh)^-1 * C^-1 * T^-1``.
    """
    rot, shear_x, shear_y = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    (cx, cy), (tx, ty) = center, translate
    a = math.cos(rot - shear_y) / math.cos(shear_y)
    b = -math.cos(rot - shear_y) * math.tan(shear_x) / math.cos(shear_y) - math.sin(rot)
    c = math.sin(rot - shear_y) / math.cos(shear_y)
    d = -math.sin(rot - shear_y) * math.tan(shear_x) / math.cos(shear_y) + math.cos(rot)
    matrix = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty) + cx
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty) + cy
    return matrix


def _expanded_size(matrix: list, width: int, height: int) -> tuple:
    """torchvision's output ``(width, height)`` for ``expand=True``: the box around the image's corners
    under ``matrix`` (rounded outwards, after cutting float noise below 1e-4)."""
    corners = np.array([[-0.5 * width, -0.5 * height, 1.0], [-0.5 * width, 0.5 * height, 1.0],
                        [0.5 * width, 0.5 * height, 1.0], [0.5 * width, -0.5 * height, 1.0]])
    moved = corners @ np.array(matrix).reshape(2, 3).T + [0.5 * width, 0.5 * height]
    tolerance = 1e-4
    high = np.ceil(np.trunc(moved.max(axis=0) / tolerance) * tolerance)
    low = np.floor(np.trunc(moved.min(axis=0) / tolerance) * tolerance)
    size = high - low
    return int(size[0]), int(size[1])


def _fill_values(fill, channels: int) -> np.ndarray:
    """``fill`` (None, a number or one per channel) as a ``(channels, 1, 1)`` array."""
    values = np.zeros(1) if fill is None else np.atleast_1d(np.asarray(fill, dtype=np.float64))
    if values.size not in (1, channels):
        raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image "
                         f"({values.size} != {channels})")
    return np.broadcast_to(values.reshape(-1, 1, 1), (channels, 1, 1))


def _warp(img, matrix: list, interpolation: InterpolationMode, fill, out_size: tuple | None = None):
    """Sample ``img`` through the inverse ``matrix``: output pixel ``(x, y)`` (its centre, relative to
    the output's centre) reads the input at ``matrix @ (x, y, 1)``, the nearest pixel or a bilinear
    blend of four; points outside the input read ``fill``. Integer images are rounded back."""
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode")
    planes, restore = _as_planes(img)
    height, width = planes.shape[-2:]
    out_width, out_height = out_size or (width, height)
    channels = planes.shape[-3] if planes.ndim > 2 else 1
    stack = planes.reshape(-1, channels, height, width).astype(np.float64)
    ys, xs = np.meshgrid(np.arange(out_height) - out_height / 2 + 0.5, np.arange(out_width) - out_width / 2 + 0.5,
                         indexing="ij")
    # Input coordinates in pixel indices (0 is the first pixel's centre), computed as torchvision
    # does (grid_sample's [-1, 1] grid, float32) so that nearest-pixel ties round the same way.
    m = np.array(matrix, dtype=np.float32).reshape(2, 3)
    xs, ys = xs.astype(np.float32), ys.astype(np.float32)
    source = []
    for row, size in zip(m, (width, height)):
        scaled = row / np.float32(0.5 * size)
        grid = xs * scaled[0] + ys * scaled[1] + scaled[2]
        source.append((((grid + 1) * size - 1) / 2).astype(np.float64))
    source_x, source_y = source
    if interpolation == InterpolationMode.NEAREST:
        corners = [(np.rint(source_x), np.rint(source_y), 1.0)]
    else:
        x0, y0 = np.floor(source_x), np.floor(source_y)
        fx, fy = source_x - x0, source_y - y0
        corners = [(x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)),
                   (x0, y0 + 1, (1 - fx) * fy), (x0 + 1, y0 + 1, fx * fy)]
    out = np.zeros(stack.shape[:2] + (out_height, out_width))
    coverage = np.zeros((out_height, out_width))  # weight of the samples that fall inside the image
    for x, y, weight in corners:
        inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)
        weight = np.where(inside, weight, 0.0)
        out += stack[:, :, np.where(inside, y, 0).astype(np.intp), np.where(inside, x, 0).astype(np.intp)] * weight
        coverage += weight
    fill_values = _fill_values(fill, channels)
    if interpolation == InterpolationMode.NEAREST:
        out = np.where(coverage > 0.5, out, fill_values)
    elif fill is not None:
        # torchvision's blend at the border, kept for equal results: the zero-padded sample is
        # weighted by its coverage once more (so the border darkens as well as taking the fill).
        out = out * coverage + (1.0 - coverage) * fill_values
    if planes.dtype.kind in "iub":
        out = np.round(out)
    return restore(out.reshape(planes.shape[:-2] + (out_height, out_width)).astype(planes.dtype))


def _centre_offset(center, width: int, height: int) -> list:
    """A pixel ``center`` ``[x, y]`` relative to the image's centre (``[0, 0]`` when None)."""
    return [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (width, height))]


def rotate(img, angle: float, interpolation: InterpolationMode = InterpolationMode.NEAREST, expand: bool = False,
           center: Sequence[int] | None = None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (``[x, y]`` pixels; None: the
    image centre). ``expand`` enlarges the output to hold the whole rotated image (for rotation about
    the centre); uncovered pixels get ``fill`` (None: 0; a number or one per channel)."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _, height, width = get_dimensions(img)
    # rotate turns counter-clockwise, the affine matrix clockwise: hence -angle (as torchvision).
    matrix = _inverse_affine_matrix(_centre_offset(center, width, height), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    out_size = _expanded_size(matrix, width, height) if expand else None
    return _warp(img, matrix, interpolation, fill, out_size)


def affine(img, angle: float, translate: Sequence[int], scale: float, shear,
           interpolation: InterpolationMode = InterpolationMode.NEAREST, fill=None,
           center: Sequence[int] | None = None):
    """Rotate by ``angle`` degrees clockwise, scale, shear (degrees: one number for x, or ``[x, y]``)
    about ``center``, then translate by ``translate`` ``[dx, dy]`` pixels; uncovered pixels get ``fill``."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    shear = [float(shear), 0.0] if isinstance(shear, numbers.Number) else [float(s) for s in shear]
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    _, height, width = get_dimensions(img)
    matrix = _inverse_affine_matrix(_centre_offset(center, width, height), angle, [float(t) for t in translate],
                                    scale, shear)
    return _warp(img, matrix, interpolation, fill)
