"""MNIST and its relatives in the same IDX format: Fashion-MNIST, KMNIST, EMNIST (28 x 28 grayscale images)."""
from __future__ import annotations

import os
import string
from typing import Callable

import numpy as np

from ..._creation import from_numpy
from ..._tensor import Tensor
from ._download import (Archive, Resource, archive_source, download, download_archive, find_file, mirror_urls,
                        missing_files_message)
from ._idx import read_idx
from .vision import VisionDataset, verify_str_arg


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

    @property
    def _file_prefix(self) -> str:
        return "train" if self.train else "t10k"

    def _split_files(self) -> tuple:
        """The names of this split's images and labels files."""
        return f"{self._file_prefix}-images-idx3-ubyte", f"{self._file_prefix}-labels-idx1-ubyte"

    def _missing_message(self, names: list) -> str:
        missing = [resource for resource in self.resources if resource.name in names]
        return missing_files_message(type(self).__name__, names, self.raw_folder, mirror_urls(missing, self.mirrors),
                                     "You can use download=True to download it.")

    def download(self) -> None:
        """Download the files not found on disk (all four, as torchvision) into ``raw_folder``."""
        missing = [r for r in self.resources if find_file(r.name, self._folders) is None]
        if missing:
            download(type(self).__name__, missing, self.mirrors, self.raw_folder)

    def _load_data(self) -> tuple:
        names = self._split_files()
        paths = [find_file(name, self._folders) for name in names]
        missing = [name for name, path in zip(names, paths) if path is None]
        if missing:
            raise RuntimeError(self._missing_message(missing))
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


class KMNIST(MNIST):
    """Kuzushiji-MNIST: cursive Japanese characters (ten hiragana) with MNIST's format, files and API
    (see :class:`MNIST`); looked for in ``root/KMNIST/raw/`` and then ``root``."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    # Only the archives' checksums are published (torchvision's list).
    resources = [
        Resource("train-images-idx3-ubyte", "bdb82020997e1d708af4cf47b453dcf7", md5_of="archive"),
        Resource("train-labels-idx1-ubyte", "e144d726b3acfaa3e44228e80efcd344", md5_of="archive"),
        Resource("t10k-images-idx3-ubyte", "5c965bf0a639b31b8f53240b1b52f4d7", md5_of="archive"),
        Resource("t10k-labels-idx1-ubyte", "7320c461ea6c1c855c0b718fb2a4b134", md5_of="archive"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """Extended MNIST: handwritten digits and letters in six ``split``\\ s, as ``torchvision.datasets.EMNIST``.

    Splits: ``byclass`` (62 classes: digits, upper and lower case), ``bymerge`` and ``balanced``
    (47: the 15 letters whose two cases look alike merged), ``letters`` (26, labels 1-26), ``digits``
    and ``mnist`` (10). Files: ``emnist-<split>-<train|test>-<images-idx3|labels-idx1>-ubyte``
    (plain or ``.gz``) in ``root/EMNIST/raw/`` or ``root``. They are published only together, in
    one zip archive whose md5 is checked; ``download=True`` fetches it and extracts every split's
    ``.gz`` files into ``root/EMNIST/raw/``. The images are stored transposed (as torchvision
    returns them too): ``image.T`` shows the character upright.
    """

    archive = Archive("https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip", "58c8d27c78d21e728a6bc7b3cc06412e")
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # Letters whose upper and lower case look alike share one class in bymerge and balanced.
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root: str | os.PathLike, split: str, **kwargs) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        self.classes = self.classes_split_dict[self.split]
        super().__init__(root, **kwargs)

    @property
    def _file_prefix(self) -> str:
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    def _missing_message(self, names: list) -> str:
        urls, source = archive_source(self.archive)
        return missing_files_message(type(self).__name__, names, self.raw_folder, urls,
                                     "You can use download=True to download it.", source)

    def download(self) -> None:
        """Download and extract the archive unless this split's files are on disk."""
        names = list(self._split_files())
        if any(find_file(name, self._folders) is None for name in names):
            download_archive(type(self).__name__, self.archive, lambda member: member.endswith(".gz"), names,
                             self.raw_folder)
