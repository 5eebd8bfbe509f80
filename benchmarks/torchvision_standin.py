"""The part of torchvision the MNIST examples use, for PyTorch runs without torchvision installed.

``datasets.MNIST``, ``transforms.Compose``, ``transforms.ToTensor`` and ``transforms.Normalize``
do per sample what torchvision's do (same tensors, same order of operations), except that
torchvision's MNIST converts each image to a PIL image first and this one hands ToTensor the uint8
array directly: a little less work per sample than real torchvision, never more.
"""
from __future__ import annotations

import gzip
import os
import struct
from types import SimpleNamespace

import numpy as np
import torch

_FILES = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _read_idx(path: str) -> np.ndarray:
    """An IDX file (plain or gzipped) as an array: magic (2 zero bytes, a type byte, the number of
    dimensions), the dimensions as big-endian uint32, then the uint8 data."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as file:
        data = file.read()
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _find(root: str, name: str) -> str:
    """``name`` or ``name.gz`` in torchvision's ``root/MNIST/raw`` or directly in ``root``."""
    for folder in (os.path.join(root, "MNIST", "raw"), root):
        for candidate in (name, name + ".gz"):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    raise RuntimeError(f"MNIST file {name} not found in {root} (this stand-in does not download)")


class MNIST(torch.utils.data.Dataset):
    """torchvision.datasets.MNIST over files already on disk (``download`` is accepted and ignored)."""

    def __init__(self, root: str, train: bool = True, transform=None, target_transform=None,
                 download: bool = False) -> None:
        images, labels = (_read_idx(_find(os.fspath(root), name)) for name in _FILES[train])
        self.data = torch.from_numpy(images.copy())
        self.targets = torch.from_numpy(labels.astype(np.int64))
        self.transform, self.target_transform = transform, target_transform

    def __getitem__(self, index: int) -> tuple:
        image, target = self.data[index].numpy(), int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __len__(self) -> int:
        return len(self.data)


class Compose:
    def __init__(self, transforms: list) -> None:
        self.transforms = transforms

    def __call__(self, image):
        for transform in self.transforms:
            image = transform(image)
        return image


class ToTensor:
    """H x W (x C) uint8 array -> C x H x W float tensor in [0, 1] (torchvision's ndarray path)."""

    def __call__(self, picture: np.ndarray) -> torch.Tensor:
        if picture.ndim == 2:
            picture = picture[:, :, None]
        image = torch.from_numpy(picture.transpose((2, 0, 1))).contiguous()
        return image.to(dtype=torch.get_default_dtype()).div(255)


class Normalize:
    """``(image[c] - mean[c]) / std[c]`` on a copy, as torchvision's tensor path."""

    def __init__(self, mean, std, inplace: bool = False) -> None:
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        if not self.inplace:
            image = image.clone()
        mean = torch.as_tensor(self.mean, dtype=image.dtype, device=image.device)
        std = torch.as_tensor(self.std, dtype=image.dtype, device=image.device)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {image.dtype}, leading to division by zero.")
        if mean.ndim == 1:
            mean = mean.view(-1, 1, 1)
        if std.ndim == 1:
            std = std.view(-1, 1, 1)
        return image.sub_(mean).div_(std)


datasets = SimpleNamespace(MNIST=MNIST)
transforms = SimpleNamespace(Compose=Compose, ToTensor=ToTensor, Normalize=Normalize)
