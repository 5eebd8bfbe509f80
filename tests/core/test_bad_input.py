"""Inputs a new user gets wrong, answered as PyTorch answers them: the same exception type and
message for a missing or non-tensor argument, and inf / nan computed silently (no numpy
RuntimeWarning) where the math has no finite value, in forward and in backward."""
import warnings

import numpy as np
import pytest

import minigrad as mg

# ---- empty and non-tensor sequences ---------------------------------------------------------

SEQUENCE_ERRORS = [
    ("cat_empty_list", lambda m: m.cat([])),
    ("cat_empty_tuple", lambda m: m.cat(())),
    ("stack_empty", lambda m: m.stack([])),
    ("cat_none", lambda m: m.cat(None)),
    ("cat_tensor", lambda m: m.cat(m.ones(3))),
    ("cat_array", lambda m: m.cat(np.ones(3))),
    ("stack_tensor", lambda m: m.stack(m.ones(3))),
    ("cat_array_element", lambda m: m.cat([m.ones(3), np.ones(3)])),
    ("cat_float_element", lambda m: m.cat([m.ones(1), 2.0])),
    ("stack_array_element", lambda m: m.stack([np.ones(3), m.ones(3)])),
]


@pytest.mark.parametrize("call", [c[1] for c in SEQUENCE_ERRORS], ids=[c[0] for c in SEQUENCE_ERRORS])
def test_sequence_errors_match_torch(call, same_error):
    same_error(call)


def test_cat_of_nothing_is_a_value_error():
    with pytest.raises(ValueError, match=r"^torch\.cat\(\): expected a non-empty list of Tensors$"):
        mg.cat([])


# ---- inf and nan without warnings ------------------------------------------------------------

def _values(m, values):
    return m.tensor(values, dtype=m.float64)


SILENT = [
    ("0/0", lambda m, x: x / x, [0.0, 1.0]),
    ("1/0", lambda m, x: 1 / x, [0.0, -0.0, 2.0]),
    ("log0", lambda m, x: m.log(x), [0.0, -1.0, 2.0]),
    ("exp1000", lambda m, x: m.exp(x), [1000.0, -1000.0]),
    ("sqrt-1", lambda m, x: m.sqrt(x), [-1.0, 0.0, 4.0]),
    ("rsqrt0", lambda m, x: m.rsqrt(x), [0.0, -1.0, 4.0]),
    ("reciprocal0", lambda m, x: m.reciprocal(x), [0.0, 2.0]),
    ("pow-1", lambda m, x: x ** -1, [0.0, 2.0]),
    ("pow_half", lambda m, x: m.pow(x, 0.5), [-1.0, 0.0, 4.0]),
    ("pow_base_negative", lambda m, x: m.pow(m.tensor(-2.0, dtype=m.float64), x), [0.5, 2.0]),
    ("pow_base_zero", lambda m, x: m.pow(m.tensor(0.0, dtype=m.float64), x), [-1.0, 0.0, 2.0]),
    ("inf-inf", lambda m, x: x - x, [float("inf"), 1.0]),
    ("inf*0", lambda m, x: x * (x - x), [float("inf"), 1.0]),
    ("tanh_inf", lambda m, x: m.tanh(x), [float("inf"), -float("inf")]),
    ("sigmoid_inf", lambda m, x: m.sigmoid(x), [float("inf"), -float("inf"), float("nan")]),
    ("mean_empty", lambda m, x: x[:0].mean() + x.sum(), [1.0]),
    ("logsumexp_-inf", lambda m, x: m.logsumexp(x * float("inf"), 0), [-1.0, -2.0]),
    ("softmax_inf", lambda m, x: m.softmax(x, 0), [float("inf"), 1.0]),
    ("norm_zero", lambda m, x: x.norm(), [0.0, 0.0]),
    ("std_zero", lambda m, x: x.std(), [1.0, 1.0]),
    ("cumprod_zero", lambda m, x: m.cumprod(x, 0), [0.0, 2.0, 0.0]),
]


@pytest.mark.parametrize("fn, values", [c[1:] for c in SILENT], ids=[c[0] for c in SILENT])
def test_inf_and_nan_silently_as_torch(fn, values):
    torch = pytest.importorskip("torch")
    x = _values(mg, values).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = fn(mg, x)
        ours.backward(mg.ones_like(ours))
    theirs_x = _values(torch, values).requires_grad_()
    theirs = fn(torch, theirs_x)
    theirs.backward(torch.ones_like(theirs))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), theirs_x.grad.numpy())


@pytest.mark.parametrize("op", ["floor_divide", "remainder", "fmod"])
def test_float_modulus_by_zero_is_silent(op):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = getattr(mg, op)(mg.tensor([1.0, -1.0, 0.0]), 0.0)
    theirs = getattr(torch, op)(torch.tensor([1.0, -1.0, 0.0]), 0.0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


INTEGER_DIVISION_BY_ZERO = [
    ("floor_divide", lambda m: m.floor_divide(m.tensor([1, 2]), m.tensor([0, 1]))),
    ("floordiv_operator", lambda m: m.tensor([1, 2]) // 0),
    ("remainder", lambda m: m.remainder(m.tensor([1, 2]), 0)),
    ("mod_operator", lambda m: m.tensor([1, 2]) % m.tensor([1, 0])),
    ("fmod", lambda m: m.fmod(m.tensor([1, 2]), m.tensor([0, 1]))),
    ("div_floor", lambda m: m.div(m.tensor([1, 2]), 0, rounding_mode="floor")),
    ("div_trunc", lambda m: m.div(m.tensor([1, 2]), m.tensor([0, 1]), rounding_mode="trunc")),
    ("int_pow_negative", lambda m: m.pow(m.tensor([1, 2]), -1)),
    ("int_pow_operator", lambda m: m.tensor([2]) ** -2),
]


@pytest.mark.parametrize("call", [c[1] for c in INTEGER_DIVISION_BY_ZERO], ids=[c[0] for c in INTEGER_DIVISION_BY_ZERO])
def test_integer_errors_match_torch(call, same_error):
    same_error(call)


@pytest.mark.parametrize("divisor", [2, -2, 3])
def test_integer_trunc_division_stays_integer(divisor):
    torch = pytest.importorskip("torch")
    values = [-7, -6, 0, 5, 7]
    ours = mg.div(mg.tensor(values), divisor, rounding_mode="trunc")
    theirs = torch.div(torch.tensor(values), divisor, rounding_mode="trunc")
    assert ours.dtype == mg.int64
    assert ours.tolist() == theirs.tolist()


# ---- reductions over too few elements ----------------------------------------------------

@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("shape, dim", [((1,), None), ((0,), None), ((0, 3), 0), ((2, 1), 1)])
def test_no_degrees_of_freedom_warn_and_give_nan_as_torch(op, shape, dim):
    torch = pytest.importorskip("torch")
    x = mg.ones(shape, dtype=mg.float64, requires_grad=True)
    with pytest.warns(UserWarning, match=rf"^{op}\(\): degrees of freedom is <= 0\. Correction should be strictly "
                                         r"less than the reduction factor \(input numel divided by output numel\)\.$"):
        ours = getattr(mg, op)(x, dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
        theirs = getattr(torch, op)(theirs_x, dim)
        theirs.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.sum().backward()
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), theirs_x.grad.numpy())


def test_mean_of_nothing_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mg.zeros(0, 3).mean(0)
    assert out.shape == (3,) and np.isnan(out.numpy()).all()
