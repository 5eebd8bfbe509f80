"""``minigrad.vision``: image datasets and transforms, as ``torchvision``.

``from minigrad.vision import datasets, transforms`` replaces ``from torchvision import datasets,
transforms``. Images are numpy arrays (H x W or H x W x C, PIL's layout) or tensors (..., C, H, W);
no PIL needed.
"""
from . import datasets, transforms

__all__ = ["datasets", "transforms"]
