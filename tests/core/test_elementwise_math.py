"""The elementwise math of PyTorch's namespace beyond exp/log/sin/cos: log1p, expm1, log2, log10,
exp2, logit, xlogy, logaddexp(2), the trigonometric and hyperbolic family, atan2, hypot,
deg2rad/rad2deg, frac, sign/sgn, nan_to_num, clamp_min/clamp_max.

Each op: gradcheck in float64, PyTorch parity (values, dtype, grad_fn name, gradients), the
second derivative (gradgradcheck), integer and bool inputs, values at the edges of the domain
(computed silently, as PyTorch), and the in-place and method forms."""

import numpy as np
import pytest

import minigrad as mg

# Inputs are standard normal; ops with a restricted domain map them into it first.
CASES = [
    ("log1p", lambda m, a: m.log1p(a * a - 0.5), [(3, 4)]),
    ("expm1", lambda m, a: m.expm1(a), [(3, 4)]),
    ("log2", lambda m, a: m.log2(a * a + 0.1), [(3, 4)]),
    ("log10", lambda m, a: a.mul(a).add(0.1).log10(), [(3, 4)]),
    ("exp2", lambda m, a: m.exp2(a), [(2, 3)]),
    ("logit", lambda m, a: m.logit(m.sigmoid(a)), [(3, 4)]),
    ("logit_eps", lambda m, a: m.logit(m.sigmoid(3 * a), eps=0.1), [(3, 4)]),
    ("xlogy", lambda m, a, b: m.xlogy(a, b * b + 0.1), [(3, 4), (3, 4)]),
    ("xlogy_broadcast", lambda m, a, b: m.xlogy(a, b * b + 0.1), [(3, 1), (4,)]),
    ("xlogy_scalar_other", lambda m, a: m.xlogy(a, 2.5), [(3,)]),
    ("xlogy_scalar_input", lambda m, a: m.xlogy(3.0, a * a + 0.1), [(3,)]),
    ("logaddexp", lambda m, a, b: m.logaddexp(a, b), [(3, 4), (3, 4)]),
    ("logaddexp_broadcast", lambda m, a, b: m.logaddexp(a, 30 * b), [(2, 3), (3,)]),
    ("logaddexp2", lambda m, a, b: a.logaddexp2(b), [(3, 4), (1, 4)]),
    ("tan", lambda m, a: m.tan(a), [(3, 4)]),
    ("asin", lambda m, a: m.asin(0.9 * m.tanh(a)), [(3, 4)]),
    ("acos", lambda m, a: m.acos(0.9 * m.tanh(a)), [(3, 4)]),
    ("atan", lambda m, a: m.atan(a), [(3, 4)]),
    ("sinh", lambda m, a: m.sinh(a), [(3, 4)]),
    ("cosh", lambda m, a: a.cosh(), [(3, 4)]),
    ("asinh", lambda m, a: m.asinh(a), [(3, 4)]),
    ("acosh", lambda m, a: m.acosh(a * a + 1.1), [(3, 4)]),
    ("atanh", lambda m, a: m.atanh(0.9 * m.tanh(a)), [(3, 4)]),
    ("arcsin_alias", lambda m, a: m.arcsin(0.5 * m.tanh(a)), [(3,)]),
    ("atan2", lambda m, a, b: m.atan2(a, b), [(3, 4), (3, 4)]),
    ("atan2_broadcast", lambda m, a, b: m.arctan2(a, b), [(3, 1), (4,)]),
    ("hypot", lambda m, a, b: m.hypot(a, b), [(3, 4), (3, 4)]),
    ("deg2rad", lambda m, a: m.deg2rad(a), [(3, 4)]),
    ("rad2deg", lambda m, a: a.rad2deg(), [(3, 4)]),
    ("frac", lambda m, a: m.frac(3 * a), [(3, 4)]),
    ("nan_to_num", lambda m, a: m.nan_to_num(a), [(3, 4)]),
    ("clamp_min", lambda m, a: m.clamp_min(a, 0.1), [(3, 4)]),
    ("clamp_max", lambda m, a: a.clamp_max(-0.1), [(3, 4)]),
    ("sinc", lambda m, a: m.sinc(a), [(3, 4)]),
    ("fmax", lambda m, a, b: m.fmax(a, b), [(3, 4), (4,)]),
    ("fmin", lambda m, a, b: a.fmin(b), [(3, 4), (3, 4)]),
    ("copysign", lambda m, a, b: m.copysign(a, b), [(3, 4), (3, 4)]),
    ("copysign_number", lambda m, a: a.copysign(-1.0), [(3,)]),
    # Non-negative exponents: PyTorch's backward computes 2^e in integers, so its gradient is 0
    # for negative ones (minigrad's gradcheck below covers them).
    ("ldexp", lambda m, a: m.ldexp(a, m.tensor([1, 0, 3])), [(2, 3)], {"grad_fn_names": False}),
    ("float_power", lambda m, a: m.float_power(a * a + 0.5, 1.5), [(3, 4)]),
    ("special_expit", lambda m, a: m.special.expit(a), [(3, 4)]),
    ("special_entr", lambda m, a: m.special.entr(a * a + 0.1), [(3, 4)]),
    ("special_xlog1py", lambda m, a, b: m.special.xlog1py(a, b * b), [(3, 4), (3, 4)]),
    ("special_xlog1py_scalar", lambda m, a: m.special.xlog1py(2.0, a * a), [(3,)]),
    ("special_ndtr", lambda m, a: m.special.ndtr(3 * a), [(3, 4)], {"grad_fn_names": False}),
    ("special_logsumexp", lambda m, a: m.special.logsumexp(a, 1), [(3, 4)]),
]

# Piecewise constant: gradcheck has nothing to check, PyTorch parity does (zero gradients).
CONSTANT = [
    ("sign", lambda m, a: m.sign(a), [(3, 4)]),
    ("sgn", lambda m, a: m.sgn(a), [(3, 4)]),
    ("angle", lambda m, a: m.angle(a), [(3, 4)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


@pytest.mark.parametrize("constant", CONSTANT, ids=[c[0] for c in CONSTANT])
def test_constant_ops_match_torch(constant, leaves):
    """Values, dtype and grad_fn as PyTorch, and a zero gradient (PyTorch's is a ZeroTensor)."""
    torch = pytest.importorskip("torch")
    _, fn, shapes = constant
    (x,) = leaves(shapes)
    ours, theirs = fn(mg, x), fn(torch, torch.tensor(x.detach().numpy(), requires_grad=True))
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    ours.sum().backward()
    assert x.grad is not None and not x.grad.numpy().any()


def test_gradgradcheck(case, check_second_derivatives):
    check_second_derivatives(case)


@pytest.mark.parametrize("op", ["log1p", "expm1", "log2", "log10", "exp2", "logit", "tan", "asin", "acos", "atan",
                                "sinh", "cosh", "asinh", "acosh", "atanh", "deg2rad", "rad2deg", "sign", "sgn",
                                "nan_to_num", "frac", "sinc"])
@pytest.mark.parametrize("dtype", ["int64", "bool", "float16", "float32"])
def test_unary_dtypes_match_torch(op, dtype):
    torch = pytest.importorskip("torch")
    data = np.array([0, 1, 0, 1]).astype(dtype)
    try:
        theirs = getattr(torch, op)(torch.tensor(data))
    except Exception as error:  # noqa: BLE001  (PyTorch refuses the dtype: so must minigrad)
        with pytest.raises(type(error), match="^" + str(error).replace("(", r"\(").replace(")", r"\)") + "$"):
            getattr(mg, op)(mg.tensor(data))
        return
    ours = getattr(mg, op)(mg.tensor(data))
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64),
                               rtol=2e-3 if dtype == "float16" else 1e-6)


@pytest.mark.parametrize("op", ["xlogy", "atan2", "logaddexp", "logaddexp2", "hypot"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("bool", "bool"), ("float32", "float64"),
                                    ("int64", "float32")])
def test_binary_dtypes_match_torch(op, dtypes, same_error):
    torch = pytest.importorskip("torch")
    a, b = (np.array([1, 0, 1]).astype(d) for d in dtypes)
    try:
        theirs = getattr(torch, op)(torch.tensor(a), torch.tensor(b))
    except Exception:  # noqa: BLE001
        same_error(lambda m: getattr(m, op)(m.tensor(a), m.tensor(b)))
        return
    ours = getattr(mg, op)(mg.tensor(a), mg.tensor(b))
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


INF, NAN = float("inf"), float("nan")
EDGES = [
    ("log1p", lambda m, a: m.log1p(a), [-1.0, -2.0, 0.0, 1e-10, INF, NAN]),
    ("expm1", lambda m, a: m.expm1(a), [1000.0, -INF, 1e-10, 0.0]),
    ("log2", lambda m, a: m.log2(a), [0.0, -1.0, INF, 8.0]),
    ("log10", lambda m, a: m.log10(a), [0.0, -1.0, 1000.0]),
    ("exp2", lambda m, a: m.exp2(a), [2000.0, -INF, 3.0]),
    ("logit", lambda m, a: m.logit(a), [0.0, 1.0, 1.5, -0.1, 0.3]),
    ("logit_eps", lambda m, a: m.logit(a, eps=0.1), [0.0, 0.05, 1.0, 1.5, 0.3]),
    ("xlogy_zero", lambda m, a: m.xlogy(a * 0, a), [0.0, NAN, 2.0, -1.0]),
    ("xlogy_y_zero", lambda m, a: m.xlogy(a, a * 0), [1.0, 0.0, -2.0]),
    ("logaddexp_infinities", lambda m, a: m.logaddexp(a, a.flip(0)), [INF, -INF, INF, 1.0, -INF, 0.0]),
    ("logaddexp_same_inf", lambda m, a: m.logaddexp(a, a), [INF, -INF, 1e308, NAN]),
    ("logaddexp_huge", lambda m, a: m.logaddexp(a, -a), [1000.0, -1000.0, 0.0]),
    ("logaddexp2_infinities", lambda m, a: m.logaddexp2(a, a.flip(0)), [INF, -INF, 2.0, NAN]),
    ("tan_pi_half", lambda m, a: m.tan(a), [np.pi / 2, 0.0]),
    ("asin_outside", lambda m, a: m.asin(a), [2.0, 1.0, -1.0, 0.5]),
    ("acos_outside", lambda m, a: m.acos(a), [2.0, 1.0, -1.0]),
    ("acosh_edge", lambda m, a: m.acosh(a), [1.0, -1.0, 0.5, 2.0]),
    ("atanh_edge", lambda m, a: m.atanh(a), [1.0, -1.0, 2.0]),
    ("cosh_overflow", lambda m, a: m.cosh(a), [1000.0, -1000.0]),
    ("atan2_origin", lambda m, a: m.atan2(a * 0, a * 0), [1.0, -1.0]),
    ("atan2_infinities", lambda m, a: m.atan2(a, a.flip(0)), [INF, -INF, 1.0]),
    ("hypot_origin", lambda m, a: m.hypot(a * 0, a * 0), [1.0]),
    ("hypot_huge", lambda m, a: m.hypot(a, a), [1e200, 3.0]),
    ("nan_to_num", lambda m, a: m.nan_to_num(a), [NAN, INF, -INF, 2.0]),
    ("nan_to_num_values", lambda m, a: m.nan_to_num(a, nan=1.0, posinf=2.0, neginf=-3.0), [NAN, INF, -INF, 4.0]),
    ("frac_negative", lambda m, a: m.frac(a), [-1.5, 2.25, INF, -0.0]),
    ("sign_nan", lambda m, a: m.sign(a), [NAN, -0.0, -3.0]),
    ("sinc_zero", lambda m, a: m.sinc(a), [0.0, 1.0, -2.0, INF]),
    ("entr_edges", lambda m, a: m.special.entr(a), [0.0, -1.0, INF, NAN, 1.0]),
    ("xlog1py_edges", lambda m, a: m.special.xlog1py(a * 0, a), [-1.0, NAN, 0.0]),
    ("ndtr_tails", lambda m, a: m.special.ndtr(a), [-40.0, 40.0, 0.0]),
    ("fmax_nan", lambda m, a: m.fmax(a, a.flip(0)), [NAN, 1.0, 2.0, 2.0, NAN]),
    ("fmin_nan", lambda m, a: m.fmin(a, a.flip(0) * 0), [NAN, -1.0, NAN]),
    ("copysign_zero", lambda m, a: m.copysign(a, -a), [0.0, -0.0, NAN, 2.0]),
]


@pytest.mark.parametrize("fn, values", [c[1:] for c in EDGES], ids=[c[0] for c in EDGES])
def test_edge_values_and_gradients_match_torch_silently(fn, values, matches_torch_silently):
    matches_torch_silently(fn, values)


def test_ldexp_gradient_with_negative_exponents(leaves):
    from minigrad.autograd import gradcheck

    assert gradcheck(lambda a: mg.ldexp(a, mg.tensor([1, -2, 3])), leaves([(2, 3)]))


def test_float32_keeps_accuracy_of_tiny_arguments():
    x = mg.tensor([1e-10, -1e-12], dtype=mg.float32)
    np.testing.assert_allclose(mg.log1p(x).numpy(), [1e-10, -1e-12], rtol=1e-6)
    np.testing.assert_allclose(mg.expm1(x).numpy(), [1e-10, -1e-12], rtol=1e-6)
    np.testing.assert_allclose(mg.logaddexp(mg.tensor([80.0]), mg.tensor([80.0])).numpy(), [80 + np.log(2)],
                               rtol=1e-6)


@pytest.mark.parametrize("op, args", [("log1p", ()), ("expm1", ()), ("log2", ()), ("log10", ()), ("exp2", ()),
                                      ("logit", ()), ("tan", ()), ("asin", ()), ("acos", ()), ("atan", ()),
                                      ("sinh", ()), ("cosh", ()), ("asinh", ()), ("atanh", ()), ("deg2rad", ()),
                                      ("rad2deg", ()), ("frac", ()), ("sign", ()), ("sgn", ()), ("nan_to_num", ()),
                                      ("clamp_min", (0.3,)), ("clamp_max", (0.3,)), ("arcsin", ()),
                                      ("xlogy", (2.0,)), ("atan2", ("tensor",)), ("hypot", ("tensor",)),
                                      ("square", ()), ("trunc", ()), ("rsqrt", ()), ("reciprocal", ())])
def test_inplace_forms_match_torch(op, args):
    torch = pytest.importorskip("torch")
    values = [0.25, 0.5, 0.75]

    def run(m):
        x = m.tensor(values, dtype=m.float64)
        extra = [m.tensor([0.5, 1.0, 2.0], dtype=m.float64) if a == "tensor" else a for a in args]
        result = getattr(x, op + "_")(*extra)
        assert result is x
        return x.tolist()

    np.testing.assert_allclose(run(mg), run(torch), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda m: m.logaddexp(m.ones(2), 1.0),
    lambda m: m.atan2(m.ones(2), 2),
    lambda m: m.hypot(1.0, m.ones(2)),
    lambda m: m.log1p([1.0]),
    lambda m: m.logaddexp(m.ones(2), m.ones(3)),
    lambda m: m.atan2(m.ones(2, 1), m.ones(3)).sum() + m.atan2(m.ones(2), m.ones(3)),
])
def test_argument_errors_match_torch(call, same_error):
    same_error(call)


def test_xlogy_of_a_list_names_the_argument():
    with pytest.raises(TypeError, match=r"^xlogy\(\): argument 'other' \(position 2\) must be Tensor, not list$"):
        mg.xlogy(mg.ones(2), [1.0])


def test_namespace_inplace_forms_are_the_methods():
    torch = pytest.importorskip("torch")
    for name in ("exp_", "log1p_", "clamp_", "sigmoid_", "relu_", "arcsin_", "nan_to_num_", "zero_"):
        assert getattr(mg, name) is getattr(mg.Tensor, name) and callable(getattr(torch, name))
    x = mg.tensor([0.5, 2.0])
    assert mg.clamp_(mg.log1p_(x), max=1.0) is x
    np.testing.assert_allclose(x.numpy(), [np.log1p(0.5), 1.0], rtol=1e-6)
