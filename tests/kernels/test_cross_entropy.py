"""Fused cross-entropy (class indices and probabilities, weights, ignore_index, label smoothing)
against the naive float64 reference (minigrad.kernels.reference.cross_entropy), finite differences
and PyTorch, including the reduction contract."""
import math

import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.cross_entropy import cross_entropy_backward, cross_entropy_forward
from minigrad.kernels import _threads

from minigrad.kernels.reference.cross_entropy import cross_entropy_forward as naive_cross_entropy

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def numerical_grad(f, x, h=1e-6):
    """Central differences of the scalar function f at the float64 array x."""
    steps = np.eye(x.size).reshape(x.size, *x.shape) * h
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps]).reshape(x.shape)


def make_case(rng, M, C, dtype, probabilities, ignore_index=-100):
    x = (rng.standard_normal((M, C)) * 3).astype(dtype)
    if probabilities:
        return x, rng.dirichlet(np.ones(C), M).astype(dtype)
    target = rng.integers(0, C, M)
    target[1::4] = ignore_index
    return x, target


CASES = [  # (probabilities, weighted, ignore_index, label_smoothing)
    (False, False, -100, 0.0), (False, True, -100, 0.0), (False, True, 2, 0.0), (False, False, 1, 0.25),
    (False, True, -100, 0.1), (False, True, 3, 1.0), (True, False, -100, 0.0), (True, True, -100, 0.0),
    (True, True, -100, 0.3),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("probabilities, weighted, ignore_index, smoothing", CASES)
def test_forward_matches_naive_and_backward_matches_finite_differences(
        probabilities, weighted, ignore_index, smoothing, dtype):
    rng = np.random.default_rng(0)
    x, target = make_case(rng, 9, 5, dtype, probabilities, ignore_index)
    weight = rng.uniform(0.2, 2.0, 5).astype(dtype) if weighted else None
    losses, denominator, lse = cross_entropy_forward(x, target, weight, ignore_index, smoothing)
    ref_losses, ref_denominator = naive_cross_entropy(x, target, weight, ignore_index, smoothing)
    assert losses.dtype == dtype and denominator.dtype == dtype and denominator.shape == ()
    np.testing.assert_allclose(losses, ref_losses, **TOL[dtype])
    np.testing.assert_allclose(denominator, ref_denominator, **TOL[dtype])
    assert lse.shape == (9,)

    x64, target64 = x.astype(np.float64), target if not probabilities else target.astype(np.float64)
    weight64 = None if weight is None else weight.astype(np.float64)
    grad_losses = rng.standard_normal(9)
    _, _, lse64 = cross_entropy_forward(x64, target64, weight64, ignore_index, smoothing)
    grad = cross_entropy_backward(grad_losses, x64, lse64, target64, weight64, ignore_index, smoothing)
    expected = numerical_grad(
        lambda v: grad_losses @ naive_cross_entropy(v, target64, weight64, ignore_index, smoothing)[0], x64)
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    grad_mean = cross_entropy_backward(1 / denominator, x, lse, target, weight, ignore_index, smoothing)
    assert grad_mean.dtype == dtype
    if not probabilities:
        assert not grad_mean[target == ignore_index].any()


def torch_cross_entropy(torch, x, target, weight, ignore_index, smoothing, reduction, grad=None):
    xt = torch.from_numpy(x).requires_grad_()
    loss = torch.nn.functional.cross_entropy(
        xt, torch.from_numpy(target), None if weight is None else torch.from_numpy(weight),
        ignore_index=ignore_index, reduction=reduction, label_smoothing=smoothing)
    loss.backward(None if grad is None else torch.from_numpy(grad))
    return loss.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("probabilities, weighted, ignore_index, smoothing", CASES)
def test_torch_parity_for_every_reduction(probabilities, weighted, ignore_index, smoothing, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for M, C in [(1, 1), (64, 10), (13, 7)]:
        ignore = ignore_index if C > 3 else -100  # keep the ignored class inside [0, C)
        x, target = make_case(rng, M, C, dtype, probabilities, ignore)
        weight = rng.uniform(0.2, 2.0, C).astype(dtype) if weighted else None
        losses, denominator, lse = cross_entropy_forward(x, target, weight, ignore, smoothing)
        grad_rows = rng.standard_normal(M).astype(dtype)
        ref, ref_grad = torch_cross_entropy(torch, x, target, weight, ignore, smoothing, "none", grad_rows)
        np.testing.assert_allclose(losses, ref, **TOL[dtype])
        grad = cross_entropy_backward(grad_rows, x, lse, target, weight, ignore, smoothing)
        np.testing.assert_allclose(grad, ref_grad, **TOL[dtype])
        ref, ref_grad = torch_cross_entropy(torch, x, target, weight, ignore, smoothing, "sum")
        np.testing.assert_allclose(losses.sum(), ref, **TOL[dtype])
        np.testing.assert_allclose(cross_entropy_backward(1.0, x, lse, target, weight, ignore, smoothing),
                                   ref_grad, **TOL[dtype])
        ref, ref_grad = torch_cross_entropy(torch, x, target, weight, ignore, smoothing, "mean")
        np.testing.assert_allclose(losses.sum() / denominator, ref, **TOL[dtype])
        np.testing.assert_allclose(
            cross_entropy_backward(1 / denominator, x, lse, target, weight, ignore, smoothing),
            ref_grad, **TOL[dtype])


@pytest.mark.parametrize("probabilities", [False, True])
def test_torch_parity_with_spatial_dims_flattened_by_the_caller(probabilities):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    N, C, H, W = 2, 4, 3, 5
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    if probabilities:
        target = rng.dirichlet(np.ones(C), (N, H, W)).astype(np.float32)
        flat_target, target_nd = target.reshape(-1, C), np.moveaxis(target, -1, 1).copy()
    else:
        target_nd = rng.integers(0, C, (N, H, W))
        target_nd[0, 1] = -100
        flat_target = target_nd.reshape(-1)
    weight = rng.uniform(0.5, 1.5, C).astype(np.float32)
    flat_x = np.moveaxis(x, 1, -1).reshape(-1, C)
    losses, denominator, lse = cross_entropy_forward(flat_x, flat_target, weight, -100, 0.2)
    ref, ref_grad = torch_cross_entropy(torch, x, target_nd, weight, -100, 0.2, "mean")
    np.testing.assert_allclose(losses.sum() / denominator, ref, rtol=1e-5)
    grad = cross_entropy_backward(1 / denominator, flat_x, lse, flat_target, weight, -100, 0.2)
    np.testing.assert_allclose(np.moveaxis(grad.reshape(N, H, W, C), -1, 1), ref_grad, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
def test_mean_denominator_is_zero_when_nothing_counts(dtype):
    x = np.ones((3, 4), dtype)
    losses, denominator, lse = cross_entropy_forward(x, np.full(3, -100), None, -100, 0.1)
    assert denominator == 0 and not losses.any()
    assert not cross_entropy_backward(1.0, x, lse, np.full(3, -100), None, -100, 0.1).any()
    for target in (np.zeros(0, np.int64), np.zeros((0, 4), dtype)):
        losses, denominator, lse = cross_entropy_forward(np.zeros((0, 4), dtype), target)
        assert losses.shape == (0,) and denominator == 0
        assert cross_entropy_backward(1.0, np.zeros((0, 4), dtype), lse, target).shape == (0, 4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_huge_logits_are_stable(dtype):
    x = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, -1e4], [-1e4, 1e4, 0.0]], dtype)
    target = np.array([0, 1, 2])
    losses, denominator, lse = cross_entropy_forward(x, target, None, -100, 0.1)
    grad = cross_entropy_backward(1.0, x, lse, target, None, -100, 0.1)
    assert np.isfinite(losses).all() and np.isfinite(grad).all()
    np.testing.assert_allclose(losses, naive_cross_entropy(x, target, None, -100, 0.1)[0], rtol=1e-6)
    log2 = math.log(2)
    expected = [0.1 / 3 * 3e4, 0.9 * log2 + 0.1 / 3 * (2e4 + 3 * log2)]  # by hand: lse = max + log(#max)
    np.testing.assert_allclose(losses[:2], expected, rtol=1e-6)


def test_float32_long_rows_stay_within_float64_tolerance():
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((4, 100_000)) * 3).astype(np.float32)
    target = np.array([0, 5, 99_999, 1234])
    x64 = x.astype(np.float64)
    lse64 = np.log(np.exp(x64).sum(1))
    losses, _, lse = cross_entropy_forward(x, target, None, -100, 0.0)
    np.testing.assert_allclose(losses, lse64 - x64[np.arange(4), target], rtol=1e-4, atol=1e-5)
    grad = cross_entropy_backward(1.0, x, lse, target)
    expected = np.exp(x64 - lse64[:, None])
    expected[np.arange(4), target] -= 1
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-5)


def run_both_targets(x, target, probs, weight, grad_rows):
    """Forward and backward results for class-index and probability targets, smoothing and weights on."""
    results = []
    for t in (target, probs):
        losses, denominator, lse = cross_entropy_forward(x, t, weight, -100, 0.2)
        results += [losses, denominator, lse, cross_entropy_backward(grad_rows, x, lse, t, weight, -100, 0.2)]
    return results


def random_inputs(M, C, seed):
    rng = np.random.default_rng(seed)
    x, target = make_case(rng, M, C, np.float32, False)
    _, probs = make_case(rng, M, C, np.float32, True)
    return x, target, probs, rng.uniform(0.5, 1.5, C).astype(np.float32), rng.standard_normal(M).astype(np.float32)


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", 0)  # every size through the parallel drivers
    inputs = random_inputs(301, 17, seed=4)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append(run_both_targets(*inputs))
    for run in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(results[0], run))


@pytest.mark.parametrize("M, C", [(64, 10), (301, 17)])
def test_serial_and_parallel_paths_agree(M, C, monkeypatch):
    inputs = random_inputs(M, C, seed=5)
    results = []
    for limit in (0, math.inf):  # all parallel drivers, then all serial range functions
        monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", limit)
        results.append(run_both_targets(*inputs))
    assert all(np.array_equal(a, b) for a, b in zip(*results))
