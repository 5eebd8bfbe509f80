"""diag, diagonal, trace: gradcheck, PyTorch parity, views, dtypes, errors."""
import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("diag_vector", lambda m, a: m.diag(a), [(3,)]),
    ("diag_vector_above", lambda m, a: m.diag(a, 2), [(3,)]),
    ("diag_vector_below", lambda m, a: a.diag(-1), [(4,)]),
    ("diag_matrix", lambda m, a: m.diag(a), [(3, 4)]),
    ("diag_matrix_offset", lambda m, a: m.diag(a, -2), [(4, 3)]),
    ("diag_matrix_beyond", lambda m, a: m.diag(a, 5), [(3, 4)]),
    ("diagonal", lambda m, a: m.diagonal(a), [(3, 4)]),
    ("diagonal_dims", lambda m, a: m.diagonal(a, 1, -1, 0), [(4, 2, 3)]),
    ("diagonal_method_negative_offset", lambda m, a: a.diagonal(offset=-1, dim1=1, dim2=2), [(2, 4, 3)]),
    ("trace", lambda m, a: m.trace(a), [(3, 3)]),
    ("trace_wide", lambda m, a: a.trace(), [(2, 5)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


def test_diagonal_is_a_writable_view_and_diag_a_copy():
    x = mg.zeros(3, 3)
    d = x.diagonal()
    d += 1
    assert x.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert d._version == x._version == 1
    copy = mg.diag(x)
    copy += 1
    assert x.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


@pytest.mark.parametrize("dtype, expected", [("int32", "int64"), ("uint8", "int64"), ("float32", "float32")])
def test_trace_dtype_matches_torch(dtype, expected):
    torch = pytest.importorskip("torch")
    data = np.arange(9).reshape(3, 3).astype(dtype)
    ours, theirs = mg.trace(mg.tensor(data)), torch.trace(torch.tensor(data))
    assert ours.dtype.name == expected == str(theirs.dtype).removeprefix("torch.")
    assert ours.item() == theirs.item()


@pytest.mark.parametrize("call", [
    lambda m: m.diag(m.ones(2, 2, 2)),
    lambda m: m.diag(m.tensor(1.0)),
    lambda m: m.trace(m.ones(3)),
    lambda m: m.trace(m.ones(2, 2, 2)),
    lambda m: m.trace(m.ones(2, 2, dtype=m.bool)),
    lambda m: m.diagonal(m.ones(2, 2), 0, 1, 1),
    lambda m: m.diagonal(m.ones(2, 2), 0, 0, 2),
], ids=["diag_3d", "diag_0d", "trace_1d", "trace_3d", "trace_bool", "diagonal_same_dims", "diagonal_dim_range"])
def test_errors_match_torch(call, same_error):
    same_error(call)
