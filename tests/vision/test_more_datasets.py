"""KMNIST, EMNIST, CIFAR10 and FakeData: fixture files in each real format (IDX gz, CIFAR pickle
batches in a tar.gz, EMNIST's zip), checksums, downloads through a fake network, and the messages
for missing or corrupt files. Nothing is downloaded."""
import gzip
import hashlib
import io
import os
import pickle
import tarfile
import urllib.error
import zipfile

import numpy as np
import pytest

import minigrad
from minigrad.vision import datasets, transforms
from minigrad.vision.datasets import _download, cifar
from minigrad.vision.datasets._download import Archive, Resource


@pytest.fixture
def offline(monkeypatch):
    """A fake internet: ``pages[url]`` is the body; other URLs fail as with no network."""
    pages, calls = {}, []

    def read_url(url):
        calls.append(url)
        if url in pages:
            return pages[url]
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(_download, "_read_url", read_url)
    monkeypatch.setattr(_download, "RETRY_DELAYS_S", (0.0, 0.0))
    return pages, calls


# ---- KMNIST ---------------------------------------------------------------------------------

def test_kmnist_reads_gzipped_idx_in_torchvision_layout(tmp_path, idx):
    arrays = idx.write_mnist(tmp_path / "KMNIST" / "raw", compress=True)
    train, test = datasets.KMNIST(tmp_path), datasets.KMNIST(tmp_path, train=False)
    assert np.array_equal(train.data.numpy(), arrays["train-images-idx3-ubyte"])
    assert test.targets.tolist() == arrays["t10k-labels-idx1-ubyte"].tolist()
    assert train.classes[:3] == ["o", "ki", "su"] and len(train.classes) == 10


def test_kmnist_download_checks_the_archive_md5(tmp_path, idx, offline):
    pages, _ = offline
    files = {name: gzip.compress(idx.bytes(array)) for name, array in idx.write_mnist(tmp_path / "src").items()}

    class TinyKMNIST(datasets.KMNIST):
        resources = [Resource(name, hashlib.md5(data).hexdigest(), md5_of="archive") for name, data in files.items()]

    for name, data in files.items():
        pages[f"{TinyKMNIST.mirrors[0]}{name}.gz"] = data
    pages[f"{TinyKMNIST.mirrors[0]}t10k-labels-idx1-ubyte.gz"] = gzip.compress(b"\0\0\x08\x01\0\0\0\0")  # other bytes
    with pytest.raises(RuntimeError) as error:
        TinyKMNIST(tmp_path, download=True)
    message = str(error.value)
    assert "t10k-labels-idx1-ubyte" in message and "md5 checksum mismatch" in message
    assert os.path.join(str(tmp_path), "TinyKMNIST", "raw") in message
    assert "train-images-idx3-ubyte" not in message.split("Download failed")[0]  # only the bad file is named


def test_kmnist_offline_message_names_files_folder_and_mirror(tmp_path):
    with pytest.raises(RuntimeError) as error:
        datasets.KMNIST(tmp_path, train=False)
    message = str(error.value)
    assert "t10k-images-idx3-ubyte" in message and "t10k-labels-idx1-ubyte" in message
    assert os.path.join(str(tmp_path), "KMNIST", "raw") in message
    assert "http://codh.rois.ac.jp/kmnist/dataset/kmnist/t10k-images-idx3-ubyte.gz" in message
    assert "download=True" in message


# ---- EMNIST ---------------------------------------------------------------------------------

def _emnist_zip(idx) -> tuple:
    """EMNIST's published zip (members ``gzip/emnist-<split>-<part>-...-ubyte.gz``) for two splits."""
    rng = np.random.default_rng(3)
    arrays = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for split, classes in (("letters", range(1, 27)), ("digits", range(10))):
            for part, n in (("train", 4), ("test", 2)):
                images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
                labels = rng.choice(list(classes), n).astype(np.uint8)
                for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
                    name = f"emnist-{split}-{part}-{kind}-ubyte"
                    arrays[name] = array
                    archive.writestr(f"gzip/{name}.gz", gzip.compress(idx.bytes(array)))
        archive.writestr("gzip/emnist-letters-mapping.txt", "1 65 97\n")
    return buffer.getvalue(), arrays


def test_emnist_split_files_and_classes(tmp_path, idx):
    _, arrays = _emnist_zip(idx)
    for name, array in arrays.items():
        idx.write(tmp_path / "EMNIST" / "raw" / name, idx.bytes(array), compress=True)
    letters = datasets.EMNIST(tmp_path, split="letters", train=False)
    assert np.array_equal(letters.data.numpy(), arrays["emnist-letters-test-images-idx3-ubyte"])
    assert letters.classes[:3] == ["N/A", "a", "b"] and len(letters.classes) == 27
    digits = datasets.EMNIST(tmp_path, "digits")
    assert digits.targets.tolist() == arrays["emnist-digits-train-labels-idx1-ubyte"].tolist()
    assert len(datasets.EMNIST.classes_split_dict["byclass"]) == 62
    assert len(datasets.EMNIST.classes_split_dict["balanced"]) == 47


def test_emnist_rejects_unknown_splits(tmp_path):
    with pytest.raises(ValueError, match="Unknown value 'big' for argument split. Valid values are "
                                         "{'byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist'}."):
        datasets.EMNIST(tmp_path, split="big")
    with pytest.raises(ValueError, match="Expected type str for argument split"):
        datasets.EMNIST(tmp_path, split=3)


def test_emnist_downloads_checks_and_extracts_the_zip(tmp_path, idx, offline):
    pages, calls = offline
    data, arrays = _emnist_zip(idx)

    class TinyEMNIST(datasets.EMNIST):
        archive = Archive("https://nist.example/gzip.zip", hashlib.md5(data).hexdigest())

    pages[TinyEMNIST.archive.url] = data
    dataset = TinyEMNIST(tmp_path, split="letters", download=True)
    assert dataset.targets.tolist() == arrays["emnist-letters-train-labels-idx1-ubyte"].tolist()
    raw = tmp_path / "TinyEMNIST" / "raw"
    assert sorted(os.listdir(raw)) == sorted(f"{name}.gz" for name in arrays)  # every split, no mapping text
    TinyEMNIST(tmp_path, split="digits", download=True)
    assert calls == [TinyEMNIST.archive.url]  # the other split was already extracted


def test_emnist_corrupt_archive_is_refused_and_named(tmp_path, idx, offline):
    pages, _ = offline
    data, _ = _emnist_zip(idx)

    class TinyEMNIST(datasets.EMNIST):
        archive = Archive("https://nist.example/gzip.zip", hashlib.md5(data).hexdigest())

    pages[TinyEMNIST.archive.url] = data[:-10]
    with pytest.raises(RuntimeError) as error:
        TinyEMNIST(tmp_path, split="mnist", download=True)
    message = str(error.value)
    assert "emnist-mnist-train-images-idx3-ubyte" in message and "md5 checksum mismatch" in message
    assert "https://nist.example/gzip.zip" in message
    assert os.listdir(tmp_path / "TinyEMNIST" / "raw") == []


# ---- CIFAR10 --------------------------------------------------------------------------------

def _cifar_batch(rng, n: int) -> dict:
    """One batch as the published files hold it: a pickled dict, images as N x 3072 rows (the red
    plane, then green, then blue, each row-major), labels a list."""
    return {"batch_label": "fixture", "labels": rng.integers(0, 10, n).tolist(),
            "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), "filenames": [f"{i}.png" for i in range(n)]}


@pytest.fixture
def cifar_files():
    """{file name: pickled bytes} of a tiny CIFAR-10 (protocol 2, as the Python 2 originals)."""
    rng = np.random.default_rng(5)
    batches = {f"data_batch_{i}": _cifar_batch(rng, 2) for i in range(1, 6)}
    batches["test_batch"] = _cifar_batch(rng, 3)
    batches["batches.meta"] = {"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                                               "horse", "ship", "truck"], "num_vis": 3072}
    return {name: pickle.dumps(batch, protocol=2) for name, batch in batches.items()}, batches


def _tiny_cifar_class(files: dict, archive_bytes: bytes = b"") -> type:
    class TinyCIFAR10(datasets.CIFAR10):
        archive = Archive("https://cifar.example/cifar-10-python.tar.gz", hashlib.md5(archive_bytes).hexdigest())
        train_list = [[f"data_batch_{i}", hashlib.md5(files[f"data_batch_{i}"]).hexdigest()] for i in range(1, 6)]
        test_list = [["test_batch", hashlib.md5(files["test_batch"]).hexdigest()]]
        meta = {"filename": "batches.meta", "key": "label_names", "md5": hashlib.md5(files["batches.meta"]).hexdigest()}
    return TinyCIFAR10


def _write_folder(folder, files: dict) -> None:
    os.makedirs(folder, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_cifar10_parses_batches_into_hwc_images(tmp_path, cifar_files):
    files, batches = cifar_files
    _write_folder(tmp_path / "cifar-10-batches-py", files)
    TinyCIFAR10 = _tiny_cifar_class(files)
    train, test = TinyCIFAR10(tmp_path), TinyCIFAR10(tmp_path, train=False)
    assert train.data.shape == (10, 32, 32, 3) and train.data.dtype == np.uint8 and len(test) == 3
    row = batches["data_batch_2"]["data"][1]  # the 4th training image
    image, target = train[3]
    assert np.array_equal(image[:, :, 0], row[:1024].reshape(32, 32))  # red plane
    assert np.array_equal(image[:, :, 2], row[2048:].reshape(32, 32))  # blue plane
    assert target == batches["data_batch_2"]["labels"][1]
    assert train.targets == [label for i in range(1, 6) for label in batches[f"data_batch_{i}"]["labels"]]
    assert train.classes[0] == "airplane" and train.class_to_idx["truck"] == 9
    tensor, _ = TinyCIFAR10(tmp_path, transform=transforms.ToTensor())[0]
    assert tuple(tensor.shape) == (3, 32, 32) and tensor.dtype == minigrad.float32
    assert "Split: Test" in repr(test)


def test_cifar10_corrupt_file_names_file_folder_and_archive(tmp_path, cifar_files):
    files, _ = cifar_files
    folder = tmp_path / "cifar-10-batches-py"
    damaged = bytearray(files["data_batch_3"])
    damaged[-100] ^= 1  # one bit of an image flipped
    _write_folder(folder, {**files, "data_batch_3": bytes(damaged)})
    with pytest.raises(RuntimeError) as error:
        _tiny_cifar_class(files)(tmp_path)
    message = str(error.value)
    assert os.path.join(str(folder), "data_batch_3") in message and "corrupt" in message
    assert "download=True" in message and "https://cifar.example/cifar-10-python.tar.gz" in message


def test_cifar10_missing_files_are_listed(tmp_path, cifar_files):
    files, _ = cifar_files
    _write_folder(tmp_path / "cifar-10-batches-py", {"data_batch_1": files["data_batch_1"]})
    with pytest.raises(RuntimeError) as error:
        datasets.CIFAR10(tmp_path)
    message = str(error.value)
    assert "missing data_batch_2, data_batch_3, data_batch_4, data_batch_5, batches.meta" in message
    assert str(tmp_path / "cifar-10-batches-py") in message
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in message


def test_cifar10_downloads_and_extracts_the_tar_gz(tmp_path, cifar_files, offline):
    pages, calls = offline
    files, _ = cifar_files
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    TinyCIFAR10 = _tiny_cifar_class(files, buffer.getvalue())
    pages[TinyCIFAR10.archive.url] = buffer.getvalue()
    assert len(TinyCIFAR10(tmp_path, train=False, download=True)) == 3
    assert sorted(os.listdir(tmp_path / "cifar-10-batches-py")) == sorted(files)
    TinyCIFAR10(tmp_path, download=True)
    assert len(calls) == 1


def test_cifar10_offline_download_says_what_to_do(tmp_path, offline):
    with pytest.raises(RuntimeError) as error:
        datasets.CIFAR10(tmp_path, download=True)
    message = str(error.value)
    assert "Download failed" in message and "name resolution" in message
    assert str(tmp_path / "cifar-10-batches-py") in message and "test_batch" in message


def test_cifar10_pickles_cannot_run_code(tmp_path):
    class Exploit:
        def __reduce__(self):
            return os.system, ("echo pwned",)

    path = tmp_path / "evil"
    path.write_bytes(pickle.dumps({"data": Exploit()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"evil: refusing to load (posix|os|nt)\.system"):
        cifar.load_pickle(str(path))


# ---- FakeData -------------------------------------------------------------------------------

def test_fake_data_shapes_range_and_determinism():
    data = datasets.FakeData(size=4, image_size=(3, 5, 7), num_classes=3)
    image, target = data[2]
    assert image.shape == (5, 7, 3) and image.dtype == np.uint8 and 0 <= target < 3
    assert len(data) == 4 and datasets.FakeData(2, (1, 4, 6))[0][0].shape == (4, 6)
    minigrad.manual_seed(0)
    state = minigrad.default_generator.get_state()
    again = data[2]
    assert np.array_equal(again[0], image) and again[1] == target
    assert minigrad.default_generator.get_state() == state  # the default generator is untouched
    shifted = datasets.FakeData(size=4, image_size=(3, 5, 7), num_classes=3, random_offset=1)
    assert np.array_equal(shifted[1][0], image)  # sample i is seeded with i + random_offset
    assert not np.array_equal(data[1][0], image)
    with pytest.raises(IndexError, match="FakeData index out of range"):
        data[4]
    tensor, label = datasets.FakeData(2, (3, 4, 4), transform=transforms.ToTensor(), target_transform=str)[0]
    assert tuple(tensor.shape) == (3, 4, 4) and isinstance(label, str)
