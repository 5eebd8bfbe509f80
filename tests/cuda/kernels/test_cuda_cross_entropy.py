"""The CUDA cross-entropy (minigrad.kernels.cuda.cross_entropy) against its CPU sibling
(minigrad.kernels.cross_entropy): class-index and probability targets, class weights,
ignore_index and label smoothing, losses, the 'mean' denominator, the log-sum-exp, the unit
gradient and the backward, on rows of 5 classes."""
import numpy as np
import pytest

from minigrad.kernels import cross_entropy as cpu
from minigrad.kernels.cuda import cross_entropy as gpu

from .twins import device, matcher

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}
assert_matches = matcher(TOL)
M, C = 6, 5


def make_target(rng, kind, dtype, ignore_index):
    if kind == "probabilities":
        p = rng.uniform(0.0, 1.0, (M, C))
        return (p / p.sum(axis=1, keepdims=True)).astype(dtype)
    target = rng.integers(0, C, M)
    target[[1, 4]] = ignore_index
    return target


@pytest.mark.parametrize("kind, ignore_index, smoothing, weighted, dtype", [
    ("indices", -100, 0.0, False, np.float32),
    ("indices", -100, 0.3, True, np.float32),
    ("indices", 3, 0.3, True, np.float64),
    ("indices", 3, 0.0, False, np.float64),
    ("probabilities", -100, 0.0, True, np.float32),
    ("probabilities", -100, 0.3, False, np.float64),
])
def test_forward_and_backward_match_cpu(kind, ignore_index, smoothing, weighted, dtype):
    rng = np.random.default_rng(0)
    logits = (rng.standard_normal((M, C)) * 3).astype(dtype)
    target = make_target(rng, kind, dtype, ignore_index)
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if weighted else None
    grad_rows = rng.standard_normal(M).astype(dtype)
    args = (weight, ignore_index, smoothing)
    device_args = (device(weight), ignore_index, smoothing)

    expected = cpu.cross_entropy_forward(logits, target, *args, return_grad=True)
    got = gpu.cross_entropy_forward(device(logits), device(target), *device_args, return_grad=True)
    for g, e in zip(got, expected):  # losses, denominator, lse, unit gradient
        assert_matches(g, e, dtype)
    without_grad = gpu.cross_entropy_forward(device(logits), device(target), *device_args)
    assert len(without_grad) == 3
    assert_matches(without_grad[0], expected[0], dtype)

    for got_rows, cpu_rows in ((device(grad_rows), grad_rows), (device(grad_rows[:1]), grad_rows[:1]),
                               (0.5, dtype(0.5))):
        reference = cpu.cross_entropy_backward(cpu_rows, logits, expected[2], target, *args, unit_grad=expected[3])
        assert_matches(gpu.cross_entropy_backward(got_rows, device(logits), got[2], device(target), *device_args,
                                                  unit_grad=got[3]), reference, dtype)
    # Without the forward's unit gradient it is computed again.
    assert_matches(gpu.cross_entropy_backward(device(grad_rows), device(logits), got[2], device(target), *device_args),
                   cpu.cross_entropy_backward(grad_rows, logits, expected[2], target, *args), dtype)


def test_ignored_rows_get_zero_gradient_even_from_an_infinite_incoming_gradient():
    logits = np.random.default_rng(1).standard_normal((3, C)).astype(np.float32)
    target = np.array([0, -100, 4])
    _, _, lse, unit_grad = gpu.cross_entropy_forward(device(logits), device(target), return_grad=True)
    grad = gpu.cross_entropy_backward(device(np.array([1.0, np.inf, 1.0], np.float32)), device(logits), lse,
                                      device(target), unit_grad=unit_grad).to_host()
    np.testing.assert_array_equal(grad[1], 0)
    assert np.isfinite(grad).all()


def test_huge_logits_give_finite_losses():
    logits = np.array([[1e4, -1e4, 0.0, 5.0, 1e4 - 2]], np.float32)
    target = np.array([3])
    losses = gpu.cross_entropy_forward(device(logits), device(target))[0]
    np.testing.assert_allclose(losses.to_host(), cpu.cross_entropy_forward(logits, target)[0], rtol=1e-6)
