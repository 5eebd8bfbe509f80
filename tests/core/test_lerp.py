"""lerp: gradcheck (number and tensor weights, broadcasting), PyTorch parity, exact ends, errors."""
import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("scalar_weight", lambda m, a, b: m.lerp(a, b, 0.3), [(3, 4), (3, 4)]),
    ("scalar_weight_large", lambda m, a, b: a.lerp(b, 0.8), [(3, 4), (4,)]),
    ("scalar_weight_outside", lambda m, a, b: m.lerp(a, b, -1.5), [(2, 3), (2, 3)]),
    ("tensor_weight", lambda m, a, b, w: m.lerp(a, b, w), [(3, 4), (3, 4), (3, 4)]),
    ("tensor_weight_broadcast", lambda m, a, b, w: m.lerp(a, b, w), [(3, 1), (1, 4), (2, 1, 1)]),
    ("tensor_weight_0d", lambda m, a, b, w: a.lerp(b, w), [(3,), (3,), ()]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


def test_weight_one_gives_end_exactly():
    start, end = mg.tensor([0.1, 1e8], dtype=mg.float32), mg.tensor([0.3, 3.0], dtype=mg.float32)
    assert mg.lerp(start, end, 1.0).tolist() == end.tolist()
    assert mg.lerp(start, end, mg.ones(2)).tolist() == end.tolist()
    assert mg.lerp(start, end, 0.0).tolist() == start.tolist()


def test_inplace_form():
    x = mg.zeros(3)
    assert x.lerp_(mg.ones(3), 0.25) is x and x.tolist() == [0.25] * 3


@pytest.mark.parametrize("call", [
    lambda m: m.lerp(m.zeros(3), m.zeros(3, dtype=m.float64), 0.5),
    lambda m: m.lerp(m.zeros(3), m.zeros(3), m.full((3,), 0.5, dtype=m.float64)),
    lambda m: m.lerp(m.tensor([1, 2]), m.tensor([1, 2]), 0.5),
    lambda m: m.lerp(m.tensor([1, 2]), m.tensor([1, 2]), m.tensor([1, 2])),
    lambda m: m.lerp(m.zeros(3), m.zeros(4), 0.5),
], ids=["end_dtype", "weight_dtype", "int_scalar_weight", "int_tensor_weight", "shapes"])
def test_errors_match_torch(call, same_error):
    same_error(call)
