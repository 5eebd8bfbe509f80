"""Scans and sorting on CUDA tensors against the CPU: values and gradients of cumsum, cumprod (with
and without zeros), logcumsumexp, cummax / cummin, sort / topk (ties, NaN, descending), median /
nanmedian (all elements and along a dim), kthvalue, msort, quantile / nanquantile, and argsort's
order."""
import numpy as np
import pytest

import minigrad as mg

_X = np.random.default_rng(0).standard_normal((3, 4))
_WITH_ZERO = np.where(np.arange(12).reshape(3, 4) % 5 == 2, 0.0, _X)
_TIES_AND_NAN = np.array([[1.0, np.nan, -2.0, 1.0], [0.5, 0.5, np.nan, -1.0], [3.0, 3.0, 3.0, 0.0]])


def _value_and_grad(fn, x: np.ndarray, device: str):
    tensor = mg.tensor(x, device=device, requires_grad=True)
    out = fn(tensor)
    out = out if isinstance(out, mg.Tensor) else out[0]  # the values of (values, indices)
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    (out * mg.tensor(upstream, device=device)).sum().backward()
    return out, tensor.grad


CASES = [
    ("cumsum_dim0", lambda t: mg.cumsum(t, 0), _X),
    ("cumsum_transposed", lambda t: mg.cumsum(t.T, 1), _X),
    ("cumprod_dim1", lambda t: mg.cumprod(t, 1), _X),
    ("cumprod_with_zeros", lambda t: mg.cumprod(t, 1), _WITH_ZERO),
    ("cumprod_with_zeros_dim0", lambda t: mg.cumprod(t, 0), _WITH_ZERO),
    ("logcumsumexp_dim1", lambda t: mg.logcumsumexp(t, 1), _X * 30),
    ("logcumsumexp_dim0", lambda t: mg.logcumsumexp(t, -2), _X),
    ("median", lambda t: mg.median(t), np.round(_X)),
    ("median_nan", lambda t: mg.median(t), _TIES_AND_NAN),
    ("nanmedian", lambda t: mg.nanmedian(t), _TIES_AND_NAN),
    ("cummax", lambda t: mg.cummax(t, 1), _TIES_AND_NAN),
    ("cummin", lambda t: mg.cummin(t, 0), np.round(_X)),
    ("sort_descending_stable", lambda t: mg.sort(t, 1, descending=True, stable=True), _TIES_AND_NAN),
    ("sort_dim0", lambda t: t.sort(0), _TIES_AND_NAN),
    ("topk_smallest", lambda t: mg.topk(t, 2, 0, largest=False), _TIES_AND_NAN),
    ("median_dim", lambda t: mg.median(t, 1), _TIES_AND_NAN),
    ("nanmedian_dim_keepdim", lambda t: mg.nanmedian(t, 0, keepdim=True), _TIES_AND_NAN),
    ("kthvalue", lambda t: mg.kthvalue(t, 3, 1), np.round(_X)),
    ("msort", lambda t: mg.msort(t), _TIES_AND_NAN),
    ("quantile", lambda t: mg.quantile(t, 0.3, 1), _X),
    ("nanquantile", lambda t: mg.nanquantile(t, mg.tensor([0.2, 0.7], dtype=mg.float64, device=t.device), 1),
     _TIES_AND_NAN),
]


@pytest.mark.parametrize("name, fn, x", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_cpu(name, fn, x):
    cpu_out, cpu_grad = _value_and_grad(fn, x, "cpu")
    cuda_out, cuda_grad = _value_and_grad(fn, x, "cuda")
    assert cuda_out.device == mg.device("cuda:0") and cuda_out.dtype == cpu_out.dtype
    np.testing.assert_allclose(cuda_out.detach().cpu().numpy(), cpu_out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(cuda_grad.cpu().numpy(), cpu_grad.numpy(), rtol=1e-12, atol=1e-15)


def test_integer_cumsum_widens_to_int64():
    x = mg.tensor([[1, 2, 3], [4, 5, 6]], dtype=mg.int32, device="cuda")
    out = x.cumsum(1)
    assert out.dtype == mg.int64
    np.testing.assert_array_equal(out.cpu().numpy(), np.cumsum(np.array([[1, 2, 3], [4, 5, 6]]), 1))


@pytest.mark.parametrize("dim, descending", [(1, False), (1, True), (0, True), (0, False)])
def test_argsort_matches_cpu(dim, descending):
    cpu = mg.argsort(mg.tensor(_TIES_AND_NAN), dim, descending, stable=True)
    cuda = mg.argsort(mg.tensor(_TIES_AND_NAN, device="cuda"), dim, descending, stable=True)
    assert cuda.device == mg.device("cuda:0") and cuda.dtype == mg.int64
    np.testing.assert_array_equal(cuda.cpu().numpy(), cpu.numpy())


def test_argsort_and_sort_of_a_scalar():
    scalar = mg.tensor(2.0, device="cuda")
    assert mg.argsort(scalar).device == mg.device("cuda:0")
    values, indices = scalar.sort()
    assert values.item() == 2.0 and indices.item() == 0 and indices.device == mg.device("cuda:0")


@pytest.mark.parametrize("fn", [lambda t: t.sort(1), lambda t: t.topk(2, 1), lambda t: mg.kthvalue(t, 2, 1)])
def test_indices_match_cpu(fn):
    cpu, cuda = fn(mg.tensor(_TIES_AND_NAN)), fn(mg.tensor(_TIES_AND_NAN, device="cuda"))
    np.testing.assert_array_equal(cuda.indices.cpu().numpy(), cpu.indices.numpy())
