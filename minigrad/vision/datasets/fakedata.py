"""``FakeData``: random images with random labels, for trying a pipeline without any files."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..._random import Generator
from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` ``(C, H, W)`` with labels in ``[0, num_classes)``, as
    ``torchvision.datasets.FakeData``.

    Sample ``i`` is drawn from a generator seeded with ``i + random_offset`` (the default generator
    is left alone), so the same index always gives the same sample. The image is a uint8 numpy
    array in the datasets' layout, ``H x W x C`` (``H x W`` when ``C == 1``; torchvision gives a
    PIL image), each value uniform in ``[0, 255]``; the target an ``int``.
    """

    def __init__(self, size: int = 1000, image_size: tuple = (3, 224, 224), num_classes: int = 10,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 random_offset: int = 0) -> None:
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index: int) -> tuple:
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng = Generator().manual_seed(index + self.random_offset).numpy
        channels, height, width = self.image_size
        image = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
        image = image[:, :, 0] if channels == 1 else image
        target = int(rng.integers(0, self.num_classes))
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self) -> int:
        return self.size
