"""nll_loss forward/backward against the naive loops (minigrad.kernels.reference.nll_loss), the adjoint
identity and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels.nll_loss import nll_loss_backward, nll_loss_forward, target_weights
from minigrad.kernels.reference.nll_loss import nll_loss_forward as naive_nll

DTYPES = [np.float32, np.float64]


def make_case(rng, M, C, dtype, ignore_index):
    log_probs = np.log(rng.dirichlet(np.ones(C), M)).astype(dtype)
    target = rng.integers(0, C, M)
    target[1::3] = ignore_index
    return log_probs, target


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_matches_naive_and_adjoint(dtype, weighted, ignore_index):
    rng = np.random.default_rng(0)
    log_probs, target = make_case(rng, 10, 4, dtype, ignore_index)
    log_probs[1, 0] = -np.inf  # an ignored row may hold -inf anywhere: its loss stays exactly 0
    weight = rng.uniform(0.5, 2.0, 4).astype(dtype) if weighted else None
    losses, total_weight = nll_loss_forward(log_probs, target, weight, ignore_index)
    ref_losses, ref_total = naive_nll(log_probs, target, weight, ignore_index)
    assert losses.dtype == dtype and total_weight.dtype == dtype and total_weight.shape == ()
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-6)
    np.testing.assert_allclose(total_weight, ref_total, rtol=1e-6)
    # The losses are linear in log_probs, so <g, loss(lp)> == <backward(g), lp> exactly (adjoint test).
    log_probs[1, 0] = 0.0
    grad_rows = rng.standard_normal(10)
    grad = nll_loss_backward(grad_rows, log_probs, target, weight, ignore_index)
    assert grad.shape == log_probs.shape and grad.dtype == dtype
    losses, _ = nll_loss_forward(log_probs, target, weight, ignore_index)
    np.testing.assert_allclose(np.sum(grad * log_probs), grad_rows @ losses, rtol=1e-5)
    assert np.count_nonzero(grad) == np.count_nonzero(target != ignore_index)
    row_weight = target_weights(target, weight, ignore_index, dtype)
    np.testing.assert_array_equal(row_weight != 0, target != ignore_index)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 1])
def test_torch_parity(dtype, weighted, ignore_index):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    log_probs, target = make_case(rng, 13, 5, dtype, ignore_index)
    weight = rng.uniform(0.5, 2.0, 5).astype(dtype) if weighted else None
    losses, total_weight = nll_loss_forward(log_probs, target, weight, ignore_index)
    for reduction, reduced, grad_scale in [("none", losses, None), ("sum", losses.sum(), 1.0),
                                           ("mean", losses.sum() / total_weight, 1 / total_weight)]:
        lp = torch.from_numpy(log_probs).requires_grad_()
        ref = torch.nn.functional.nll_loss(lp, torch.from_numpy(target),
                                           None if weight is None else torch.from_numpy(weight),
                                           ignore_index=ignore_index, reduction=reduction)
        grad_rows = rng.standard_normal(13).astype(dtype) if grad_scale is None else grad_scale
        ref.backward(torch.from_numpy(grad_rows) if grad_scale is None else None)
        np.testing.assert_allclose(reduced, ref.detach().numpy(), rtol=1e-5)
        np.testing.assert_allclose(nll_loss_backward(grad_rows, log_probs, target, weight, ignore_index),
                                   lp.grad.numpy(), rtol=1e-5)


def test_all_ignored_and_empty():
    losses, total_weight = nll_loss_forward(np.zeros((3, 2)), np.full(3, -100))
    assert total_weight == 0 and not losses.any()
    losses, total_weight = nll_loss_forward(np.zeros((0, 2)), np.zeros(0, np.int64))
    assert losses.shape == (0,) and total_weight == 0
    assert nll_loss_backward(1.0, np.zeros((0, 2)), np.zeros(0, np.int64)).shape == (0, 2)
