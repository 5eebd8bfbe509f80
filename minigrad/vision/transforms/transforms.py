"""Transform objects, as ``torchvision.transforms``: callables on one image, composable.

Batched form: a deterministic transform has ``_batched``, a function applying it to a whole stack
of images (images on a new first axis) with the same result as stacking its per-image outputs.
A dataset can then build a batch with one call (``MNIST`` with ``Compose([ToTensor(),
Normalize(...)])`` does) instead of one call per image. Random and user transforms have none.

Random transforms draw from minigrad's default generator (``minigrad.manual_seed`` repeats them);
inside a DataLoader worker thread, from that worker's own seeded generator (see
``minigrad.utils.data._worker``). Image kinds and the no-autograd rule: see ``functional.py``.
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Callable

from ...utils.data._worker import data_rng
from . import functional as F
from .functional import InterpolationMode


class Compose:
    """Apply ``transforms`` one after another."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = transforms

    def __call__(self, img):
        for transform in self.transforms:
            img = transform(img)
        return img

    @property
    def _batched(self) -> Callable | None:
        steps = [getattr(transform, "_batched", None) for transform in self.transforms]
        if any(step is None for step in steps):
            return None
        return Compose(steps)

    def __repr__(self) -> str:
        lines = "".join(f"\n    {transform}" for transform in self.transforms)
        return f"{type(self).__name__}({lines}\n)"


class ToTensor:
    """``H x W (x C)`` numpy array (or PIL image) -> ``C x H x W`` tensor; uint8 scaled to ``[0, 1]``
    as float32 (``value / 255``), other dtypes kept (see ``functional.to_tensor``)."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def _batched(self, images):
        """``B x H x W`` or ``B x H x W x C`` numpy images -> ``B x C x H x W`` tensor."""
        return F._hwc_to_tensor(images[..., None] if images.ndim == 3 else images)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """``(image[c] - mean[c]) / std[c]`` per channel of a float tensor image ``(..., C, H, W)``.

    MNIST's usual statistics: ``Normalize((0.1307,), (0.3081,))``.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    # normalize already works on (..., C, H, W), a stacked batch included.
    _batched = __call__

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """Apply a user function as a transform."""

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Pad:
    """Pad the image borders (``padding`` forms and modes: see ``functional.pad``)."""

    def __init__(self, padding, fill: float = 0, padding_mode: str = "constant") -> None:
        F._check_padding_args(padding, fill, padding_mode)
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


def _setup_size(size, error_msg: str) -> tuple:
    """An int or 1-sequence ``s`` means ``(s, s)``; a 2-sequence is ``(h, w)``."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return tuple(size)


class RandomCrop:
    """Crop a random ``size`` window (int: square), after optional ``padding``.

    ``pad_if_needed`` pads an image smaller than ``size`` first — by the shortfall on *each* side,
    as torchvision. The window's top-left corner is uniform over every position that fits.
    """

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill: float = 0,
                 padding_mode: str = "constant") -> None:
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img, output_size: tuple) -> tuple:
        """A random ``(top, left, height, width)`` for a crop of ``output_size``."""
        _, height, width = F.get_dimensions(img)
        crop_height, crop_width = output_size
        if height < crop_height or width < crop_width:
            raise ValueError(f"Required crop size {(crop_height, crop_width)} is larger than input image size "
                             f"{(height, width)}")
        if (height, width) == (crop_height, crop_width):
            return 0, 0, height, width
        rng = data_rng()
        top = int(rng.integers(0, height - crop_height + 1))
        left = int(rng.integers(0, width - crop_width + 1))
        return top, left, crop_height, crop_width

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        return F.crop(img, *self.get_params(img, self.size))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror the image left to right with probability ``p``."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def __call__(self, img):
        return F.hflip(img) if data_rng().random() < self.p else img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class Resize:
    """Resize to ``size``: ``(h, w)``, or an int for the shorter edge keeping the aspect ratio
    (``max_size`` caps the longer edge). ``interpolation``: ``InterpolationMode.BILINEAR`` or
    ``NEAREST``; ``antialias`` smooths when shrinking (see ``functional.resize``)."""

    def __init__(self, size, interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 max_size: int | None = None, antialias: bool = True) -> None:
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        if not isinstance(interpolation, InterpolationMode):
            raise TypeError("Argument interpolation should be a InterpolationMode")
        self.size = size
        self.interpolation = interpolation
        self.max_size = max_size
        self.antialias = antialias

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")
