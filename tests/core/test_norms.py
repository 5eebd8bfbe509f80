"""linalg.vector_norm, norm, cdist: gradcheck for every order, PyTorch parity (values, dtypes,
grad_fn, gradients), gradients at zero and on ties, errors."""
import math
import warnings

import numpy as np
import pytest

import minigrad as mg

ORDERS = [2, 1, 3, 0.5, -1.5, math.inf, -math.inf, 0]

CASES = [
    *[(f"vector_norm_{p}", lambda m, a, p=p: m.linalg.vector_norm(a, p), [(3, 4)]) for p in ORDERS],
    *[(f"vector_norm_dim_{p}", lambda m, a, p=p: m.linalg.vector_norm(a, p, dim=-1), [(3, 4)]) for p in ORDERS],
    ("vector_norm_dims_keepdim", lambda m, a: m.linalg.vector_norm(a, 3, dim=(0, -1), keepdim=True), [(2, 3, 4)]),
    ("vector_norm_0d", lambda m, a: m.linalg.vector_norm(a, dim=0), [()]),
    ("vector_norm_dtype", lambda m, a: m.linalg.vector_norm(a, dtype=m.float64), [(3,)]),
    ("norm", lambda m, a: m.norm(a), [(3, 4)]),
    ("norm_p_dim", lambda m, a: m.norm(a, 1, 0), [(3, 4)]),
    ("norm_fro_dims", lambda m, a: a.norm("fro", dim=(0, 2), keepdim=True), [(2, 3, 4)]),
    ("norm_none", lambda m, a: a.norm(p=None, dim=1), [(3, 4)]),
    ("norm_inf_method", lambda m, a: a.norm(math.inf), [(3, 4)]),
    *[(f"cdist_{p}", lambda m, a, b, p=p: m.cdist(a, b, p), [(5, 3), (4, 3)]) for p in [2, 1, 3, 0.5, math.inf, 0]],
    ("cdist_batched", lambda m, a, b: m.cdist(a, b), [(2, 1, 5, 3), (3, 4, 3)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


@pytest.mark.parametrize("p", ORDERS)
def test_gradient_at_zeros_and_ties_matches_torch(p, torch_parity):
    """Zero elements (0 * inf for p < 1), an all-zero row (0 / 0 for p = 2), tied maxima."""
    data = np.array([[1.0, 0.0, -3.0, 3.0], [0.0, 0.0, 0.0, 0.0], [2.0, -2.0, 0.5, 0.0]])
    torch_parity(lambda m, a: m.linalg.vector_norm(a, p, dim=1), [mg.tensor(data, requires_grad=True)])


@pytest.mark.parametrize("p", [2, 1, 0.5, math.inf])
def test_cdist_gradient_at_zero_distance_matches_torch(p, torch_parity):
    x1 = np.array([[0.0, 1.0], [2.0, 2.0]])
    x2 = np.array([[0.0, 1.0], [2.0, 0.0], [2.0, 2.0]])
    torch_parity(lambda m, a, b: m.cdist(a, b, p, compute_mode="donot_use_mm_for_euclid_dist"),
                 [mg.tensor(x1, requires_grad=True), mg.tensor(x2, requires_grad=True)])


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_low_precision_inputs_keep_their_dtype(dtype):
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).standard_normal((3, 4)).astype(dtype)
    ours, theirs = mg.linalg.vector_norm(mg.tensor(data), dim=1), torch.linalg.vector_norm(torch.tensor(data), dim=1)
    assert ours.dtype.name == dtype
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-3)
    distances = mg.cdist(mg.tensor(data), mg.tensor(data))
    assert distances.dtype.name == dtype and distances.shape == (3, 3)
    x = mg.tensor(data, requires_grad=True)
    widened = mg.linalg.vector_norm(x, dtype=mg.float64)
    assert widened.dtype == mg.float64
    np.testing.assert_allclose(widened.item(), np.linalg.norm(data.astype(np.float64)), rtol=1e-12)
    widened.backward()
    assert x.grad.dtype.name == dtype


def test_empty_reductions():
    assert mg.linalg.vector_norm(mg.ones(0)).item() == 0.0
    assert mg.linalg.vector_norm(mg.ones(0, 3), math.inf, dim=1).shape == (0,)
    assert mg.cdist(mg.ones(0, 3), mg.ones(2, 3)).shape == (0, 2)
    assert mg.cdist(mg.ones(2, 0), mg.ones(2, 0)).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_nuclear_norm_is_not_implemented():
    with pytest.raises(NotImplementedError, match="nuc"):
        mg.norm(mg.ones(3, 3), "nuc")


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.vector_norm(m.tensor([3, 4])),
    lambda m: m.linalg.vector_norm(m.ones(3), dtype=m.int64),
    lambda m: m.linalg.vector_norm(m.ones(3), dtype=m.float16),
    lambda m: m.linalg.vector_norm(m.ones(0), math.inf),
    lambda m: m.linalg.vector_norm(m.ones(0), -1),
    lambda m: m.linalg.vector_norm(m.ones(0, 3), -math.inf, dim=0),
    lambda m: m.linalg.vector_norm(m.ones(2, 3), dim=(0, 0)),
    lambda m: m.linalg.vector_norm(m.ones(2, 3), dim=2),
    lambda m: m.norm(m.tensor([3, 4])),
    lambda m: m.norm(m.ones(2, 2), "abc"),
    lambda m: m.norm(m.ones(2, 2, 2), "fro", dim=(0, 1, 2)),
    lambda m: m.cdist(m.ones(3), m.ones(2, 3)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 2)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), -1),
    lambda m: m.cdist(m.ones(2, 3, dtype=m.int64), m.ones(2, 3, dtype=m.int64)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3, dtype=m.float64)),
    lambda m: m.cdist(m.ones(2, 5, 3), m.ones(3, 4, 3)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), compute_mode="bad"),
], ids=["int_input", "int_dtype", "narrowing_dtype", "empty_inf", "empty_negative", "empty_dim", "repeated_dim",
        "dim_range", "norm_int", "norm_order", "norm_fro_dims", "cdist_1d", "cdist_columns", "cdist_p", "cdist_int",
        "cdist_dtypes", "cdist_batch", "cdist_mode"])
def test_errors_match_torch(call, same_error):
    same_error(call)


def test_ord_must_be_a_number():
    with pytest.raises(TypeError, match="ord"):
        mg.linalg.vector_norm(mg.ones(3), "fro")


def test_overflow_gives_inf_as_torch_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.linalg.vector_norm(mg.tensor([1e30, 1e30])).item() == math.inf
        assert mg.linalg.vector_norm(mg.tensor([1e20, 1e20]), 3).item() == math.inf
        assert mg.cdist(mg.tensor([[1e30]]), mg.tensor([[-1e30]])).item() == math.inf
