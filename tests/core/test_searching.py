"""nonzero and searchsorted against PyTorch: values, dtypes, shapes, every form, errors."""
import numpy as np
import pytest

import minigrad as mg


def _same(ours, theirs):
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("data", [
    [[0, 1, 0], [2, 0, 3]],
    [[[0.0, 1.5], [0.0, 0.0]], [[-2.0, 0.0], [0.0, 0.0]]],
    [True, False, True],
    [0, 0],
    5,
    0,
    np.zeros((2, 0, 3)),
], ids=["int_2d", "float_3d", "bool", "all_zero", "0d", "0d_zero", "empty"])
@pytest.mark.parametrize("as_tuple", [False, True])
def test_nonzero_matches_torch(data, as_tuple):
    torch = pytest.importorskip("torch")
    data = np.asarray(data)
    ours, theirs = mg.nonzero(mg.tensor(data), as_tuple=as_tuple), torch.nonzero(torch.tensor(data), as_tuple=as_tuple)
    if as_tuple:
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    else:
        _same(ours, theirs)
    _same(*(t.nonzero() for t in (mg.tensor(data), torch.tensor(data))))


BOUNDARIES_1D = [1.0, 3.0, 3.0, 5.0, 7.0]


@pytest.mark.parametrize("kwargs", [{}, {"right": True}, {"side": "right"}, {"side": "left"}, {"out_int32": True}])
@pytest.mark.parametrize("values", [
    [[3.0, 6.0, 9.0], [0.0, 1.0, 7.0]],
    [3.0, 3.5, -1.0],
    4.0,
    3,
    [[]],
], ids=["2d", "1d", "0d", "scalar", "empty"])
def test_searchsorted_1d_boundaries_match_torch(values, kwargs):
    torch = pytest.importorskip("torch")
    wrap = (lambda m: values) if isinstance(values, (int, float)) else (lambda m: m.tensor(values))
    ours = mg.searchsorted(mg.tensor(BOUNDARIES_1D), wrap(mg), **kwargs)
    _same(ours, torch.searchsorted(torch.tensor(BOUNDARIES_1D), wrap(torch), **kwargs))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_rows_and_sorter_match_torch(side):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    boundaries = np.sort(rng.integers(0, 10, (2, 3, 6)), axis=-1)
    values = rng.integers(-1, 11, (2, 3, 4))
    _same(mg.searchsorted(mg.tensor(boundaries), mg.tensor(values), side=side),
          torch.searchsorted(torch.tensor(boundaries), torch.tensor(values), side=side))
    shuffled = rng.permuted(boundaries, axis=-1)
    sorter = np.argsort(shuffled, axis=-1, kind="stable")
    _same(mg.searchsorted(mg.tensor(shuffled), mg.tensor(values), side=side, sorter=mg.tensor(sorter)),
          torch.searchsorted(torch.tensor(shuffled), torch.tensor(values), side=side, sorter=torch.tensor(sorter)))


def test_searchsorted_mixed_dtypes():
    out = mg.searchsorted(mg.tensor([1, 3, 5]), mg.tensor([2.5, 3.0, 9.0]))
    assert out.tolist() == [1, 1, 3] and out.dtype == mg.int64


@pytest.mark.parametrize("call", [
    lambda m: m.searchsorted(m.tensor([1, 2]), m.tensor([1]), side="middle"),
    lambda m: m.searchsorted(m.tensor([1, 2]), m.tensor([1]), side="left", right=True),
    lambda m: m.searchsorted(m.tensor(1), m.tensor([1])),
    lambda m: m.searchsorted(m.tensor([[1, 3], [2, 4]]), 3),
    lambda m: m.searchsorted(m.tensor([[1, 3], [2, 4]]), m.tensor([[1, 2]])),
    lambda m: m.searchsorted(m.tensor([[1, 3], [2, 4]]), m.tensor([1, 2])),
    lambda m: m.searchsorted(m.tensor([3, 1, 2]), m.tensor([1]), sorter=m.tensor([1, 2])),
], ids=["side", "side_and_right", "0d_boundaries", "scalar_with_2d", "rows_mismatch", "ranks_mismatch", "sorter_size"])
def test_searchsorted_errors_match_torch(call, same_error):
    same_error(call)
