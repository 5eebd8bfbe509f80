"""MNIST and Fashion-MNIST: 28 x 28 grayscale images in 10 classes, 60 000 to train and 10 000 to test."""
from __future__ import annotations

import os
from typing import Callable

import numpy as np

from ..._creation import from_numpy
from ..._tensor import Tensor
from ._download import Resource, download, find_file, missing_files_message
from ._idx import read_idx
from .vision import VisionDataset


class MNIST(VisionDataset):
    """The MNIST handwritten digits, as ``torchvision.datasets.MNIST``.

    Files: the four IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``), each plain or gzipped (``.gz``), are
    looked for first in torchvision's layout ``root/MNIST/raw/`` and then directly in ``root``, so
    a folder that simply holds the files works too. ``download=True`` fetches the missing ones from
    the public mirrors into ``root/MNIST/raw/`` and verifies their checksums; without the files
    (and without network) a RuntimeError names the files, the folder and the URLs.

    Attributes: ``data`` (uint8 tensor N x 28 x 28), ``targets`` (int64 tensor N), ``classes``.
    ``dataset[i]`` is ``(image, target)``: the image is a uint8 28 x 28 numpy array (torchvision
    gives a PIL image; ``transforms.ToTensor()`` turns either into a float32 1 x 28 x 28 tensor in
    [0, 1]) and the target an ``int``, each passed through ``transform`` / ``target_transform``.

    Args:
        root: folder holding the dataset (see above).
        train: the 60 000 training samples if True, else the 10 000 test samples.
        transform: applied to each image.
        target_transform: applied to each target.
        download: fetch missing files from the internet first.
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    # md5 of the decompressed files (the same for every mirror and every gzip of them).
    resources = [
        Resource("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"),
        Resource("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"),
        Resource("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
        Resource("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root: str | os.PathLike, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def _folders(self) -> list:
        return [self.raw_folder, os.fspath(self.root)]

    @property
    def class_to_idx(self) -> dict:
        return {name: i for i, name in enumerate(self.classes)}

    def _split_resources(self) -> tuple:
        prefix = "train" if self.train else "t10k"
        by_name = {resource.name: resource for resource in self.resources}
        return by_name[f"{prefix}-images-idx3-ubyte"], by_name[f"{prefix}-labels-idx1-ubyte"]

    def download(self) -> None:
        """Download the files not found on disk (all four, as torchvision) into ``raw_folder``."""
        missing = [r for r in self.resources if find_file(r.name, self._folders) is None]
        if missing:
            download(type(self).__name__, missing, self.mirrors, self.raw_folder)

    def _load_data(self) -> tuple:
        resources = self._split_resources()
        paths = [find_file(resource.name, self._folders) for resource in resources]
        missing = [resource for resource, path in zip(resources, paths) if path is None]
        if missing:
            raise RuntimeError(missing_files_message(type(self).__name__, missing, self.raw_folder, self.mirrors,
                                                     "You can use download=True to download it."))
        images_path, labels_path = paths
        images, labels = read_idx(images_path, ndim=3), read_idx(labels_path, ndim=1)
        if images.dtype != np.uint8:
            raise ValueError(f"{images_path}: expected uint8 images, found {images.dtype}")
        if len(images) != len(labels):
            raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
        return from_numpy(images), from_numpy(labels.astype(np.int64))

    def __getitem__(self, index: int) -> tuple:
        image, target = np.array(self.data._data[index]), int(self.targets._data[index])
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self) -> int:
        return len(self.data)

    @property
    def _collated_batch(self) -> Callable | None:
        """A whole batch at once (see ``utils.data.dataset``): rows of ``data`` and ``targets``, the
        images passed through the transform's batched form; None when the transforms have none."""
        batched = getattr(self.transform, "_batched", None) if self.transform is not None else from_numpy
        if batched is None or self.target_transform is not None:
            return None

        def read(indices) -> list:
            rows = np.asarray(indices, dtype=np.int64)
            images = batched(self.data._data[rows])
            # As default_collate, arrays become tensors.
            return [images if isinstance(images, Tensor) else from_numpy(images), self.targets[rows]]

        return read

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: clothing images with MNIST's format, files and API (see :class:`MNIST`);
    looked for in ``root/FashionMNIST/raw/`` and then ``root``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    # Only the archives' checksums are published (torchvision's list).
    resources = [
        Resource("train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", md5_of="archive"),
        Resource("train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe", md5_of="archive"),
        Resource("t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79", md5_of="archive"),
        Resource("t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310", md5_of="archive"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
