"""CIFAR-10: 32 x 32 colour images in 10 classes, 50 000 to train and 10 000 to test.

The files are Python pickles (dicts holding numpy arrays and lists), as the dataset is published.
minigrad's own files avoid pickle, since unpickling can run arbitrary code; these are read with
:class:`_SafeUnpickler`, which builds only builtins and numpy arrays, so a tampered file fails
with ``pickle.UnpicklingError`` instead of running anything. Their md5 is checked first anyway.
"""
from __future__ import annotations

import codecs
import os
import pickle
from typing import Callable

import numpy as np

from ._download import Archive, archive_source, download_archive, missing_files_message, verify_file
from .vision import VisionDataset

# The globals a pickled ndarray needs: numpy's reconstructor (its module moved in numpy 2), the
# ndarray and dtype classes, and ``_codecs.encode``, which protocol-2 pickles use for bytes.
_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(0))[0]
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): codecs.encode,
}


class _SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only ``_ALLOWED_GLOBALS`` (anything else could run code)."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only numpy arrays and builtins "
                                         "are allowed in a dataset file") from None


def load_pickle(path: str) -> dict:
    """The dict pickled in ``path`` (Python 2 strings decoded as latin-1, as torchvision does)."""
    with open(path, "rb") as file:
        try:
            return _SafeUnpickler(file, encoding="latin1").load()
        except pickle.UnpicklingError as error:
            raise pickle.UnpicklingError(f"{path}: {error}") from None


class CIFAR10(VisionDataset):
    """The CIFAR-10 images, as ``torchvision.datasets.CIFAR10``.

    Files: torchvision's layout ``root/cifar-10-batches-py/`` holding ``data_batch_1`` to
    ``data_batch_5``, ``test_batch`` and ``batches.meta``; each is checked against its md5 when
    loaded. ``download=True`` fetches the ``.tar.gz`` archive, checks its md5 and extracts them; a
    missing or corrupt file raises a RuntimeError naming it, the folder and the archive's URL.

    Attributes: ``data`` (uint8 numpy array N x 32 x 32 x 3), ``targets`` (list of ints),
    ``classes``, ``class_to_idx``. ``dataset[i]`` is ``(image, target)``: the image a uint8
    32 x 32 x 3 numpy array (torchvision gives a PIL image; ``transforms.ToTensor()`` turns either
    into a float32 3 x 32 x 32 tensor), the target an ``int``.
    """

    base_folder = "cifar-10-batches-py"
    archive = Archive("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a")
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root: str | os.PathLike, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        self._check_present()
        batches = [self._load_checked(name, md5) for name, md5 in (self.train_list if train else self.test_list)]
        self.data = np.vstack([batch["data"] for batch in batches]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self.targets = [int(label) for batch in batches for label in batch.get("labels", batch.get("fine_labels"))]
        self.classes = self._load_checked(self.meta["filename"], self.meta["md5"])[self.meta["key"]]
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    @property
    def folder(self) -> str:
        return os.path.join(self.root, self.base_folder)

    @property
    def _files(self) -> list:
        return [*self.train_list, *self.test_list, [self.meta["filename"], self.meta["md5"]]]

    def _check_present(self) -> None:
        """RuntimeError naming every file of this split (and the metadata) that is not on disk."""
        needed = [*(self.train_list if self.train else self.test_list), [self.meta["filename"], None]]
        missing = [name for name, _ in needed if not os.path.isfile(os.path.join(self.folder, name))]
        if missing:
            urls, source = archive_source(self.archive)
            raise RuntimeError(missing_files_message(type(self).__name__, missing, self.folder, urls,
                                                     "You can use download=True to download it.", source,
                                                     gzip_ok=False))

    def _load_checked(self, name: str, md5: str) -> dict:
        path = os.path.join(self.folder, name)
        verify_file(path, md5, type(self).__name__, *archive_source(self.archive))
        return load_pickle(path)

    def download(self) -> None:
        """Download and extract the archive unless every file is on disk (not checked: loading does)."""
        names = [name for name, _ in self._files]
        if not all(os.path.isfile(os.path.join(self.folder, name)) for name in names):
            download_archive(type(self).__name__, self.archive, lambda member: member in names, names, self.folder)

    def __getitem__(self, index: int) -> tuple:
        image, target = self.data[index], self.targets[index]
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"
