"""The CUDA NLL loss (minigrad.kernels.cuda.nll_loss) against its CPU sibling
(minigrad.kernels.nll_loss): per-row losses, the 'mean' denominator, the gradient and the target
weights, on rows of 5 classes."""
import numpy as np
import pytest

from minigrad.kernels import nll_loss as cpu
from minigrad.kernels.cuda import nll_loss as gpu

from .twins import device, matcher

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}
assert_matches = matcher(TOL)
M, C = 6, 5


@pytest.mark.parametrize("ignore_index, weighted, dtype", [(-100, True, np.float32), (2, False, np.float32),
                                                           (2, True, np.float64), (-100, False, np.float64)])
def test_forward_and_backward_match_cpu(ignore_index, weighted, dtype):
    rng = np.random.default_rng(0)
    log_probs = -rng.uniform(0.1, 3.0, (M, C)).astype(dtype)
    target = rng.integers(0, C, M)
    target[[1, 4]] = ignore_index if ignore_index >= 0 else [ignore_index, 2]
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if weighted else None
    grad_rows = rng.standard_normal(M).astype(dtype)

    losses, total_weight = gpu.nll_loss_forward(device(log_probs), device(target), device(weight), ignore_index)
    expected_losses, expected_total = cpu.nll_loss_forward(log_probs, target, weight, ignore_index)
    assert_matches(losses, expected_losses, dtype)
    assert_matches(total_weight, expected_total, dtype)
    assert_matches(gpu.target_weights(device(target), device(weight), ignore_index, dtype),
                   cpu.target_weights(target, weight, ignore_index, dtype), dtype)

    # 'none': one gradient per row; 'mean' / 'sum': one broadcast value (a (1,) array or a scalar).
    for got_rows, cpu_rows in ((device(grad_rows), grad_rows), (device(grad_rows[:1]), grad_rows[:1]),
                               (0.25, dtype(0.25))):
        assert_matches(gpu.nll_loss_backward(got_rows, device(log_probs), device(target), device(weight), ignore_index),
                       cpu.nll_loss_backward(cpu_rows, log_probs, target, weight, ignore_index), dtype)


def test_all_rows_ignored_give_zero_losses_and_total_weight():
    log_probs = -np.ones((3, C), np.float32)
    losses, total_weight = gpu.nll_loss_forward(device(log_probs), device(np.full(3, -100)))
    np.testing.assert_array_equal(losses.to_host(), 0)
    assert total_weight.shape == () and total_weight.item() == 0
