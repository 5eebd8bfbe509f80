"""The CUDA batch norm (minigrad.kernels.cuda.batch_norm) against its CPU sibling
(minigrad.kernels.batch_norm): training and eval forward, backward, on tiny shapes."""
import numpy as np
import pytest

from minigrad.kernels import batch_norm as cpu
from minigrad.kernels.cuda import batch_norm as gpu

from .twins import device, matcher

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
assert_matches = matcher(TOL)


# Each option value meets the others at least once (a pairwise cover keeps the simulator's time low).
@pytest.mark.parametrize("shape, eps, offset, affine, dtype", [
    ((3, 4, 2, 2), 1e-5, 0.0, True, np.float32),
    ((3, 4, 2, 2), 1e-5, 0.0, False, np.float64),
    ((5, 3), 1e-3, 0.0, False, np.float32),  # BatchNorm1d's (N, C)
    ((5, 3), 1e-3, 0.0, True, np.float64),
    ((3, 4, 2, 2), 1e-5, 1000.0, True, np.float32),  # mean >> std: the shifted sums
])
def test_training_forward_and_backward_match_cpu(shape, eps, offset, affine, dtype):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2 + offset).astype(dtype)
    weight = rng.uniform(0.5, 2.0, shape[1]).astype(dtype) if affine else None
    bias = rng.standard_normal(shape[1]).astype(dtype) if affine else None
    grad_out = rng.standard_normal(shape).astype(dtype)

    expected = cpu.batch_norm_forward_train(x, weight, bias, eps)
    got = gpu.batch_norm_forward_train(device(x), device(weight), device(bias), eps)
    for g, e in zip(got, expected):  # out, mean, invstd, unbiased variance
        assert_matches(g, e, dtype)

    expected_grads = cpu.batch_norm_backward(grad_out, x, expected[1], expected[2], weight, training=True)
    got_grads = gpu.batch_norm_backward(device(grad_out), device(x), got[1], got[2], device(weight), training=True)
    for g, e in zip(got_grads, expected_grads):  # grad_x, grad_weight, grad_bias
        assert_matches(g, e, dtype)


@pytest.mark.parametrize("affine, dtype", [(True, np.float32), (False, np.float64)])
def test_eval_forward_and_backward_match_cpu(affine, dtype):
    rng = np.random.default_rng(1)
    shape, eps = (3, 4, 2, 2), 1e-4
    x = rng.standard_normal(shape).astype(dtype)
    running_mean = rng.standard_normal(4).astype(dtype)
    running_var = rng.uniform(0.5, 2.0, 4).astype(dtype)
    weight = rng.uniform(0.5, 2.0, 4).astype(dtype) if affine else None
    bias = rng.standard_normal(4).astype(dtype) if affine else None
    grad_out = rng.standard_normal(shape).astype(dtype)

    out = gpu.batch_norm_forward_eval(device(x), device(running_mean), device(running_var), device(weight),
                                      device(bias), eps)
    assert_matches(out, cpu.batch_norm_forward_eval(x, running_mean, running_var, weight, bias, eps), dtype)

    # The eval backward takes the running statistics as constants (as BatchNorm.forward passes them).
    mean = running_mean.astype(np.float64)
    invstd = 1.0 / np.sqrt(running_var.astype(np.float64) + eps)
    expected = cpu.batch_norm_backward(grad_out, x, mean, invstd, weight, training=False)
    got = gpu.batch_norm_backward(device(grad_out), device(x), device(mean), device(invstd), device(weight),
                                  training=False)
    for g, e in zip(got, expected):
        assert_matches(g, e, dtype)


def test_single_value_per_channel_has_nan_unbiased_variance():
    x = np.array([[1.0, 2.0, 3.0]], np.float32)  # N * S == 1
    _, mean, _, var_unbiased = gpu.batch_norm_forward_train(device(x), None, None, 1e-5)
    np.testing.assert_array_equal(mean.to_host(), x[0])
    assert np.isnan(var_unbiased.to_host()).all()
