"""addmm, baddbmm: gradcheck, PyTorch parity (values, grad_fn, gradients), alpha/beta rules, errors."""
import math

import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("addmm", lambda m, i, a, b: m.addmm(i, a, b), [(2, 4), (2, 3), (3, 4)]),
    ("addmm_broadcast_row", lambda m, i, a, b: m.addmm(i, a, b, beta=0.5, alpha=-2.0), [(4,), (2, 3), (3, 4)]),
    ("addmm_broadcast_column_method", lambda m, i, a, b: i.addmm(a, b, alpha=3), [(2, 1), (2, 3), (3, 4)]),
    ("addmm_0d_input", lambda m, i, a, b: m.addmm(i, a, b, beta=2), [(), (2, 3), (3, 4)]),
    ("addmm_beta_zero", lambda m, i, a, b: m.addmm(i, a, b, beta=0), [(2, 4), (2, 3), (3, 4)]),
    ("baddbmm", lambda m, i, a, b: m.baddbmm(i, a, b), [(5, 2, 4), (5, 2, 3), (5, 3, 4)]),
    ("baddbmm_broadcast", lambda m, i, a, b: i.baddbmm(a, b, beta=-1.5, alpha=0.5), [(2, 1), (3, 2, 3), (3, 3, 4)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


def test_beta_zero_ignores_nan_in_input():
    out = mg.addmm(mg.full((2, 2), math.nan), mg.eye(2), mg.ones(2, 2), beta=0)
    assert out.tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize("alpha, beta", [(2, 1), (0.5, 1), (1, 0.7), (3, 2)])
def test_integer_tensors_truncate_alpha_and_beta_as_torch(alpha, beta):
    torch = pytest.importorskip("torch")
    data = [np.arange(4).reshape(2, 2) + k for k in range(3)]
    ours = mg.addmm(*(mg.tensor(d) for d in data), beta=beta, alpha=alpha)
    theirs = torch.addmm(*(torch.tensor(d) for d in data), beta=beta, alpha=alpha)
    assert ours.dtype == mg.int64 and ours.tolist() == theirs.tolist()


def test_inplace_forms():
    x = mg.zeros(2, 2)
    assert x.addmm_(mg.eye(2), mg.ones(2, 2)) is x and x.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    y = mg.zeros(1, 2, 2)
    assert y.baddbmm_(mg.ones(1, 2, 1), mg.ones(1, 1, 2), alpha=2).tolist() == [[[2.0, 2.0], [2.0, 2.0]]]


@pytest.mark.parametrize("call", [
    lambda m: m.addmm(m.ones(3), m.ones(2, 3), m.ones(3, 4)),
    lambda m: m.addmm(m.ones(4), m.ones(2, 3), m.ones(2, 4)),
    lambda m: m.addmm(m.ones(4), m.ones(3), m.ones(3, 4)),
    lambda m: m.addmm(m.ones(4), m.ones(2, 3), m.ones(3)),
    lambda m: m.addmm(m.ones(4), m.ones(2, 3), m.ones(3, 4, dtype=m.float64)),
    lambda m: m.addmm(m.ones(4, dtype=m.float64), m.ones(2, 3), m.ones(3, 4)),
    lambda m: m.baddbmm(m.ones(4), m.ones(5, 2, 3), m.ones(4, 3, 4)),
    lambda m: m.baddbmm(m.ones(4), m.ones(5, 2, 3), m.ones(5, 2, 4)),
    lambda m: m.baddbmm(m.ones(4), m.ones(2, 3), m.ones(3, 4)),
    lambda m: m.baddbmm(m.ones(3), m.ones(5, 2, 3), m.ones(5, 3, 4)),
    lambda m: m.baddbmm(m.ones(4), m.ones(5, 2, 3), m.ones(5, 3, 4, dtype=m.float64)),
    lambda m: m.baddbmm(m.ones(4, dtype=m.float64), m.ones(5, 2, 3), m.ones(5, 3, 4)),
], ids=["input_shape", "inner_sizes", "mat1_1d", "mat2_1d", "mat2_dtype", "input_dtype", "batch_size",
        "batch_inner", "batch_2d", "batch_input_shape", "batch2_dtype", "batch_input_dtype"])
def test_errors_match_torch(call, same_error):
    same_error(call)
