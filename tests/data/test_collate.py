"""default_collate / default_convert: PyTorch's rules, checked by hand and against torch."""
import collections

import numpy as np
import pytest

import minigrad
from minigrad.utils.data import default_collate, default_convert

Point = collections.namedtuple("Point", ["x", "y"])


def samples_for(lib):
    """The same batches built with minigrad or torch tensors."""
    return [
        [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
        [lib.tensor([[1, 2]], dtype=lib.int32), lib.tensor([[3, 4]], dtype=lib.int32)],
        [np.array([1, 2], dtype=np.uint8), np.array([3, 4], dtype=np.uint8)],
        [np.zeros((2, 2)), np.ones((2, 2))],
        [1.5, 2.5],
        [1, 2, 3],
        [True, False],
        [np.float32(1.5), np.float32(2.0)],
        [np.int16(3), np.int16(-1)],
        ["a", "b"],
        [b"x", b"y"],
        [(lib.tensor([1.0]), 0), (lib.tensor([2.0]), 1)],
        [[1, 2.0], [3, 4.0]],
        [{"image": np.zeros(3), "label": 1, "name": "a"}, {"image": np.ones(3), "label": 2, "name": "b"}],
        [Point(1, 2.0), Point(3, 4.0)],
        [{"nested": [(1, "p"), (2, "q")]}, {"nested": [(3, "r"), (4, "s")]}],
    ]


def test_collate_matches_torch_default_collate(plain):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    for ours, theirs in zip(samples_for(minigrad), samples_for(torch)):
        assert plain(default_collate(ours)) == plain(torch_collate(theirs)), ours


def test_default_convert_matches_torch(plain):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_convert as torch_convert

    for sample in [np.arange(3), np.float64(2.5), (np.zeros(2), "s", 3), {"a": np.ones(1), "b": [np.int8(1)]},
                   Point(np.zeros(1), 1), np.array(["x"]), "text", 7]:
        assert plain(default_convert(sample)) == plain(torch_convert(sample)), sample


def test_collate_by_hand():
    batch = default_collate([(np.array([1, 2], dtype=np.int32), 0.5, "a"), (np.array([3, 4], dtype=np.int32), 1.5, "b")])
    assert isinstance(batch, list)
    images, values, names = batch
    assert images.dtype == minigrad.int32 and images.tolist() == [[1, 2], [3, 4]]
    assert values.dtype == minigrad.float64 and values.tolist() == [0.5, 1.5]
    assert names == ("a", "b")  # PyTorch keeps the transposed tuple of strings
    labels = default_collate([1, 2])
    assert labels.dtype == minigrad.int64
    assert default_collate([True, False]).dtype == minigrad.bool
    point = default_collate([Point(1, 2), Point(3, 4)])
    assert isinstance(point, Point) and point.x.tolist() == [1, 3]


def test_collate_stacks_on_a_new_first_dim():
    batch = default_collate([minigrad.ones(2, 3) * i for i in range(4)])
    assert batch.shape == (4, 2, 3)
    assert batch[:, 0, 0].tolist() == [0, 1, 2, 3]


def test_collate_keeps_autograd_for_tensors_that_require_grad():
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([3.0, 4.0], requires_grad=True)
    batch = default_collate([a, b])
    assert batch.requires_grad
    (batch * minigrad.tensor([[1.0, 1.0], [2.0, 2.0]])).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and b.grad.tolist() == [2.0, 2.0]


def test_collate_errors():
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy arrays, numbers"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([minigrad.zeros(2), minigrad.zeros(3)])


def test_collate_promotes_mixed_dtypes_like_torch(plain):
    torch = pytest.importorskip("torch")
    ours = default_collate([minigrad.tensor([1, 2]), minigrad.tensor([0.5, 1.5])])
    theirs = torch.utils.data.default_collate([torch.tensor([1, 2]), torch.tensor([0.5, 1.5])])
    assert plain(ours) == plain(theirs)
