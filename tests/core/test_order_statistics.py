"""median, nanmedian, kthvalue, mode, msort, quantile, nanquantile: gradcheck, PyTorch parity
(values, indices, gradients), second derivatives, NaN handling and PyTorch's errors."""
import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("median_all", lambda m, a: m.median(a), [(3, 5)]),
    ("median_dim", lambda m, a: m.median(a, 1), [(3, 4)]),
    ("median_keepdim", lambda m, a: a.median(0, keepdim=True).values, [(3, 4)]),
    ("nanmedian_dim", lambda m, a: m.nanmedian(a, -1), [(2, 5)]),
    ("kthvalue", lambda m, a: m.kthvalue(a, 2, 1), [(3, 4)]),
    ("kthvalue_default_dim", lambda m, a: a.kthvalue(3).values, [(2, 5)]),
    ("msort", lambda m, a: m.msort(a), [(4, 3)]),
    ("quantile_scalar", lambda m, a: m.quantile(a, 0.3), [(3, 4)]),
    ("quantile_vector_dim", lambda m, a: m.quantile(a, m.tensor([0.2, 0.7], dtype=m.float64), dim=1, keepdim=True),
     [(3, 5)]),
    ("quantile_midpoint", lambda m, a: m.quantile(a, 0.3, dim=0, interpolation="midpoint"), [(4, 3)]),
    ("quantile_higher", lambda m, a: a.quantile(0.7, dim=1, interpolation="higher"), [(2, 5)]),
    ("nanquantile", lambda m, a: m.nanquantile(a, 0.25, dim=0), [(5, 2)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case, grad_fn_names=False)


def test_gradgradcheck(case, check_second_derivatives):
    check_second_derivatives(case)


NAN = float("nan")
VALUES = [
    ("median_ties", lambda m, x: m.median(x), [3.0, 1.0, 2.0, 1.0, 5.0, 2.0]),
    ("median_nan", lambda m, x: m.median(x), [1.0, NAN, 2.0]),
    ("median_empty", lambda m, x: m.median(x[:0]) + x.sum(), [1.0]),
    ("nanmedian_all", lambda m, x: m.nanmedian(x), [1.0, NAN, 2.0, 3.0]),
    ("nanmedian_only_nan", lambda m, x: m.nanmedian(x * NAN), [1.0, 2.0]),
    ("median_dim_nan", lambda m, x: m.median(x.reshape(2, 3), 1).values, [3.0, NAN, 1.0, 2.0, 1.0, 0.0]),
    ("nanmedian_dim_nan", lambda m, x: m.nanmedian(x.reshape(2, 3), 1).values, [3.0, NAN, 1.0, NAN, NAN, NAN]),
    ("kthvalue_nan_last", lambda m, x: m.kthvalue(x, 4).values, [3.0, 1.0, NAN, 2.0]),
    ("quantile_nan", lambda m, x: m.quantile(x.reshape(2, 2), 0.5, dim=1), [1.0, NAN, 1.0, 2.0]),
    ("nanquantile_nan", lambda m, x: m.nanquantile(x.reshape(2, 3), 0.5, dim=1), [1.0, NAN, 3.0, NAN, NAN, NAN]),
]


@pytest.mark.parametrize("fn, values", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_values_and_gradients_match_torch(fn, values):
    torch = pytest.importorskip("torch")
    x = mg.tensor(values, dtype=mg.float64, requires_grad=True)
    their_x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    ours, theirs = fn(mg, x), fn(torch, their_x)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy())
    ours.backward(mg.ones_like(ours))
    theirs.backward(torch.ones_like(theirs))
    np.testing.assert_allclose(x.grad.numpy(), their_x.grad.numpy())


@pytest.mark.parametrize("call, indices_too", [
    (lambda m, x: m.median(x, 1), True), (lambda m, x: m.nanmedian(x, 0), True), (lambda m, x: m.mode(x, 1), True),
    (lambda m, x: m.mode(x, 0, keepdim=True), True),
    # PyTorch's kthvalue picks any of equal elements (quickselect): only the values are defined.
    (lambda m, x: m.kthvalue(x, 2, 0), False), (lambda m, x: m.kthvalue(x, 1, 1, True), False),
])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_ties_match_torch(call, indices_too, dtype):
    torch = pytest.importorskip("torch")
    data = np.array([[3, 1, 2, 1, 2, 0], [1, 1, 1, 0, 0, 0], [5, 5, 4, 4, 4, 5]]).astype(dtype)
    ours, theirs = call(mg, mg.tensor(data)), call(torch, torch.tensor(data))
    assert ours.values.tolist() == theirs.values.tolist()
    assert ours.indices.dtype == mg.int64 and ours.indices.shape == tuple(theirs.indices.shape)
    if indices_too:
        assert ours.indices.tolist() == theirs.indices.tolist()


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_interpolations_match_torch(interpolation):
    torch = pytest.importorskip("torch")
    data = np.array([[1.0, 2.0, 3.0, 4.0, 10.0], [0.0, 5.0, 1.0, 2.0, 3.0]])
    q = np.array([0.0, 0.1, 0.375, 0.5, 0.625, 0.9, 1.0])
    for dim, keepdim in [(None, False), (1, False), (0, True), (None, True)]:
        ours = mg.quantile(mg.tensor(data), mg.tensor(q), dim=dim, keepdim=keepdim, interpolation=interpolation)
        theirs = torch.quantile(torch.tensor(data), torch.tensor(q), dim=dim, keepdim=keepdim,
                                interpolation=interpolation)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


ERRORS = [
    ("quantile_long", lambda m: m.quantile(m.tensor([1, 2]), 0.5)),
    ("quantile_q_range", lambda m: m.quantile(m.ones(3), 1.5)),
    ("quantile_q_negative", lambda m: m.quantile(m.ones(3), m.tensor([0.5, -0.5]))),
    ("quantile_q_dtype", lambda m: m.quantile(m.ones(3), m.tensor([0.5], dtype=m.float64))),
    ("quantile_q_2d", lambda m: m.quantile(m.ones(3), m.tensor([[0.5]]))),
    ("quantile_interpolation", lambda m: m.quantile(m.ones(3), 0.5, interpolation="cubic")),
    ("kthvalue_k_range", lambda m: m.kthvalue(m.ones(3), 4)),
    ("kthvalue_k_zero", lambda m: m.kthvalue(m.ones(3), 0)),
    ("median_empty_dim", lambda m: m.median(m.zeros(2, 0), 1)),
]


@pytest.mark.parametrize("call", [c[1] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_match_torch(call, same_error):
    same_error(call)
