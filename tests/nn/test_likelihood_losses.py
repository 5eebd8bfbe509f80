"""KLDivLoss, PoissonNLLLoss and GaussianNLLLoss (F forms and modules): float64 gradcheck of
every differentiable argument, PyTorch parity of values and gradients over their options and
reductions ('batchmean' included), var shapes, warnings, reprs and PyTorch's errors."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

REDUCTIONS = ["mean", "sum", "none"]


def rand(*shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def log_probabilities(*shape, seed=0):
    logits = rand(*shape, seed=seed)
    return logits - np.log(np.exp(logits).sum(-1, keepdims=True))


KL_CASES = {  # name -> (kwargs, target)
    "probabilities": ({}, np.exp(log_probabilities(3, 4, seed=1))),
    "log_target": ({"log_target": True}, log_probabilities(3, 4, seed=1)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("case", KL_CASES)
def test_kl_div_gradcheck(case, reduction):
    kwargs, target = KL_CASES[case]
    x = minigrad.tensor(log_probabilities(3, 4), requires_grad=True)
    t = minigrad.tensor(target, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reduction='mean' warns
        assert gradcheck(lambda x, t: F.kl_div(x, t, reduction=reduction, **kwargs), (x, t))


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("case", KL_CASES)
def test_kl_div_matches_torch(case, reduction, torch_parity):
    kwargs, target = KL_CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dtype in (np.float32, np.float64):
            arrays = (log_probabilities(3, 4).astype(dtype), target.astype(dtype))
            torch_parity(lambda lib, x, t: lib.nn.functional.kl_div(x, t, reduction=reduction, **kwargs), arrays,
                         (0, 1), rtol=1e-5, atol=1e-6)


def test_kl_div_zero_targets_and_batchmean():
    x = minigrad.tensor(log_probabilities(2, 3), requires_grad=True)
    target = minigrad.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
    losses = F.kl_div(x, target, reduction="none")
    assert losses[0, 0].item() == 0 and losses[1, 2].item() == 0  # 0 log 0 = 0, not nan
    expected = (target * (target.clamp(min=1e-30).log() - x)).sum() / 2
    assert F.kl_div(x, target, reduction="batchmean").item() == pytest.approx(expected.item())
    F.kl_div(x, target, reduction="sum").backward()
    assert minigrad.equal(x.grad, -target)


def test_kl_div_mean_warns_and_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size"):
        F.kl_div(minigrad.zeros(2, 2), minigrad.ones(2, 2) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(minigrad.zeros(2, 2), minigrad.ones(2, 2) / 2, reduction="batchmean")
    assert F.kl_div(minigrad.ones(3), minigrad.ones(3, dtype=minigrad.float64), reduction="sum").dtype == \
        minigrad.float64
    assert torch.nn.functional.kl_div(torch.ones(3), torch.ones(3).double(), reduction="sum").dtype == torch.float64
    for namespace, library in ((F, minigrad), (torch.nn.functional, torch)):
        with pytest.raises(RuntimeError, match="kl_div: Integral inputs not supported."):
            namespace.kl_div(library.ones(3), library.ones(3, dtype=library.long), reduction="sum")


POISSON_CASES = {
    "log_input": {},
    "log_input, full": {"full": True},
    "rates": {"log_input": False},
    "rates, full, eps": {"log_input": False, "full": True, "eps": 1e-3},
}


def poisson_arrays(log_input: bool):
    rates = rand(3, 4, low=0.2, high=3.0) if not log_input else rand(3, 4)
    counts = np.random.default_rng(2).integers(0, 6, (3, 4)).astype(np.float64)
    return rates, counts


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", POISSON_CASES)
def test_poisson_nll_gradcheck(case, reduction):
    kwargs = POISSON_CASES[case]
    rates, counts = poisson_arrays(kwargs.get("log_input", True))
    x = minigrad.tensor(rates, requires_grad=True)
    assert gradcheck(lambda x: F.poisson_nll_loss(x, minigrad.tensor(counts), reduction=reduction, **kwargs), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", POISSON_CASES)
def test_poisson_nll_matches_torch(case, reduction, torch_parity):
    kwargs = POISSON_CASES[case]
    arrays = poisson_arrays(kwargs.get("log_input", True))
    torch_parity(lambda lib, x, y: lib.nn.functional.poisson_nll_loss(x, y, reduction=reduction, **kwargs), arrays)


VARIANCES = {  # input (3, 4) with a variance of each accepted shape
    "per element": rand(3, 4, seed=3, low=0.1, high=2.0),
    "per row": rand(3, seed=3, low=0.1, high=2.0),
    "per row, kept dim": rand(3, 1, seed=3, low=0.1, high=2.0),
    "per column": rand(1, 4, seed=3, low=0.1, high=2.0),
    "below eps": np.full((3, 4), 1e-9),
}


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("variance", VARIANCES)
def test_gaussian_nll_gradcheck(variance, full):
    x = minigrad.tensor(rand(3, 4), requires_grad=True)
    var = minigrad.tensor(VARIANCES[variance], requires_grad=True)
    target = minigrad.tensor(rand(3, 4, seed=1))
    if variance == "below eps":  # clamped: the loss does not move with var, its reported gradient does
        assert gradcheck(lambda x: F.gaussian_nll_loss(x, target, var.detach(), full=full), (x,))
    else:
        assert gradcheck(lambda x, v: F.gaussian_nll_loss(x, target, v, full=full, reduction="sum"), (x, var))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("variance", VARIANCES)
def test_gaussian_nll_matches_torch(variance, reduction, torch_parity):
    arrays = (rand(3, 4), rand(3, 4, seed=1), VARIANCES[variance])
    torch_parity(lambda lib, x, y, v: lib.nn.functional.gaussian_nll_loss(x, y, v, full=True, reduction=reduction),
                 arrays, (0, 1, 2))


def test_gaussian_nll_with_a_float_variance_matches_torch(torch_parity):
    torch_parity(lambda lib, x, y: lib.nn.functional.gaussian_nll_loss(x, y, 0.5, eps=1e-3), (rand(4), rand(4, seed=1)))


MODULES = {
    "KLDivLoss(batchmean, log_target)": (lambda m: m.KLDivLoss(reduction="batchmean", log_target=True),
                                         (log_probabilities(3, 4), log_probabilities(3, 4, seed=1))),
    "PoissonNLLLoss(rates, full)": (lambda m: m.PoissonNLLLoss(log_input=False, full=True, reduction="sum"),
                                    poisson_arrays(False)),
    "GaussianNLLLoss(full)": (lambda m: m.GaussianNLLLoss(full=True, eps=1e-3),
                              (rand(3, 4), rand(3, 4, seed=1), VARIANCES["per row"])),
}


@pytest.mark.parametrize("name", MODULES)
def test_modules_match_torch(name):
    torch = pytest.importorskip("torch")
    make, arrays = MODULES[name]
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict()) == []
    np.testing.assert_allclose(ours(*map(minigrad.tensor, arrays)).numpy(), theirs(*map(torch.tensor, arrays)).numpy(),
                               rtol=1e-10)


ERRORS = [
    (lambda f, t: f.kl_div(t.ones(2), t.ones(2), reduction="max"), ValueError, "max is not a valid value for reduction"),
    (lambda f, t: f.poisson_nll_loss(t.ones(2), t.ones(2), reduction="max"), ValueError,
     "max is not a valid value for reduction"),
    (lambda f, t: f.gaussian_nll_loss(t.ones(2), t.ones(2), t.ones(2), reduction="max"), ValueError, "max is not valid"),
    (lambda f, t: f.gaussian_nll_loss(t.ones(2), t.ones(2), -1.0), ValueError, "var has negative entry/entries"),
    (lambda f, t: f.gaussian_nll_loss(t.ones(2), t.ones(2), -t.ones(2)), ValueError, "var has negative entry/entries"),
    (lambda f, t: f.gaussian_nll_loss(t.ones(3, 4), t.ones(3, 4), t.ones(2, 2)), ValueError, "var is of incorrect size"),
    (lambda f, t: f.gaussian_nll_loss(t.ones(3, 4), t.ones(3, 4), t.ones(2, 1)), ValueError, "var is of incorrect size"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case, same_error_as_torch):
    same_error_as_torch(*ERRORS[case])
