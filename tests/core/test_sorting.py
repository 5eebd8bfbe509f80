"""sort, argsort, topk: gradcheck, PyTorch parity (values, indices, dtypes, grad_fn, gradients),
NaN and tie order, named-tuple results, errors."""
import math
import pickle

import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("sort_last", lambda m, a: m.sort(a), [(3, 5)]),
    ("sort_dim0_descending", lambda m, a: m.sort(a, 0, descending=True), [(4, 3)]),
    ("sort_negative_dim_stable", lambda m, a: a.sort(dim=-2, stable=True), [(2, 4, 3)]),
    ("sort_0d", lambda m, a: m.sort(a), [()]),
    ("topk", lambda m, a: m.topk(a, 2), [(3, 5)]),
    ("topk_smallest_dim0", lambda m, a: a.topk(3, dim=0, largest=False), [(4, 3)]),
    ("topk_negative_dim", lambda m, a: m.topk(a, 1, -2), [(2, 4, 3)]),
    ("topk_all", lambda m, a: m.topk(a, 5), [(5,)]),
    ("topk_zero", lambda m, a: m.topk(a, 0), [(2, 5)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "float32", "float16"])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_dtypes_and_stable_ties_match_torch(dtype, descending):
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(0).integers(0, 3, (4, 9)).astype(dtype)  # many ties
    ours = mg.sort(mg.tensor(values), descending=descending, stable=True)
    theirs = torch.sort(torch.tensor(values), descending=descending, stable=True)
    assert ours.values.dtype.name == dtype and ours.indices.dtype == mg.int64
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    np.testing.assert_array_equal(mg.argsort(mg.tensor(values), descending=descending, stable=True).numpy(),
                                  theirs.indices.numpy())


@pytest.mark.parametrize("descending", [False, True])
def test_nan_sorts_as_the_largest_value(descending):
    torch = pytest.importorskip("torch")
    values = [3.0, math.nan, 1.0, -math.inf, math.inf, math.nan]
    ours = mg.sort(mg.tensor(values), descending=descending)
    theirs = torch.sort(torch.tensor(values), descending=descending)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())  # NaNs compare equal here
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    top = mg.topk(mg.tensor(values), 2)
    np.testing.assert_array_equal(top.indices.numpy(), torch.topk(torch.tensor(values), 2).indices.numpy())


def test_tied_values_share_nothing_but_their_own_gradient():
    x = mg.tensor([2.0, 1.0, 2.0, 0.0], dtype=mg.float64, requires_grad=True)
    values, indices = mg.topk(x, 2)
    (values * mg.tensor([10.0, 1.0], dtype=mg.float64)).sum().backward()
    # Each of the two tied 2.0s is picked once: one gets 10, the other 1, by the returned indices.
    expected = np.zeros(4)
    expected[indices.numpy()] = [10.0, 1.0]
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    assert sorted(indices.tolist()) == [0, 2]


def test_argsort_matches_sort_indices_and_has_no_graph():
    x = mg.randn(3, 6, requires_grad=True)
    order = mg.argsort(x, dim=0, descending=True)
    assert order.dtype == mg.int64 and not order.requires_grad
    np.testing.assert_array_equal(order.numpy(), x.sort(0, descending=True).indices.numpy())
    np.testing.assert_array_equal(x.argsort().numpy(), np.argsort(x.detach().numpy(), axis=-1, kind="stable"))


def test_results_are_named_tuples_printed_as_torch():
    torch = pytest.importorskip("torch")
    data = [[3.0, 1.0, 2.0]]
    ours, theirs = mg.tensor(data).sort(), torch.tensor(data).sort()
    values, indices = ours
    assert ours.values is values and ours[1] is indices and isinstance(ours, tuple)
    assert type(ours).__name__ == "sort" and type(mg.topk(mg.tensor(data), 1)).__name__ == "topk"
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    assert repr(mg.tensor(data).max(1)) == repr(torch.tensor(data).max(1)).replace("torch.", "minigrad.")
    assert pickle.loads(pickle.dumps(ours)).indices.tolist() == [[1, 2, 0]]


def test_sort_does_not_change_its_input():
    x = mg.tensor([3.0, 1.0, 2.0])
    mg.sort(x)
    mg.topk(x, 2)
    assert x.tolist() == [3.0, 1.0, 2.0]


# Python-level argument errors (a wrong type, a missing argument): the same type, the parser's wording.
PARSER_ERRORS = {"k_float"}


@pytest.mark.parametrize("call", [
    lambda m: m.topk(m.ones(3, 4), 5),
    lambda m: m.topk(m.ones(3, 4), -1),
    lambda m: m.topk(m.ones(3), 2.0),
    lambda m: m.sort(m.ones(3, 4), 2),
    lambda m: m.argsort(m.ones(3), -2),
    lambda m: m.topk(m.ones(3, 4), 1, dim=2),
], ids=["k_too_big", "k_negative", "k_float", "sort_dim", "argsort_dim", "topk_dim"])
def test_errors_match_torch(call, request, same_error):
    same_error(call, exact=request.node.callspec.id not in PARSER_ERRORS)
