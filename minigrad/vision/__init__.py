"""``minigrad.vision``: image datasets, transforms and models, as ``torchvision``.

``from minigrad.vision import datasets, models, transforms`` replaces ``from torchvision import
datasets, models, transforms``, and ``minigrad.vision.utils`` has ``make_grid`` and ``save_image``.
Images are numpy arrays (H x W or H x W x C, PIL's layout) or tensors (..., C, H, W); no PIL needed.
"""
from . import datasets, models, transforms, utils

__all__ = ["datasets", "models", "transforms", "utils"]
