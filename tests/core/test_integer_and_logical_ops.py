"""Ops without a gradient, against PyTorch: value tests (isin, isposinf, isneginf, isreal,
signbit), integer ops (gcd, lcm, shifts), heaviside, frexp, nextafter, and the in-place
comparison, logical and bitwise methods; PyTorch's dtype errors."""
import numpy as np
import pytest

import minigrad as mg

INF, NAN = float("inf"), float("nan")

CALLS = [
    ("isin", lambda m: m.isin(m.tensor([1, 2, 3]), m.tensor([2, 5]))),
    ("isin_number", lambda m: m.isin(m.tensor([1.0, 2.0]), 2.0)),
    ("isin_number_elements", lambda m: m.isin(2, m.tensor([2, 5]))),
    ("isin_invert", lambda m: m.isin(m.tensor([1, 2]), m.tensor([2]), invert=True)),
    ("isposinf", lambda m: m.isposinf(m.tensor([INF, -INF, 1.0, NAN]))),
    ("isneginf", lambda m: m.isneginf(m.tensor([INF, -INF, 1.0]))),
    ("isreal", lambda m: m.isreal(m.tensor([1.0, NAN]))),
    ("signbit", lambda m: m.signbit(m.tensor([-0.0, 1.0, -2.0, -INF]))),
    ("signbit_long", lambda m: m.signbit(m.tensor([-1, 2]))),
    ("gcd", lambda m: m.gcd(m.tensor([12, -8, 0]), m.tensor([18, 6, 0]))),
    ("lcm", lambda m: m.lcm(m.tensor([4, 0]), m.tensor([6, 3]))),
    ("left_shift", lambda m: m.tensor([1, 8]) << 2),
    ("right_shift", lambda m: m.bitwise_right_shift(m.tensor([-8, 9]), m.tensor([1, 2]))),
    ("heaviside", lambda m: m.heaviside(m.tensor([-1.0, 0.0, 2.0]), m.tensor([0.5]))),
    ("heaviside_long", lambda m: m.heaviside(m.tensor([-1, 0, 2]), m.tensor([7]))),
    ("frexp_mantissa", lambda m: m.frexp(m.tensor([8.0, 0.3, 0.0, -5.0])).mantissa),
    ("frexp_exponent", lambda m: m.tensor([8.0, 0.3, 0.0, -5.0]).frexp().exponent),
    ("nextafter", lambda m: m.nextafter(m.tensor([1.0, 1.0]), m.tensor([2.0, 0.0])) - 1),
    ("bitwise_and_", lambda m: m.tensor([5, 3]).bitwise_and_(m.tensor([1, 1]))),
    ("bitwise_or", lambda m: m.tensor([5, 3]).bitwise_or(m.tensor([2, 4]))),
    ("bitwise_not_", lambda m: m.tensor([True, False]).bitwise_not_()),
    ("eq_", lambda m: m.tensor([1.0, 2.0, 3.0]).eq_(2)),
    ("lt_", lambda m: m.tensor([1.0, 2.0, 3.0]).lt_(m.tensor([2.0, 2.0, 2.0]))),
    ("greater_equal_", lambda m: m.tensor([1, 2, 3]).greater_equal_(2)),
    ("logical_and_", lambda m: m.tensor([1.0, 0.0]).logical_and_(m.tensor([1.0, 1.0]))),
    ("logical_not_", lambda m: m.tensor([True, False]).logical_not_()),
    ("fix", lambda m: m.fix(m.tensor([-1.5, 2.5]))),
    ("positive", lambda m: +m.tensor([1.0, -2.0])),
]


@pytest.mark.parametrize("call", [c[1] for c in CALLS], ids=[c[0] for c in CALLS])
def test_values_and_dtypes_match_torch(call):
    torch = pytest.importorskip("torch")
    ours, theirs = call(mg), call(torch)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


ERRORS = [
    ("gcd_float", lambda m: m.gcd(m.tensor([1.0]), m.tensor([2.0]))),
    ("shift_float", lambda m: m.tensor([1.0]) << 2),
    ("heaviside_dtypes", lambda m: m.heaviside(m.tensor([-1, 0]), m.tensor([7.0]))),
    ("positive_bool", lambda m: m.positive(m.tensor([True]))),
]


@pytest.mark.parametrize("call", [c[1] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_match_torch(call, same_error):
    same_error(call)
