"""Image transforms, as ``torchvision.transforms``; ``transforms.functional`` holds the functions."""
from . import functional
from .functional import InterpolationMode
from .transforms import (Compose, Lambda, Normalize, Pad, RandomAffine, RandomCrop, RandomHorizontalFlip,
                         RandomRotation, Resize, ToTensor)

__all__ = ["Compose", "InterpolationMode", "Lambda", "Normalize", "Pad", "RandomAffine", "RandomCrop",
           "RandomHorizontalFlip", "RandomRotation", "Resize", "ToTensor", "functional"]
