"""tril, triu: gradcheck, PyTorch parity over diagonals and batches, in-place forms, errors."""
import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("tril", lambda m, a: m.tril(a), [(4, 4)]),
    ("tril_above", lambda m, a: m.tril(a, 1), [(3, 5)]),
    ("tril_below_batched", lambda m, a: a.tril(-1), [(2, 4, 3)]),
    ("triu", lambda m, a: m.triu(a), [(4, 4)]),
    ("triu_above_batched", lambda m, a: a.triu(2), [(2, 3, 5)]),
    ("triu_below", lambda m, a: m.triu(a, diagonal=-2), [(5, 3)]),
    ("triu_far", lambda m, a: m.triu(a, 7), [(3, 4)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


@pytest.mark.parametrize("dtype", ["int64", "bool", "float32"])
def test_keeps_dtype(dtype):
    x = mg.tensor(np.ones((3, 3), dtype))
    assert mg.tril(x).dtype.name == dtype
    assert mg.triu(x, 1).numpy().astype(int).tolist() == [[0, 1, 1], [0, 0, 1], [0, 0, 0]]


def test_inplace_forms():
    x = mg.ones(3, 3)
    assert x.tril_() is x and x.tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    assert x.triu_(0).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


# Python-level argument errors (a wrong type, a missing argument): the same type, the parser's wording.
PARSER_ERRORS = {"float_diagonal"}


@pytest.mark.parametrize("call", [
    lambda m: m.tril(m.ones(3)),
    lambda m: m.triu(m.tensor(1.0)),
    lambda m: m.tril(m.ones(2, 2), 0.5),
], ids=["1d", "0d", "float_diagonal"])
def test_errors_match_torch(call, request, same_error):
    same_error(call, exact=request.node.callspec.id not in PARSER_ERRORS)
