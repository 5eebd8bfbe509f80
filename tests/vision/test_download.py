"""Downloads, with the network replaced by a fake: retries, mirrors, checksums, atomic writes, offline errors."""
import gzip
import hashlib
import os
import socket
import urllib.error

import numpy as np
import pytest

from minigrad.vision import datasets
from minigrad.vision.datasets import _download
from minigrad.vision.datasets._download import Resource


@pytest.fixture
def network(monkeypatch):
    """A fake internet: ``pages[url]`` is the body, or an exception to raise (``default`` for other
    URLs: a transient failure); ``calls`` logs the requests."""
    class Network:
        default = urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    def read_url(url):
        Network.calls.append(url)
        page = Network.pages.get(url, Network.default)
        if isinstance(page, list):  # a sequence of answers, one per attempt
            page = page.pop(0)
        if isinstance(page, Exception):
            raise page
        return page

    Network.pages, Network.calls = {}, []
    monkeypatch.setattr(_download, "_read_url", read_url)
    monkeypatch.setattr(_download, "RETRY_DELAYS_S", (0.0, 0.0))
    return Network


@pytest.fixture
def tiny_mnist_class(idx):
    """An MNIST whose published files are tiny: returns (class, {name: decompressed bytes})."""
    rng = np.random.default_rng(0)
    files = {
        "train-images-idx3-ubyte": idx.bytes(rng.integers(0, 256, (4, 28, 28), dtype=np.uint8)),
        "train-labels-idx1-ubyte": idx.bytes(np.array([1, 2, 3, 4], np.uint8)),
        "t10k-images-idx3-ubyte": idx.bytes(rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)),
        "t10k-labels-idx1-ubyte": idx.bytes(np.array([5, 6], np.uint8)),
    }

    class TinyMNIST(datasets.MNIST):
        mirrors = ["https://first.example/", "https://second.example/"]
        resources = [Resource(name, hashlib.md5(data).hexdigest()) for name, data in files.items()]

    return TinyMNIST, files


def test_offline_download_explains_what_to_do(tmp_path, network):
    with pytest.raises(RuntimeError) as error:
        datasets.MNIST(tmp_path, download=True)
    message = str(error.value)
    raw = os.path.join(str(tmp_path), "MNIST", "raw")
    for resource in datasets.MNIST.resources:
        assert resource.name in message
        assert f"https://ossci-datasets.s3.amazonaws.com/mnist/{resource.name}.gz" in message
        assert f"http://yann.lecun.com/exdb/mnist/{resource.name}.gz" in message
    assert raw in message and "Download failed" in message and "name resolution" in message
    # Three attempts (two retries) per mirror per file, and nothing half-written left behind.
    assert len(network.calls) == 4 * 2 * 3
    assert os.listdir(raw) == []


def test_download_decompresses_verifies_and_loads(tmp_path, network, tiny_mnist_class):
    TinyMNIST, files = tiny_mnist_class
    for name, data in files.items():
        network.pages[f"https://first.example/{name}.gz"] = gzip.compress(data)
    dataset = TinyMNIST(tmp_path, download=True)
    assert dataset.targets.tolist() == [1, 2, 3, 4]
    assert len(network.calls) == 4
    raw = tmp_path / "TinyMNIST" / "raw"
    assert sorted(os.listdir(raw)) == sorted(files)  # decompressed, no temporary files
    assert (raw / "t10k-labels-idx1-ubyte").read_bytes() == files["t10k-labels-idx1-ubyte"]
    calls = len(network.calls)
    TinyMNIST(tmp_path, train=False, download=True)  # already there: no network
    assert len(network.calls) == calls


@pytest.mark.parametrize("error", [
    urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
    urllib.error.HTTPError("https://x", 404, "Not Found", {}, None),
])
def test_permanent_errors_are_not_retried(tmp_path, network, error):
    network.default = error
    with pytest.raises(RuntimeError, match="Download failed"):
        datasets.MNIST(tmp_path, download=True)
    assert len(network.calls) == 4 * 2  # one attempt per mirror per file


def test_download_retries_and_falls_back_to_the_next_mirror(tmp_path, network, tiny_mnist_class):
    TinyMNIST, files = tiny_mnist_class
    for name, data in files.items():
        network.pages[f"https://second.example/{name}.gz"] = gzip.compress(data)
    flaky = "https://second.example/train-images-idx3-ubyte.gz"
    network.pages[flaky] = [TimeoutError("timed out"), gzip.compress(files["train-images-idx3-ubyte"])]
    dataset = TinyMNIST(tmp_path, download=True)
    assert len(dataset) == 4
    assert network.calls.count(flaky) == 2
    assert network.calls.count("https://first.example/train-images-idx3-ubyte.gz") == 3


def test_failure_report_lists_only_the_files_that_failed(tmp_path, network, tiny_mnist_class):
    TinyMNIST, files = tiny_mnist_class
    for name, data in files.items():
        network.pages[f"https://second.example/{name}.gz"] = gzip.compress(data)
    del network.pages["https://second.example/t10k-images-idx3-ubyte.gz"]
    with pytest.raises(RuntimeError) as error:
        TinyMNIST(tmp_path, download=True)
    first_line, details = str(error.value).split("\n", 1)
    assert first_line == "Dataset TinyMNIST not found: missing t10k-images-idx3-ubyte."
    assert "train-images" not in details


def test_bad_checksum_or_archive_is_never_stored(tmp_path, network, tiny_mnist_class):
    TinyMNIST, files = tiny_mnist_class
    for name, data in files.items():
        network.pages[f"https://first.example/{name}.gz"] = gzip.compress(data)
    network.pages["https://first.example/train-labels-idx1-ubyte.gz"] = gzip.compress(b"\x00\x00\x08\x01tampered")
    network.pages["https://first.example/t10k-labels-idx1-ubyte.gz"] = b"not gzip at all"
    with pytest.raises(RuntimeError) as error:
        TinyMNIST(tmp_path, download=True)
    message = str(error.value)
    assert "md5 checksum mismatch" in message and "train-labels-idx1-ubyte" in message
    assert "t10k-labels-idx1-ubyte" in message and "train-images-idx3-ubyte," not in message
    stored = sorted(os.listdir(tmp_path / "TinyMNIST" / "raw"))
    assert stored == ["t10k-images-idx3-ubyte", "train-images-idx3-ubyte"]


def test_files_found_in_root_are_not_downloaded(tmp_path, network, idx):
    idx.write_mnist(tmp_path)
    datasets.MNIST(tmp_path, download=True)
    assert network.calls == []


def test_archive_checksums_check_the_compressed_bytes():
    archive = gzip.compress(b"payload")
    resource = Resource("x", hashlib.md5(archive).hexdigest(), md5_of="archive")
    assert resource.verify(archive, b"payload")
    assert not resource.verify(gzip.compress(b"other"), b"payload")
