"""amax, amin (and max/min's grad_fn names): gradcheck, PyTorch parity incl. the even split of
the gradient between ties, dtypes, errors."""
import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("amax_all", lambda m, a: m.amax(a), [(3, 4)]),
    ("amax_dim", lambda m, a: m.amax(a, 1), [(3, 4)]),
    ("amax_dims_keepdim", lambda m, a: a.amax((0, -1), keepdim=True), [(2, 3, 4)]),
    ("amin_negative_dim", lambda m, a: m.amin(a, -2), [(3, 4)]),
    ("amin_list_dims", lambda m, a: a.amin([0, 2]), [(2, 3, 4)]),
    ("amin_0d", lambda m, a: m.amin(a, 0), [()]),
    ("max_all", lambda m, a: m.max(a), [(3, 4)]),
    ("min_all", lambda m, a: a.min(), [(3, 4)]),
    ("max_dim", lambda m, a: m.max(a, 1), [(3, 4)]),
    ("min_dim", lambda m, a: m.min(a, 0, keepdim=True), [(3, 4)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


TIES = np.array([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 2.0, 2.0], [-5.0, 0.0, -5.0, 4.0]])


@pytest.mark.parametrize("fn", [
    lambda m, a: m.amax(a),
    lambda m, a: m.amax(a, 1),
    lambda m, a: m.amin(a, 0),
    lambda m, a: m.amin(a, (0, 1), keepdim=True),
    lambda m, a: m.max(a),
    lambda m, a: m.min(a),
], ids=["amax_all", "amax_rows", "amin_columns", "amin_all_keepdim", "max_all", "min_all"])
def test_ties_share_the_gradient_evenly_as_torch(fn, torch_parity):
    torch_parity(fn, [mg.tensor(TIES, requires_grad=True)])


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "float16"])
def test_dtypes_match_torch(dtype):
    torch = pytest.importorskip("torch")
    data = np.array([[1, 5, 3], [0, 2, 2]]).astype(dtype)
    for op in ("amax", "amin"):
        ours, theirs = getattr(mg, op)(mg.tensor(data), 1), getattr(torch, op)(torch.tensor(data), 1)
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", [
    lambda m: m.amax(m.ones(0, 3)),
    lambda m: m.amax(m.ones(0, 3), ()),
    lambda m: m.amin(m.ones(2, 0, 3), (0, 1)),
    lambda m: m.amax(m.ones(2, 3), (0, 0)),
    lambda m: m.amax(m.ones(2, 3), 2),
    lambda m: m.max(m.ones(0)),
    lambda m: m.min(m.ones(2, 0), 1),
], ids=["empty_all", "empty_all_tuple", "empty_dim", "repeated_dim", "dim_range", "max_empty", "min_empty_dim"])
def test_errors_match_torch(call, same_error):
    same_error(call)


def test_empty_along_a_kept_dim_is_fine():
    assert mg.amax(mg.ones(0, 3), 1).shape == (0,)
