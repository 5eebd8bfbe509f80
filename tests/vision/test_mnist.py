"""MNIST / FashionMNIST on tiny generated IDX files, and on the real files when MINIGRAD_DATA is set."""
import gzip
import hashlib
import os

import numpy as np
import pytest

import minigrad
from minigrad.utils.data import DataLoader, default_collate
from minigrad.vision import datasets, transforms


@pytest.fixture
def tiny_root(tmp_path, idx):
    arrays = idx.write_mnist(tmp_path / "MNIST" / "raw")
    return tmp_path, arrays


def test_reads_torchvisions_layout(tiny_root):
    root, arrays = tiny_root
    train = datasets.MNIST(root)
    assert len(train) == 5
    assert train.data.dtype == minigrad.uint8 and train.data.shape == (5, 28, 28)
    assert train.targets.dtype == minigrad.int64
    np.testing.assert_array_equal(train.data.numpy(), arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(train.targets.numpy(), arrays["train-labels-idx1-ubyte"])
    test = datasets.MNIST(str(root), train=False)
    assert len(test) == 3
    np.testing.assert_array_equal(test.data.numpy(), arrays["t10k-images-idx3-ubyte"])


def test_items_are_uint8_arrays_and_int_targets(tiny_root):
    root, arrays = tiny_root
    image, target = datasets.MNIST(root)[2]
    assert isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.shape == (28, 28)
    assert type(target) is int and target == arrays["train-labels-idx1-ubyte"][2]
    np.testing.assert_array_equal(image, arrays["train-images-idx3-ubyte"][2])
    image[:] = 0  # a copy: the dataset is untouched
    assert datasets.MNIST(root).data[2].numpy().any()


def test_transforms_apply_to_items(tiny_root):
    root, arrays = tiny_root
    dataset = datasets.MNIST(root, transform=transforms.ToTensor(), target_transform=lambda y: y + 100)
    image, target = dataset[0]
    assert image.shape == (1, 28, 28) and image.dtype == minigrad.float32
    np.testing.assert_array_equal(image.numpy()[0], arrays["train-images-idx3-ubyte"][0].astype(np.float32) / 255)
    assert target == arrays["train-labels-idx1-ubyte"][0] + 100


def test_files_directly_in_root_and_gzipped(tmp_path, idx):
    arrays = idx.write_mnist(tmp_path, compress=True)
    dataset = datasets.MNIST(tmp_path, train=False)
    np.testing.assert_array_equal(dataset.targets.numpy(), arrays["t10k-labels-idx1-ubyte"])


def test_fashion_mnist_uses_its_own_folder_and_classes(tmp_path, idx):
    idx.write_mnist(tmp_path / "FashionMNIST" / "raw")
    dataset = datasets.FashionMNIST(tmp_path)
    assert len(dataset) == 5 and dataset.classes[9] == "Ankle boot"
    assert dataset.raw_folder == os.path.join(str(tmp_path), "FashionMNIST", "raw")
    with pytest.raises(RuntimeError, match="Dataset MNIST not found"):
        datasets.MNIST(tmp_path)


def test_classes_and_repr(tiny_root):
    root, _ = tiny_root
    dataset = datasets.MNIST(root, train=False)
    assert dataset.classes[3] == "3 - three" and dataset.class_to_idx["7 - seven"] == 7
    assert repr(dataset) == f"Dataset MNIST\n    Number of datapoints: 3\n    Root location: {root}\n    Split: Test"


def test_repr_with_transforms_has_torchvisions_layout(tiny_root):
    root, _ = tiny_root
    dataset = datasets.MNIST(root, transform=transforms.Compose([transforms.ToTensor()]),
                             target_transform=transforms.Lambda(int))
    assert repr(dataset) == (
        "Dataset MNIST\n"
        "    Number of datapoints: 5\n"
        f"    Root location: {root}\n"
        "    Split: Train\n"
        "    StandardTransform\n"
        "Transform: Compose(\n"
        "               ToTensor()\n"
        "           )\n"
        "Target transform: Lambda()"
    )


def test_missing_files_name_the_files_folder_and_urls(tmp_path):
    with pytest.raises(RuntimeError) as error:
        datasets.MNIST(tmp_path, train=False)
    message = str(error.value)
    assert "t10k-images-idx3-ubyte" in message and "t10k-labels-idx1-ubyte" in message
    assert "train-images" not in message
    assert os.path.join(str(tmp_path), "MNIST", "raw") in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz" in message
    assert "http://yann.lecun.com/exdb/mnist/t10k-labels-idx1-ubyte.gz" in message
    assert "download=True" in message


def test_inconsistent_files_are_reported(tmp_path, idx):
    raw = tmp_path / "MNIST" / "raw"
    idx.write_mnist(raw)
    idx.write(raw / "train-labels-idx1-ubyte", idx.bytes(np.zeros(4, np.uint8)))
    with pytest.raises(ValueError, match="holds 5 images but .* holds 4 labels"):
        datasets.MNIST(tmp_path)
    idx.write(raw / "train-images-idx3-ubyte", idx.bytes(np.zeros((4, 784), np.uint8)))
    with pytest.raises(ValueError, match="expected a 3-dimensional IDX array"):
        datasets.MNIST(tmp_path)
    idx.write(raw / "train-images-idx3-ubyte", idx.bytes(np.zeros((4, 28, 28), np.float32)))
    with pytest.raises(ValueError, match="expected uint8 images, found float32"):
        datasets.MNIST(tmp_path)


@pytest.mark.parametrize("transform", [
    None,
    transforms.ToTensor(),
    transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]),
    transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x * 2)]),  # no batched form
])
def test_loader_batches_equal_collated_items(tiny_root, transform):
    root, _ = tiny_root
    dataset = datasets.MNIST(root, transform=transform)
    loaded = list(DataLoader(dataset, batch_size=2, shuffle=True, generator=minigrad.Generator().manual_seed(0)))
    order = list(minigrad.utils.data.RandomSampler(dataset, generator=minigrad.Generator().manual_seed(0)))
    assert len(loaded) == 3
    for b, (images, labels) in enumerate(loaded):
        expected_images, expected_labels = default_collate([dataset[i] for i in order[2 * b: 2 * b + 2]])
        assert images.dtype == expected_images.dtype and labels.dtype == expected_labels.dtype
        np.testing.assert_array_equal(images.numpy(), expected_images.numpy())
        np.testing.assert_array_equal(labels.numpy(), expected_labels.numpy())


# ---- the real files -----------------------------------------------------------------------------

DATA = os.environ.get("MINIGRAD_DATA")
needs_data = pytest.mark.skipif(not DATA, reason="MINIGRAD_DATA is not set")


@pytest.fixture(scope="module")
def real_root(tmp_path_factory):
    """torchvision's layout over the shared files, by symlink (no copy of 11 MB)."""
    raw = tmp_path_factory.mktemp("data") / "MNIST" / "raw"
    raw.mkdir(parents=True)
    shared = os.path.abspath(os.path.join(DATA, "mnist"))  # CI gives a relative path
    for name in os.listdir(shared):
        if name.endswith(".gz"):
            os.symlink(os.path.join(shared, name), raw / name)
    return raw.parent.parent


@needs_data
@pytest.mark.parametrize("train, size, counts", [
    (True, 60000, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]),
    (False, 10000, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]),
])
def test_real_mnist(real_root, train, size, counts):
    dataset = datasets.MNIST(real_root, train=train)
    assert len(dataset) == size and dataset.data.shape == (size, 28, 28)
    assert np.bincount(dataset.targets.numpy(), minlength=10).tolist() == counts
    image, target = dataset[0]
    assert image.shape == (28, 28) and target == (5 if train else 7)


@needs_data
def test_real_files_match_the_published_checksums():
    folder = os.path.join(DATA, "mnist")
    for resource in datasets.MNIST.resources:
        with gzip.open(os.path.join(folder, resource.name + ".gz")) as file:
            data = file.read()
        assert resource.md5_of == "decompressed"
        assert hashlib.md5(data).hexdigest() == resource.md5
        assert resource.verify(b"", data) and not resource.verify(b"", data[:-1])


@needs_data
def test_real_mnist_in_the_usual_pipeline(real_root):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    loader = DataLoader(datasets.MNIST(real_root, train=False, transform=transform), batch_size=1000)
    images, labels = next(iter(loader))
    assert images.shape == (1000, 1, 28, 28) and labels.shape == (1000,)
    # The mean of the normalised test images is close to 0 (the statistics are the training set's).
    assert abs(float(images.mean())) < 0.05
