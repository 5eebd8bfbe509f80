"""The activations beyond ReLU/ELU/GELU (hard, shrink, softplus family, SELU/CELU, Softsign,
Softmin, GLU): float64 gradcheck, PyTorch parity of outputs, gradients (kinks included) and reprs,
in-place forms, dtype rules, overflow-free extremes, and PyTorch's errors."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

# (layer built from the nn namespace given). Lambdas so every test gets fresh modules.
LAYERS = {
    "ReLU6": lambda m: m.ReLU6(),
    "ReLU6(inplace)": lambda m: m.ReLU6(inplace=True),
    "Hardtanh": lambda m: m.Hardtanh(),
    "Hardtanh(-2, 0.5, inplace)": lambda m: m.Hardtanh(-2.0, 0.5, inplace=True),
    "Threshold": lambda m: m.Threshold(0.1, 20.0),
    "Threshold(inplace)": lambda m: m.Threshold(-1.0, -3.0, inplace=True),
    "Hardsigmoid": lambda m: m.Hardsigmoid(),
    "Hardsigmoid(inplace)": lambda m: m.Hardsigmoid(inplace=True),
    "Hardswish": lambda m: m.Hardswish(),
    "Hardswish(inplace)": lambda m: m.Hardswish(inplace=True),
    "Softplus": lambda m: m.Softplus(),
    "Softplus(2, 3)": lambda m: m.Softplus(beta=2, threshold=3),
    "Softplus(-0.5)": lambda m: m.Softplus(beta=-0.5),
    "LogSigmoid": lambda m: m.LogSigmoid(),
    "Mish": lambda m: m.Mish(),
    "Mish(inplace)": lambda m: m.Mish(inplace=True),
    "SELU": lambda m: m.SELU(),
    "SELU(inplace)": lambda m: m.SELU(inplace=True),
    "CELU": lambda m: m.CELU(),
    "CELU(0.5, inplace)": lambda m: m.CELU(0.5, inplace=True),
    "Softsign": lambda m: m.Softsign(),
    "Tanhshrink": lambda m: m.Tanhshrink(),
    "Softshrink": lambda m: m.Softshrink(),
    "Softshrink(1.5)": lambda m: m.Softshrink(1.5),
    "Hardshrink": lambda m: m.Hardshrink(),
    "Hardshrink(1)": lambda m: m.Hardshrink(1.0),
    "Softmin(1)": lambda m: m.Softmin(dim=1),
    "Softmin(0)": lambda m: m.Softmin(0),
    "GLU": lambda m: m.GLU(),
    "GLU(0)": lambda m: m.GLU(dim=0),
}

# Points away from every kink (0, +-0.5, +-1, 1.5, +-3, 6, the thresholds) for finite differences.
SMOOTH_POINTS = np.linspace(-7.3, 7.1, 24).reshape(4, 6)
# Every kink of the layers above, where the subgradient is a convention: it must be PyTorch's.
KINKS = np.array([[-3.0, -2.0, -1.5, -1.0, -0.5, 0.0], [0.1, 0.5, 1.0, 1.5, 3.0, 6.0],
                  [-6.0, -0.1, 2.5, -25.0, 25.0, 0.25], [1.0, -1.0, 3.0, -3.0, 0.5, -0.5]])


@pytest.mark.parametrize("name", LAYERS)
def test_gradcheck(name):
    layer = LAYERS[name](nn)
    x = minigrad.tensor(SMOOTH_POINTS, requires_grad=True)
    # x * 1: in-place layers need a non-leaf input, as inside a network.
    assert gradcheck(lambda x: layer(x * 1), (x,))


@pytest.mark.parametrize("points", [SMOOTH_POINTS, KINKS], ids=["smooth", "kinks"])
@pytest.mark.parametrize("name", LAYERS)
def test_matches_torch(name, points):
    torch = pytest.importorskip("torch")
    ours, theirs = LAYERS[name](nn), LAYERS[name](torch.nn)
    assert repr(ours) == repr(theirs)
    grad = np.random.default_rng(0).standard_normal(points.shape)
    # float64 to 1e-7 only: some of PyTorch's double kernels use float constants (hardsigmoid's 1/6).
    for dtype, tolerance in ((np.float32, 1e-6), (np.float64, 1e-7)):
        mx = minigrad.tensor(points.astype(dtype), requires_grad=True)
        tx = torch.tensor(points.astype(dtype), requires_grad=True)
        m_out, t_out = ours(mx * 1), theirs(tx * 1)
        assert m_out.dtype.name == str(t_out.dtype).removeprefix("torch.")
        np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=tolerance, atol=tolerance)
        m_out.backward(minigrad.tensor(grad[:, :m_out.shape[1]][:m_out.shape[0]].astype(dtype)))
        t_out.backward(torch.tensor(grad[:, :t_out.shape[1]][:t_out.shape[0]].astype(dtype)))
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("name, node", [("hardtanh", "HardtanhBackward0"), ("relu6", "HardtanhBackward0"),
                                        ("hardsigmoid", "HardsigmoidBackward0"), ("mish", "MishBackward0"),
                                        ("hardswish", "HardswishBackward0"), ("softplus", "SoftplusBackward0"),
                                        ("logsigmoid", "LogSigmoidBackward0"), ("selu", "EluBackward0"),
                                        ("celu", "CeluBackward0"), ("softshrink", "SoftshrinkBackward0"),
                                        ("hardshrink", "HardshrinkBackward0"), ("glu", "GluBackward0"),
                                        ("softsign", "DivBackward0"), ("tanhshrink", "SubBackward0")])
def test_graph_nodes_are_pytorchs(name, node):
    x = minigrad.randn(2, 4, requires_grad=True)
    assert getattr(F, name)(x).grad_fn.name() == node
    assert F.threshold(x, 0.0, 1.0).grad_fn.name() == "ThresholdBackward0"


INPLACE_FORMS = {  # F.name_(x, *args) and F.name(x, *args, inplace=True), against torch
    "hardtanh_": ("hardtanh", (-0.5, 0.5)),
    "threshold_": ("threshold", (0.2, -4.0)),
    "selu_": ("selu", ()),
    "celu_": ("celu", (0.7,)),
}


@pytest.mark.parametrize("name", INPLACE_FORMS)
def test_inplace_functional_forms_write_into_their_input(name):
    torch = pytest.importorskip("torch")
    plain, args = INPLACE_FORMS[name]
    values = SMOOTH_POINTS / 4
    for call in (lambda f, x: getattr(f, name)(x, *args), lambda f, x: getattr(f, plain)(x, *args, inplace=True)):
        leaf, torch_leaf = minigrad.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        hidden, torch_hidden = leaf * 2, torch_leaf * 2
        assert call(F, hidden) is hidden
        call(torch.nn.functional, torch_hidden)
        np.testing.assert_allclose(hidden.detach().numpy(), torch_hidden.detach().numpy(), rtol=1e-12)
        hidden.sum().backward()
        torch_hidden.sum().backward()
        # 1e-7: PyTorch's double celu gradient is off by ~1e-8 (ours is exp(x / alpha) to the last bit).
        np.testing.assert_allclose(leaf.grad.numpy(), torch_leaf.grad.numpy(), rtol=1e-7)


@pytest.mark.parametrize("name", ["relu6", "hardsigmoid", "hardswish", "mish"])
def test_inplace_flag_of_functional_forms(name):
    x = minigrad.tensor(SMOOTH_POINTS)
    expected = getattr(F, name)(x)
    assert getattr(F, name)(x, inplace=True) is x and minigrad.equal(x, expected)


def test_inplace_on_a_leaf_that_requires_grad_fails_as_torch():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        F.hardtanh_(minigrad.randn(3, requires_grad=True))


def test_known_values():
    x = minigrad.tensor([-4.0, -1.0, 0.0, 2.0, 8.0])
    assert F.relu6(x).tolist() == [0.0, 0.0, 0.0, 2.0, 6.0]
    assert F.hardsigmoid(x).tolist() == pytest.approx([0.0, 1 / 3, 0.5, 5 / 6, 1.0])
    assert F.hardswish(x).tolist() == pytest.approx([0.0, -1 / 3, 0.0, 5 / 3, 8.0])
    assert F.softshrink(x, 1.5).tolist() == [-2.5, 0.0, 0.0, 0.5, 6.5]
    assert F.hardshrink(x, 1.5).tolist() == [-4.0, 0.0, 0.0, 2.0, 8.0]
    assert F.threshold(x, 1.0, -7.0).tolist() == [-7.0, -7.0, -7.0, 2.0, 8.0]
    assert F.softsign(x).tolist() == pytest.approx([-0.8, -0.5, 0.0, 2 / 3, 8 / 9])
    assert F.softplus(x).tolist() == pytest.approx(np.log1p(np.exp([-4.0, -1.0, 0.0, 2.0, 8.0])).tolist())
    assert F.selu(x).tolist()[3] == pytest.approx(2 * 1.0507009873554805)
    assert F.celu(x, 2.0).tolist()[0] == pytest.approx(2 * (np.exp(-2.0) - 1))
    assert F.glu(minigrad.tensor([3.0, 0.0])).tolist() == [1.5]


EXTREMES = [-1e4, -1000.0, -88.0, -20.0, 0.0, 20.0, 88.0, 1000.0, 1e4]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extremes_stay_finite_and_match_torch(dtype):
    torch = pytest.importorskip("torch")
    values = np.array(EXTREMES, dtype)
    for name in ("softplus", "logsigmoid", "mish"):
        mx, tx = minigrad.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        m_out, t_out = getattr(F, name)(mx), getattr(torch.nn.functional, name)(tx)
        m_out.sum().backward()
        t_out.sum().backward()
        assert np.isfinite(m_out.detach().numpy()).all() and np.isfinite(mx.grad.numpy()).all()
        np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6)
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-30)


def test_softplus_without_cutoff_stays_finite():
    # PyTorch overflows to inf here (log1p(exp(1000))); the stable form gives the exact value.
    x = minigrad.tensor(EXTREMES, requires_grad=True)
    out = F.softplus(x, 1.0, 1e6)
    out.sum().backward()
    exact = np.maximum(EXTREMES, 0) + np.log1p(np.exp(-np.abs(EXTREMES)))
    np.testing.assert_allclose(out.detach().numpy(), exact, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), np.exp(-np.logaddexp(0, -np.array(EXTREMES))), rtol=1e-6)  # sigmoid, without overflow


def test_integer_inputs_follow_torch():
    torch = pytest.importorskip("torch")
    values = np.arange(-4, 5)
    for name, args in (("hardtanh", (-1.5, 2.5)), ("relu6", ()), ("threshold", (1, 7.9)), ("softsign", ()),
                       ("tanhshrink", ())):
        ours = getattr(F, name)(minigrad.tensor(values), *args)
        theirs = getattr(torch.nn.functional, name)(torch.tensor(values), *args)
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


FLOAT_ONLY = {"softplus": "softplus_cpu", "logsigmoid": "log_sigmoid_cpu", "mish": "mish_cpu", "selu": "elu_cpu",
              "celu": "elu_cpu", "hardsigmoid": "hardsigmoid_cpu", "hardswish": "hardswish_cpu",
              "softshrink": "softshrink_check", "hardshrink": "hardshrink_cpu", "glu": "glu_cpu"}


@pytest.mark.parametrize("name", FLOAT_ONLY)
def test_float_only_activations_reject_integers_as_torch(name):
    torch = pytest.importorskip("torch")
    message = f"\"{FLOAT_ONLY[name]}\" not implemented for 'Long'"
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch.nn.functional, name)(torch.ones(2, 2, dtype=torch.long))
    assert str(theirs.value) == message
    with pytest.raises(NotImplementedError, match=message):
        getattr(F, name)(minigrad.ones(2, 2, dtype=minigrad.int64))


def test_half_precision_stays_half():
    x = minigrad.tensor([-2.0, 0.5, 3.0], dtype=minigrad.float16)
    for name in ("hardtanh", "softplus", "logsigmoid", "mish", "selu", "hardswish", "softshrink"):
        assert getattr(F, name)(x).dtype == minigrad.float16


ERRORS = [
    (lambda f, t: f.hardtanh(t.ones(2), 1.0, -1.0), ValueError, "min_val cannot be greater than max_val"),
    (lambda f, t: f.hardtanh(t.ones(2, dtype=t.bool)), RuntimeError, "Bool inputs not supported for hardtanh"),
    (lambda f, t: f.threshold(t.ones(2, dtype=t.bool), 0, 1), NotImplementedError,
     "\"threshold_cpu\" not implemented for 'Bool'"),
    (lambda f, t: f.softshrink(t.ones(2), -1.0), RuntimeError,
     "lambda must be in range [0, 3.40282e+38] for input dtype Float, but found -1"),
    (lambda f, t: f.softshrink(t.ones(2, dtype=t.float64), -0.25), RuntimeError,
     "lambda must be in range [0, 1.79769e+308] for input dtype Double, but found -0.25"),
    (lambda f, t: f.celu(t.ones(2), 0.0), RuntimeError, "ZeroDivisionError: alpha cannot be 0 for CELU"),
    (lambda f, t: f.glu(t.ones(2, 3)), RuntimeError, "Halving dimension must be even, but dimension 1 is size 3"),
    (lambda f, t: f.glu(t.ones(3, 2), 0), RuntimeError, "Halving dimension must be even, but dimension 0 is size 3"),
    (lambda f, t: f.glu(t.tensor(1.0)), RuntimeError, "glu does not support scalars because halving size must be even"),
    (lambda f, t: f.glu(t.ones(2, 2), 2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case, same_error_as_torch):
    same_error_as_torch(*ERRORS[case])


def test_module_construction_errors_and_deprecated_names_match_torch():
    torch = pytest.importorskip("torch")
    for namespace in (nn, torch.nn):
        with pytest.raises(AssertionError, match=r"max_val \(1.0\) must be greater than min_val \(1.0\)"):
            namespace.Hardtanh(1.0, 1.0)
        with pytest.warns(FutureWarning, match="`min_value` is deprecated and renamed to `min_val`"):
            layer = namespace.Hardtanh(min_value=-3.0)
        assert layer.min_val == -3.0 and repr(layer) == "Hardtanh(min_val=-3.0, max_val=1.0)"
    assert isinstance(nn.ReLU6(), nn.Hardtanh) and not isinstance(nn.Hardswish(), nn.Hardsigmoid)
    assert not isinstance(nn.CELU(), nn.ELU) and not isinstance(nn.Hardshrink(), nn.Softshrink)


def test_softmin_implicit_dim_warns_as_softmax():
    x = minigrad.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin has been deprecated"):
        out = nn.Softmin()(x)
    assert minigrad.allclose(out, F.softmax(-x, dim=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert F.softmin(x, 0, dtype=minigrad.float64).dtype == minigrad.float64


def test_relu_inplace_writes_the_kernel_result_into_its_own_storage():
    """``relu_`` / ``ReLU(inplace=True)`` on a contiguous float tensor: the same storage is
    written (no copy), the node keeps it for backward, and gradients match PyTorch's."""
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(0).standard_normal((4, 6))
    for call in (lambda x: F.relu_(x), lambda x: F.relu(x, inplace=True), lambda x: x.relu_(),
                 lambda x: minigrad.nn.ReLU(inplace=True)(x)):
        leaf = minigrad.tensor(values, requires_grad=True)
        hidden = leaf * 3
        storage = hidden._data
        version = hidden._version
        assert call(hidden) is hidden and hidden._data is storage and hidden._version == version + 1
        assert hidden.grad_fn.name() == "ReluBackward0"
        (hidden * hidden).sum().backward()
        torch_leaf = torch.tensor(values, requires_grad=True)
        torch_hidden = torch.relu_(torch_leaf * 3)
        (torch_hidden * torch_hidden).sum().backward()
        np.testing.assert_allclose(hidden.detach().numpy(), torch_hidden.detach().numpy(), rtol=1e-15)
        np.testing.assert_allclose(leaf.grad.numpy(), torch_leaf.grad.numpy(), rtol=1e-15)


def test_relu_inplace_over_a_value_saved_for_backward_is_detected():
    leaf = minigrad.randn(5, requires_grad=True)
    hidden = leaf * 2
    out = hidden.exp()  # exp saves its output, not hidden: fine
    squared = hidden * hidden  # mul saves hidden itself
    F.relu_(hidden)
    (out.sum() + hidden.sum()).backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        squared.sum().backward()


def test_relu_inplace_without_grad_and_on_other_layouts():
    x = minigrad.tensor([[-1.0, 2.0], [3.0, -4.0]])
    assert F.relu_(x) is x and x.tolist() == [[0.0, 2.0], [3.0, 0.0]]
    strided = minigrad.tensor([[-1.0, 2.0], [3.0, -4.0]]).t()  # non-contiguous: the generic in-place path
    assert F.relu_(strided).tolist() == [[0.0, 3.0], [2.0, 0.0]]
    ints = minigrad.tensor([-2, 5])
    assert F.relu_(ints).tolist() == [0, 5]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        F.relu_(minigrad.randn(3, requires_grad=True))
