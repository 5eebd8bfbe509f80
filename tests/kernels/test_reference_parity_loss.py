"""Randomized parity of the fast softmax / log_softmax, cross-entropy and nll_loss kernels with their
plain-loop references (minigrad.kernels.reference), forward and backward, over hundreds of seeded
configurations: any rank and axis; class-index and probability targets, class weights, ignore_index,
label smoothing, per-row and scalar gradients."""
import numpy as np
import pytest

from minigrad.kernels.cross_entropy import cross_entropy_backward, cross_entropy_forward
from minigrad.kernels.nll_loss import nll_loss_backward, nll_loss_forward
from minigrad.kernels.reference import cross_entropy as reference_cross_entropy
from minigrad.kernels.reference import nll_loss as reference_nll
from minigrad.kernels.reference import softmax as reference_softmax
from minigrad.kernels.softmax import log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def random_dtype(rng):
    return np.float32 if rng.random() < 0.5 else np.float64


@pytest.mark.parametrize("seed", range(100))
def test_softmax_and_log_softmax_match_reference(seed):
    """Ranks 1-4 with sizes 1-6 and any axis, negative ones included."""
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    shape = tuple(int(v) for v in rng.integers(1, 7, int(rng.integers(1, 5))))
    dim = int(rng.integers(-len(shape), len(shape)))
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    grad_out = rng.standard_normal(shape).astype(dtype)
    for forward, backward, reference_forward, reference_backward in [
        (softmax_forward, softmax_backward, reference_softmax.softmax_forward, reference_softmax.softmax_backward),
        (log_softmax_forward, log_softmax_backward,
         reference_softmax.log_softmax_forward, reference_softmax.log_softmax_backward),
    ]:
        out = forward(x, dim)
        assert out.dtype == dtype
        np.testing.assert_allclose(out, reference_forward(x, dim), **TOL[dtype], err_msg=str((shape, dim)))
        grad_x = backward(grad_out, out, dim)
        assert grad_x.dtype == dtype
        np.testing.assert_allclose(grad_x, reference_backward(grad_out, out, dim), **TOL[dtype],
                                   err_msg=str((shape, dim)))


def class_targets(rng, M, C, ignore_index):
    target = rng.integers(0, C, M)
    target[rng.random(M) < 0.25] = ignore_index
    return target


@pytest.mark.parametrize("seed", range(150))
def test_cross_entropy_matches_reference(seed):
    """1-12 rows of 1-8 classes; class indices (some ignored, ignore_index -100 or a class) or
    probabilities; weights or not; label smoothing 0-1; a gradient per row or one for all."""
    rng = np.random.default_rng(1000 + seed)
    dtype = random_dtype(rng)
    M, C = int(rng.integers(1, 13)), int(rng.integers(1, 9))
    x = (rng.standard_normal((M, C)) * 3).astype(dtype)
    ignore_index = int(rng.choice([-100, int(rng.integers(0, C))]))
    if rng.random() < 0.5:
        target = class_targets(rng, M, C, ignore_index)
    else:
        target = rng.dirichlet(np.ones(C), M).astype(dtype)
    weight = rng.uniform(0.2, 2.0, C).astype(dtype) if rng.random() < 0.5 else None
    smoothing = float(rng.choice([0.0, 0.0, 0.1, 0.5, 1.0]))
    args = (weight, ignore_index, smoothing)
    message = str((M, C, target.ndim, weight is not None, ignore_index, smoothing))

    losses, denominator, lse = cross_entropy_forward(x, target, *args)
    ref_losses, ref_denominator = reference_cross_entropy.cross_entropy_forward(x, target, *args)
    assert losses.dtype == dtype and denominator.dtype == dtype
    np.testing.assert_allclose(losses, ref_losses, **TOL[dtype], err_msg=message)
    np.testing.assert_allclose(denominator, ref_denominator, **TOL[dtype], err_msg=message)
    grad_losses = rng.standard_normal(M).astype(dtype) if rng.random() < 0.5 else float(rng.standard_normal())
    grad = cross_entropy_backward(grad_losses, x, lse, target, *args)
    assert grad.dtype == dtype
    np.testing.assert_allclose(grad, reference_cross_entropy.cross_entropy_backward(grad_losses, x, target, *args),
                               **TOL[dtype], err_msg=message)


@pytest.mark.parametrize("seed", range(50))
def test_nll_loss_matches_reference(seed):
    rng = np.random.default_rng(2000 + seed)
    dtype = random_dtype(rng)
    M, C = int(rng.integers(1, 13)), int(rng.integers(1, 9))
    log_probs = np.log(rng.dirichlet(np.ones(C), M)).astype(dtype)
    ignore_index = int(rng.choice([-100, int(rng.integers(0, C))]))
    target = class_targets(rng, M, C, ignore_index)
    weight = rng.uniform(0.2, 2.0, C).astype(dtype) if rng.random() < 0.5 else None
    args = (weight, ignore_index)

    losses, total_weight = nll_loss_forward(log_probs, target, *args)
    ref_losses, ref_total_weight = reference_nll.nll_loss_forward(log_probs, target, *args)
    np.testing.assert_allclose(losses, ref_losses, **TOL[dtype])
    np.testing.assert_allclose(total_weight, ref_total_weight, **TOL[dtype])
    grad_losses = rng.standard_normal(M).astype(dtype) if rng.random() < 0.5 else float(rng.standard_normal())
    np.testing.assert_allclose(nll_loss_backward(grad_losses, log_probs, target, *args),
                               reference_nll.nll_loss_backward(grad_losses, log_probs, target, *args), **TOL[dtype])
