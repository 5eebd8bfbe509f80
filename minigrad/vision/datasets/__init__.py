"""Datasets, as ``torchvision.datasets``: ``MNIST`` and ``FashionMNIST`` on the ``VisionDataset`` base."""
from .mnist import MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["MNIST", "FashionMNIST", "StandardTransform", "VisionDataset"]
