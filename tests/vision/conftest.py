"""Helpers for the vision tests: IDX files written by hand, and tiny MNIST folders."""
import gzip
import os

import numpy as np
import pytest

IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
             np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array``, written independently of the reader under test."""
    header = bytes([0, 0, IDX_CODES[array.dtype], array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, data: bytes, compress: bool = False) -> str:
    path = os.fspath(path) + (".gz" if compress else "")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(gzip.compress(data) if compress else data)
    return path


def tiny_split(n: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def write_mnist(folder, compress: bool = False, n_train: int = 5, n_test: int = 3) -> dict:
    """Tiny MNIST files in ``folder``; returns {file name: array}."""
    (train_x, train_y), (test_x, test_y) = tiny_split(n_train, 0), tiny_split(n_test, 1)
    arrays = {"train-images-idx3-ubyte": train_x, "train-labels-idx1-ubyte": train_y,
              "t10k-images-idx3-ubyte": test_x, "t10k-labels-idx1-ubyte": test_y}
    for name, array in arrays.items():
        write(os.path.join(folder, name), idx_bytes(array), compress)
    return arrays


@pytest.fixture
def idx():
    """Access to the helpers above from tests (importlib mode has no sibling imports)."""
    class Helpers:
        bytes = staticmethod(idx_bytes)
        write = staticmethod(write)
        write_mnist = staticmethod(write_mnist)
    return Helpers
