"""repeat_interleave and meshgrid: gradcheck, PyTorch parity (values, shapes, grad_fn, gradients),
the indices-only form, the indexing warning, errors."""
import warnings

import numpy as np
import pytest

import minigrad as mg

# repeat_interleave with a tensor of counts is index_select in both; minigrad names that node
# IndexBackward0 (its index_select is indexing), PyTorch IndexSelectBackward0.
INDEX_SELECT = {"grad_fn_names": False}

CASES = [
    ("repeat_flat", lambda m, a: m.repeat_interleave(a, 2), [(3, 2)]),
    ("repeat_dim", lambda m, a: a.repeat_interleave(3, dim=0), [(2, 3)]),
    ("repeat_negative_dim", lambda m, a: m.repeat_interleave(a, 2, dim=-1), [(2, 3, 2)]),
    ("repeat_zero", lambda m, a: m.repeat_interleave(a, 0, dim=1), [(2, 3)]),
    ("repeat_0d", lambda m, a: m.repeat_interleave(a, 2), [()]),
    ("repeat_tensor", lambda m, a: m.repeat_interleave(a, m.tensor([1, 0, 2]), dim=0), [(3, 2)], INDEX_SELECT),
    ("repeat_tensor_one_count", lambda m, a: m.repeat_interleave(a, m.tensor([2]), dim=1), [(2, 3)], INDEX_SELECT),
    ("repeat_tensor_flat", lambda m, a: m.repeat_interleave(a, m.tensor(2)), [(2, 2)], INDEX_SELECT),
    ("repeat_output_size", lambda m, a: m.repeat_interleave(a, 2, dim=0, output_size=6), [(3, 2)]),
    ("meshgrid_ij", lambda m, a, b: m.meshgrid(a, b, indexing="ij"), [(3,), (4,)]),
    ("meshgrid_xy", lambda m, a, b, c: m.meshgrid(a, b, c, indexing="xy"), [(2,), (3,), (4,)]),
    ("meshgrid_list_0d", lambda m, a, b: m.meshgrid([a, b], indexing="xy"), [(), (3,)]),
    ("meshgrid_one", lambda m, a: m.meshgrid(a, indexing="xy"), [(3,)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


def test_meshgrid_without_indexing_warns_and_uses_ij():
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="indexing argument"):
        grids = mg.meshgrid(mg.arange(2), mg.arange(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.meshgrid(torch.arange(2), torch.arange(3))
    for a, b in zip(grids, expected):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_meshgrid_matches_numpy():
    x, y = mg.tensor([1, 2, 3]), mg.tensor([10, 20])
    for indexing in ("ij", "xy"):
        expected_grids = np.meshgrid([1, 2, 3], [10, 20], indexing=indexing)
        for ours, expected in zip(mg.meshgrid(x, y, indexing=indexing), expected_grids):
            np.testing.assert_array_equal(ours.numpy(), expected)


@pytest.mark.parametrize("repeats", [[1, 0, 2], [0, 0], [3], []])
def test_repeats_alone_give_indices(repeats):
    torch = pytest.importorskip("torch")
    ours = mg.repeat_interleave(mg.tensor(repeats, dtype=mg.int64))
    theirs = torch.repeat_interleave(torch.tensor(repeats, dtype=torch.int64))
    assert ours.dtype == mg.int64 and ours.tolist() == theirs.tolist()


def test_repeat_keeps_integer_dtype():
    assert mg.tensor([1, 2]).repeat_interleave(2).tolist() == [1, 1, 2, 2]


@pytest.mark.parametrize("call", [
    lambda m: m.repeat_interleave(m.ones(3, 2), m.tensor([1, 2]), dim=0),
    lambda m: m.repeat_interleave(m.ones(3, 2), -1, dim=0),
    lambda m: m.repeat_interleave(m.ones(3, 2), m.tensor([1, -1, 1]), dim=0),
    lambda m: m.repeat_interleave(m.ones(3, 2), m.tensor([1.0, 0.0, 2.0]), dim=0),
    lambda m: m.repeat_interleave(m.ones(3, 2), m.tensor([[1, 0, 2]]), dim=0),
    lambda m: m.meshgrid(m.ones(2), m.arange(3), indexing="ij"),
    lambda m: m.meshgrid(m.arange(2), m.arange(3), indexing="xx"),
    lambda m: m.meshgrid(indexing="ij"),
    lambda m: m.meshgrid([1, 2], indexing="xy"),
    lambda m: m.meshgrid(m.ones(2, 2), m.ones(3), indexing="ij"),
    lambda m: m.repeat_interleave(m.tensor(1.0), 2, dim=0),
    lambda m: m.repeat_interleave(m.tensor(1.0), m.tensor([2]), dim=0),
], ids=["repeats_length", "negative_int", "negative_tensor", "float_repeats", "2d_repeats", "meshgrid_dtypes",
        "meshgrid_indexing", "meshgrid_empty", "meshgrid_not_tensor", "meshgrid_2d", "0d_dim", "0d_dim_tensor"])
def test_errors_match_torch(call, request, same_error):
    # meshgrid_2d: PyTorch prints the offending tensor in C++'s format; only the type is compared.
    same_error(call, exact=request.node.callspec.id != "meshgrid_2d")
