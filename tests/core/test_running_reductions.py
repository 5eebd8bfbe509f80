"""logcumsumexp, cummax, cummin, diff, trapezoid, cumulative_trapezoid, nansum, nanmean, aminmax,
std_mean, var_mean, histc, unique_consecutive and tril_indices / triu_indices: gradcheck, PyTorch
parity, second derivatives, edge values and PyTorch's errors."""

import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("logcumsumexp", lambda m, a: m.logcumsumexp(a, 1), [(3, 4)]),
    ("logcumsumexp_dim0", lambda m, a: a.logcumsumexp(0), [(3, 4)]),
    ("logcumsumexp_0d", lambda m, a: m.logcumsumexp(a, 0), [()]),
    ("cummax", lambda m, a: m.cummax(a, 1).values, [(3, 4)]),
    ("cummin", lambda m, a: a.cummin(0)[0], [(3, 4)]),
    ("diff", lambda m, a: m.diff(a), [(3, 4)]),
    ("diff_n2_dim0", lambda m, a: m.diff(a, n=2, dim=0), [(4, 3)]),
    ("diff_prepend_append", lambda m, a, b, c: m.diff(a, dim=1, prepend=b, append=c), [(2, 3), (2, 1), (2, 2)]),
    ("nansum", lambda m, a: m.nansum(a, 1), [(3, 4)]),
    ("nansum_all", lambda m, a: a.nansum(), [(3, 4)]),
    ("nanmean", lambda m, a: m.nanmean(a, 0, keepdim=True), [(3, 4)]),
    ("aminmax_min", lambda m, a: m.aminmax(a, dim=1).min, [(3, 4)]),
    ("aminmax_max", lambda m, a: a.aminmax(dim=0, keepdim=True).max, [(3, 4)]),
    ("std_mean", lambda m, a: m.std_mean(a, 1), [(3, 4)]),
    ("var_mean", lambda m, a: m.var_mean(a, (0, 1), correction=0, keepdim=True), [(3, 4)]),
    ("trapezoid", lambda m, a: m.trapezoid(a), [(3, 4)]),
    ("trapezoid_dx", lambda m, a: m.trapz(a, dx=0.5, dim=0), [(3, 4)]),
    ("trapezoid_x", lambda m, a, x: m.trapezoid(a, x), [(3, 4), (4,)]),
    ("trapezoid_x_2d", lambda m, a, x: m.trapezoid(a, x, dim=0), [(3, 2), (3, 2)]),
    ("cumulative_trapezoid", lambda m, a, x: m.cumulative_trapezoid(a, x), [(2, 4), (4,)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case, grad_fn_names=False)


def test_gradgradcheck(case, check_second_derivatives):
    check_second_derivatives(case)


@pytest.mark.parametrize("fn", ["logcumsumexp", "nansum"])
def test_grad_fn_names_match_torch(fn):
    torch = pytest.importorskip("torch")
    ours = getattr(mg, fn)(mg.ones(3, requires_grad=True), 0)
    theirs = getattr(torch, fn)(torch.ones(3, requires_grad=True), 0)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


INF, NAN = float("inf"), float("nan")
EDGES = [
    ("logcumsumexp_spread", lambda m, a: m.logcumsumexp(a, 0), [-1000.0, 0.0, 1000.0, -INF]),
    ("logcumsumexp_infinities", lambda m, a: m.logcumsumexp(a, 0), [-INF, -INF, 1.0, INF]),
    ("cummax_ties_and_nan", lambda m, a: m.cummax(a, 0).values, [1.0, 3.0, 3.0, 2.0, NAN, 4.0]),
    ("cummin_ties", lambda m, a: m.cummin(a, 0).values, [2.0, 1.0, 1.0, 3.0, 1.0]),
    ("nansum_nan", lambda m, a: m.nansum(a), [1.0, NAN, 2.0]),
    ("nanmean_all_nan", lambda m, a: m.nanmean(a * NAN), [1.0, 2.0]),
    ("nanmean_some_nan", lambda m, a: m.nanmean(a), [NAN, 2.0, 4.0]),
]


@pytest.mark.parametrize("fn, values", [c[1:] for c in EDGES], ids=[c[0] for c in EDGES])
def test_edge_values_and_gradients_match_torch_silently(fn, values, matches_torch_silently):
    matches_torch_silently(fn, values)


@pytest.mark.parametrize("op", ["cummax", "cummin"])
@pytest.mark.parametrize("values", [[1.0, 3.0, 3.0, 2.0, 5.0, NAN, 4.0], [NAN, 1.0, NAN], [2.0, 2.0, 1.0, 2.0]])
def test_cumulative_extreme_indices_match_torch(op, values):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(mg, op)(mg.tensor(values), 0), getattr(torch, op)(torch.tensor(values), 0)
    assert ours.indices.tolist() == theirs.indices.tolist()
    assert ours.indices.dtype == mg.int64
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())


@pytest.mark.parametrize("dtype", ["int64", "bool"])
@pytest.mark.parametrize("call", [
    lambda m, x: m.cummax(x, 0).indices, lambda m, x: m.cummin(x, 0).values, lambda m, x: m.diff(x),
    lambda m, x: m.nansum(x), lambda m, x: m.diff(x, prepend=x[:1]),
])
def test_integer_and_bool_inputs_match_torch(call, dtype):
    torch = pytest.importorskip("torch")
    data = np.array([1, 0, 3, 3, 2]).astype(dtype)
    ours, theirs = call(mg, mg.tensor(data)), call(torch, torch.tensor(data))
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert ours.tolist() == theirs.tolist()


def test_std_mean_and_var_mean_return_both_as_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).standard_normal((3, 4))
    for name in ("std_mean", "var_mean"):
        ours, theirs = getattr(mg, name)(mg.tensor(data), 1, True), getattr(torch, name)(torch.tensor(data), 1, True)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


@pytest.mark.parametrize("op", ["tril_indices", "triu_indices"])
@pytest.mark.parametrize("row, col, offset", [(3, 3, 0), (3, 4, 1), (4, 3, -1), (0, 3, 0), (2, 5, 10), (3, 2, -5)])
def test_triangle_indices_match_torch(op, row, col, offset):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(mg, op)(row, col, offset), getattr(torch, op)(row, col, offset)
    assert ours.dtype == mg.int64 and ours.shape == tuple(theirs.shape)
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("call", [
    lambda m: m.histc(m.tensor([1.0, 2.0, 1.0, 7.0]), bins=4, min=0, max=3),
    lambda m: m.histc(m.tensor([1.0, 2.0, 1.0, 7.0], dtype=m.float64), bins=3),
    lambda m: m.tensor([2.0, 2.0]).histc(bins=2),
    lambda m: m.unique_consecutive(m.tensor([1, 1, 2, 2, 3, 1, 1]), return_inverse=True, return_counts=True),
    lambda m: m.unique_consecutive(m.tensor([[1, 1], [1, 1], [2, 3]]), dim=0, return_counts=True, return_inverse=True),
    lambda m: m.tensor([[1, 1], [1, 1], [2, 3]]).unique_consecutive(dim=1),
    lambda m: m.unique_consecutive(m.tensor([], dtype=m.int64), return_counts=True),
    lambda m: m.trapezoid(m.tensor([1, 2, 4])),
    lambda m: m.cumulative_trapezoid(m.tensor([1.0])),
])
def test_counts_and_integrals_match_torch(call):
    torch = pytest.importorskip("torch")
    ours, theirs = call(mg), call(torch)
    ours, theirs = (ours, theirs) if isinstance(ours, tuple) else ((ours,), (theirs,))
    for a, b in zip(ours, theirs):
        assert a.dtype.name == str(b.dtype).removeprefix("torch.") and a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


ERRORS = [
    ("histc_long", lambda m: m.histc(m.tensor([1, 2]), bins=2)),
    ("histc_no_bins", lambda m: m.histc(m.tensor([1.0]), bins=0)),
    ("histc_range", lambda m: m.histc(m.tensor([1.0]), bins=2, min=3, max=1)),
    ("histc_nan", lambda m: m.histc(m.tensor([1.0, float("nan")]), bins=2)),
    ("trapezoid_x_length", lambda m: m.trapezoid(m.ones(2), m.ones(3))),
    ("logcumsumexp_long", lambda m: m.logcumsumexp(m.tensor([1, 2]), 0)),
    ("diff_0d", lambda m: m.diff(m.tensor(1.0))),
    ("diff_negative_n", lambda m: m.diff(m.ones(2), n=-1)),
    ("diff_prepend_rank", lambda m: m.diff(m.ones(2, 3), dim=0, prepend=m.zeros(3))),
    ("nanmean_long", lambda m: m.nanmean(m.tensor([1, 2]))),
    ("aminmax_empty", lambda m: m.aminmax(m.zeros(0))),
    ("tril_indices_negative_row", lambda m: m.tril_indices(-1, 3)),
    ("triu_indices_negative_col", lambda m: m.triu_indices(3, -2)),
    ("cummax_dim", lambda m: m.cummax(m.ones(2), 1)),
]


@pytest.mark.parametrize("call", [c[1] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_match_torch(call, same_error):
    same_error(call)
