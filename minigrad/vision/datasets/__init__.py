"""Datasets, as ``torchvision.datasets``: ``MNIST``, ``FashionMNIST``, ``KMNIST``, ``EMNIST``, ``CIFAR10``
and ``FakeData`` on the ``VisionDataset`` base."""
from .cifar import CIFAR10
from .fakedata import FakeData
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["CIFAR10", "EMNIST", "FakeData", "FashionMNIST", "KMNIST", "MNIST", "StandardTransform", "VisionDataset"]
