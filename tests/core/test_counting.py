"""bincount and unique against PyTorch: values, dtypes, shapes, every option, errors."""
import math

import numpy as np
import pytest

import minigrad as mg


def _same(ours, theirs):
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("input_dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("weights_dtype", [None, "float32", "float64", "int64", "bool", "float16"])
@pytest.mark.parametrize("minlength", [0, 9])
def test_bincount_matches_torch(input_dtype, weights_dtype, minlength):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    values = rng.integers(0, 6, 20).astype(input_dtype)
    weights = None if weights_dtype is None else rng.integers(0, 3, 20).astype(weights_dtype)
    ours = mg.bincount(mg.tensor(values), None if weights is None else mg.tensor(weights), minlength)
    theirs = torch.bincount(torch.tensor(values), None if weights is None else torch.tensor(weights), minlength)
    _same(ours, theirs)
    _same(mg.tensor(values).bincount(minlength=minlength), torch.tensor(values).bincount(minlength=minlength))


def test_bincount_of_nothing():
    torch = pytest.importorskip("torch")
    _same(mg.bincount(mg.tensor([], dtype=mg.int64)), torch.bincount(torch.tensor([], dtype=torch.int64)))
    _same(mg.bincount(mg.tensor([], dtype=mg.int64), minlength=3),
          torch.bincount(torch.tensor([], dtype=torch.int64), minlength=3))


@pytest.mark.parametrize("call", [
    lambda m: m.bincount(m.tensor([1, -1])),
    lambda m: m.bincount(m.tensor([[1, 2]])),
    lambda m: m.bincount(m.tensor([1.0, 2.0])),
    lambda m: m.bincount(m.tensor([True])),
    lambda m: m.bincount(m.tensor([1, 2]), m.tensor([1.0])),
    lambda m: m.bincount(m.tensor([1, 2]), m.tensor([[1.0, 2.0]])),
    lambda m: m.bincount(m.tensor([1, 2]), minlength=-1),
], ids=["negative", "2d", "float", "bool", "weights_length", "weights_2d", "minlength"])
def test_bincount_errors_match_torch(call, same_error):
    same_error(call)


def test_bincount_minlength_type():
    with pytest.raises(TypeError, match="minlength"):
        mg.bincount(mg.tensor([1]), minlength=1.5)


UNIQUE_DATA = {
    "int_1d": [5, 2, 7, 2, 9, 1, 5],
    "float_2d": [[3.0, 1.0], [3.0, -2.0], [0.5, 1.0]],
    "bool": [True, False, True],
    "nan": [math.nan, 1.0, math.nan, 1.0],
    "0d": 5,
    "empty": np.zeros(0),
}


@pytest.mark.parametrize("name", list(UNIQUE_DATA))
@pytest.mark.parametrize("return_inverse", [False, True])
@pytest.mark.parametrize("return_counts", [False, True])
def test_unique_matches_torch(name, return_inverse, return_counts):
    torch = pytest.importorskip("torch")
    data = np.asarray(UNIQUE_DATA[name])
    kwargs = {"return_inverse": return_inverse, "return_counts": return_counts}
    ours, theirs = mg.unique(mg.tensor(data), **kwargs), torch.unique(torch.tensor(data), **kwargs)
    if return_inverse or return_counts:
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    else:
        assert isinstance(ours, mg.Tensor)
        _same(ours, theirs)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_along_a_dim_matches_torch(dim):
    torch = pytest.importorskip("torch")
    data = np.array([[3, 1, 3, 1], [3, 1, 3, 2], [0, 2, 0, 2], [3, 1, 3, 1]])
    ours = mg.tensor(data).unique(dim=dim, return_inverse=True, return_counts=True)
    theirs = torch.tensor(data).unique(dim=dim, return_inverse=True, return_counts=True)
    for a, b in zip(ours, theirs):
        _same(a, b)


def test_unique_sorted_false_still_returns_each_value_once():
    values = mg.unique(mg.tensor([3, 1, 3, 2]), sorted=False)
    assert sorted(values.tolist()) == [1, 2, 3]


def test_unique_inverse_rebuilds_the_input():
    x = mg.tensor([[4, 1], [4, 9]])
    values, inverse = mg.unique(x, return_inverse=True)
    assert values[inverse].tolist() == x.tolist()


@pytest.mark.parametrize("call", [
    lambda m: m.unique(m.tensor(5), dim=0),
    lambda m: m.unique(m.tensor([1, 2]), dim=1),
    lambda m: m.unique(m.ones(2, 0), dim=0),
], ids=["0d_dim", "dim_range", "empty_other_dim"])
def test_unique_errors_match_torch(call, same_error):
    same_error(call)
