"""SmoothL1Loss and HuberLoss (F forms and modules): float64 gradcheck of input and target for
every reduction, PyTorch parity of values and gradients (both branches and the boundary), dtype
rules, broadcasting, the weighted Huber form, reprs, and PyTorch's errors."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

REDUCTIONS = ["mean", "sum", "none"]
LOSSES = {
    "smooth_l1": lambda f, x, y, reduction: f.smooth_l1_loss(x, y, reduction=reduction),
    "smooth_l1(beta=0.3)": lambda f, x, y, reduction: f.smooth_l1_loss(x, y, reduction=reduction, beta=0.3),
    "smooth_l1(beta=0)": lambda f, x, y, reduction: f.smooth_l1_loss(x, y, reduction=reduction, beta=0.0),
    "huber": lambda f, x, y, reduction: f.huber_loss(x, y, reduction=reduction),
    "huber(delta=2.5)": lambda f, x, y, reduction: f.huber_loss(x, y, reduction=reduction, delta=2.5),
}


def pair(shape=(3, 5), seed=0, dtype=np.float64):
    # Differences spread over both branches (|d| below and above beta / delta), none at a kink.
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, shape)
    y = x + rng.uniform(0.05, 4.0, shape) * rng.choice([-1, 1], shape)
    return x.astype(dtype), y.astype(dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_gradcheck(name, reduction):
    x, y = (minigrad.tensor(a, requires_grad=True) for a in pair())
    assert gradcheck(lambda x, y: LOSSES[name](F, x, y, reduction), (x, y))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_matches_torch(name, reduction, torch_parity):
    for dtype in (np.float32, np.float64):
        torch_parity(lambda lib, x, y: LOSSES[name](lib.nn.functional, x, y, reduction), pair(dtype=dtype), (0, 1))


def test_boundary_and_node_names_match_torch(torch_parity):
    x = np.array([0.0, 1.0, -1.0, 2.5, -2.5, 0.3, 1e-9])
    y = np.zeros_like(x)
    for name in ("smooth_l1", "huber(delta=2.5)", "smooth_l1(beta=0.3)"):
        torch_parity(lambda lib, x, y: LOSSES[name](lib.nn.functional, x, y, "none"), (x, y), (0, 1), rtol=1e-12)
    args = [minigrad.tensor(a, requires_grad=True) for a in pair()]
    assert F.smooth_l1_loss(*args).grad_fn.name() == "SmoothL1LossBackward0"
    assert F.huber_loss(*args).grad_fn.name() == "HuberLossBackward0"
    assert F.smooth_l1_loss(*args, beta=0.0).grad_fn.name() == "MeanBackward0"  # l1_loss, as PyTorch


def test_huber_is_delta_times_smooth_l1():
    x, y = (minigrad.tensor(a) for a in pair())
    for delta in (0.5, 1.0, 3.0):
        assert minigrad.allclose(F.huber_loss(x, y, delta=delta), delta * F.smooth_l1_loss(x, y, beta=delta))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_huber_matches_torch(reduction, torch_parity):
    x, y = pair()
    weight = np.random.default_rng(3).uniform(0, 2, x.shape)
    torch_parity(lambda lib, x, y, w: lib.nn.functional.huber_loss(x, y, reduction, 1.5, w), (x, y, weight), (0, 1, 2))


def test_dtypes_and_broadcasting_match_torch():
    torch = pytest.importorskip("torch")
    for input_dtype, target_dtype in (("float32", "float64"), ("float64", "float32"), ("int64", "float32"),
                                      ("float32", "int64")):
        for name in ("smooth_l1_loss", "huber_loss"):
            results = []
            for lib in (minigrad, torch):
                x, y = lib.ones(3, dtype=getattr(lib, input_dtype)), lib.zeros(3, dtype=getattr(lib, target_dtype))
                try:
                    results.append(str(getattr(lib.nn.functional, name)(x, y).dtype).split(".")[1])
                except RuntimeError as error:
                    results.append(str(error))
            assert results[0] == results[1]
    with pytest.warns(UserWarning, match=r"Using a target size \(minigrad.Size\(\[3\]\)\) that is different"):
        out = F.smooth_l1_loss(minigrad.ones(3, 1), minigrad.zeros(3), reduction="none")
    assert out.shape == (3, 3)


ERRORS = [
    (lambda f, t: f.smooth_l1_loss(t.ones(2), t.ones(2), beta=-1.0), RuntimeError,
     "smooth_l1_loss does not support negative values for beta."),
    (lambda f, t: f.huber_loss(t.ones(2), t.ones(2), delta=0.0), RuntimeError,
     "huber_loss does not support non-positive values for delta."),
    (lambda f, t: f.smooth_l1_loss(t.ones(2), t.ones(2), reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda f, t: f.huber_loss(t.ones(2), t.ones(2), reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda f, t: f.huber_loss(t.ones(2), t.ones(2), reduction="avg", weight=t.ones(2)), ValueError,
     "Invalid reduction mode: avg. Expected one of 'none', 'mean', 'sum'."),
    (lambda f, t: f.huber_loss(t.ones(2), t.ones(2), weight=t.ones(3)), ValueError,
     "Weights and input must have the same size."),
    (lambda f, t: f.smooth_l1_loss(t.ones(2, dtype=t.long), t.ones(2, dtype=t.long)), NotImplementedError,
     "\"smooth_l1_cpu\" not implemented for 'Long'"),
    (lambda f, t: f.huber_loss(t.ones(2, dtype=t.long), t.ones(2, dtype=t.long)), NotImplementedError,
     "\"huber_cpu\" not implemented for 'Long'"),
    (lambda f, t: t.nn.HuberLoss(delta="1"), TypeError, "delta must be a float or int, got: <class 'str'>"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case, same_error_as_torch):
    same_error_as_torch(*ERRORS[case])


def test_modules_match_torch():
    torch = pytest.importorskip("torch")
    x, y = pair(dtype=np.float32)
    for make in (lambda m: m.SmoothL1Loss(), lambda m: m.SmoothL1Loss(reduction="sum", beta=0.5),
                 lambda m: m.HuberLoss(), lambda m: m.HuberLoss("none", delta=2)):
        ours, theirs = make(nn), make(torch.nn)
        assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict()) == []
        np.testing.assert_allclose(ours(minigrad.tensor(x), minigrad.tensor(y)).numpy(),
                                   theirs(torch.tensor(x), torch.tensor(y)).numpy(), rtol=1e-6)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        assert nn.SmoothL1Loss(size_average=False).reduction == "sum"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.HuberLoss(delta=2).delta == 2
