"""roll: gradcheck, PyTorch parity over shift/dim forms, errors."""
import pytest

import minigrad as mg

CASES = [
    ("flat", lambda m, a: m.roll(a, 2), [(3, 4)]),
    ("flat_negative", lambda m, a: a.roll(-5), [(3, 4)]),
    ("one_dim", lambda m, a: m.roll(a, 1, 0), [(3, 4)]),
    ("negative_dim", lambda m, a: m.roll(a, 7, -1), [(3, 4)]),
    ("two_dims", lambda m, a: m.roll(a, (1, -2), (0, 2)), [(2, 3, 4)]),
    ("same_dim_twice", lambda m, a: m.roll(a, [1, 1], [1, 1]), [(2, 3)]),
    ("0d", lambda m, a: m.roll(a, 3), [()]),
    ("shift_tuple_no_dims", lambda m, a: m.roll(a, (2,)), [(5,)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


def test_integer_tensor():
    assert mg.roll(mg.tensor([[1, 2], [3, 4]]), 1, 1).tolist() == [[2, 1], [4, 3]]


@pytest.mark.parametrize("call", [
    lambda m: m.roll(m.ones(2, 3), (1, -1), (0,)),
    lambda m: m.roll(m.ones(2, 3), (1, 2)),
    lambda m: m.roll(m.ones(2, 3), 1, 2),
], ids=["shifts_dims_mismatch", "shifts_without_dims", "dim_range"])
def test_errors_match_torch(call, same_error):
    same_error(call)
