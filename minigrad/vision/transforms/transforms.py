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


def _setup_angle(value, name: str, req_sizes: tuple = (2,)) -> list:
    """torchvision's angle ranges: a number ``d`` means ``[-d, d]``; else a sequence of ``req_sizes`` items."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        value = [-value, value]
    else:
        _check_sequence_input(value, name, req_sizes)
    return [float(d) for d in value]


def _check_sequence_input(value, name: str, req_sizes: tuple) -> None:
    sizes = " or ".join(str(size) for size in req_sizes)
    if not isinstance(value, Sequence):
        raise TypeError(f"{name} should be a sequence of length {sizes}.")
    if len(value) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {sizes}.")


def _check_fill(fill):
    """``fill`` as given (None means 0), refusing what is neither a number nor a sequence."""
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


class RandomRotation:
    """Rotate by an angle drawn uniformly from ``degrees`` (``d``: ``[-d, d]``), counter-clockwise,
    about ``center`` (None: the image centre); see ``functional.rotate`` for ``expand`` and ``fill``."""

    def __init__(self, degrees, interpolation: InterpolationMode = InterpolationMode.NEAREST, expand: bool = False,
                 center=None, fill=0) -> None:
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center
        self.interpolation = interpolation
        self.expand = expand
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(degrees: list) -> float:
        """The random angle, uniform in ``[degrees[0], degrees[1]]``."""
        return float(data_rng().uniform(float(degrees[0]), float(degrees[1])))

    def __call__(self, img):
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, self.fill)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(degrees={self.degrees}, interpolation={self.interpolation.value}, "
                f"expand={self.expand}" + (f", center={self.center}" if self.center is not None else "")
                + (f", fill={self.fill})" if self.fill is not None else ")"))


class RandomAffine:
    """A random affine map about the image centre (or ``center``): rotation by an angle from
    ``degrees`` (clockwise), translation by up to ``translate = (a, b)`` times the width / height
    (whole pixels), scale from ``scale = (low, high)``, shear from ``shear`` (a number ``s``:
    x-shear in ``[-s, s]``; 2 values: x-shear range; 4 values: x- then y-shear ranges), drawn in
    that order as torchvision draws them; uncovered pixels get ``fill``."""

    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation: InterpolationMode = InterpolationMode.NEAREST, fill=0, center=None) -> None:
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear", req_sizes=(2, 4))
        self.interpolation = interpolation
        self.fill = _check_fill(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees: list, translate, scale_ranges, shears, img_size: list) -> tuple:
        """``(angle, (tx, ty), scale, (shear_x, shear_y))`` for an image of ``img_size = [width, height]``."""
        rng = data_rng()
        angle = float(rng.uniform(degrees[0], degrees[1]))
        translations = (0, 0)
        if translate is not None:
            max_dx, max_dy = float(translate[0] * img_size[0]), float(translate[1] * img_size[1])
            translations = (int(round(rng.uniform(-max_dx, max_dx))), int(round(rng.uniform(-max_dy, max_dy))))
        scale = 1.0 if scale_ranges is None else float(rng.uniform(scale_ranges[0], scale_ranges[1]))
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = float(rng.uniform(shears[0], shears[1]))
            if len(shears) == 4:
                shear_y = float(rng.uniform(shears[2], shears[3]))
        return angle, translations, scale, (shear_x, shear_y)

    def __call__(self, img):
        _, height, width = F.get_dimensions(img)
        params = self.get_params(self.degrees, self.translate, self.scale, self.shear, [width, height])
        return F.affine(img, *params, interpolation=self.interpolation, fill=self.fill, center=self.center)

    def __repr__(self) -> str:
        options = [f"degrees={self.degrees}"]
        for name in ("translate", "scale", "shear"):
            if getattr(self, name) is not None:
                options.append(f"{name}={getattr(self, name)}")
        if self.interpolation != InterpolationMode.NEAREST:
            options.append(f"interpolation={self.interpolation.value}")
        if self.fill != 0:
            options.append(f"fill={self.fill}")
        if self.center is not None:
            options.append(f"center={self.center}")
        return f"{type(self).__name__}({', '.join(options)})"
