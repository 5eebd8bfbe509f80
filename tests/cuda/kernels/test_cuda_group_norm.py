"""The CUDA group norm (minigrad.kernels.cuda.group_norm) against its CPU sibling
(minigrad.kernels.group_norm): forward and backward on tiny shapes, instance norm (G = C) included."""
import numpy as np
import pytest

from minigrad.kernels import group_norm as cpu
from minigrad.kernels.cuda import group_norm as gpu

from .twins import device, matcher

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
assert_matches = matcher(TOL)


@pytest.mark.parametrize("shape, num_groups, eps, affine, dtype", [
    ((3, 4, 2, 2), 2, 1e-5, True, np.float32),
    ((3, 4, 2, 2), 2, 1e-5, False, np.float64),
    ((3, 4, 2, 2), 4, 1e-3, False, np.float32),  # instance norm
    ((3, 4, 2, 2), 4, 1e-3, True, np.float64),
    ((2, 6, 3), 1, 1e-5, True, np.float32),
])
def test_forward_and_backward_match_cpu(shape, num_groups, eps, affine, dtype):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2 - 1).astype(dtype)
    weight = rng.uniform(0.5, 2.0, shape[1]).astype(dtype) if affine else None
    bias = rng.standard_normal(shape[1]).astype(dtype) if affine else None
    grad_out = rng.standard_normal(shape).astype(dtype)

    expected = cpu.group_norm_forward(x, num_groups, weight, bias, eps)
    got = gpu.group_norm_forward(device(x), num_groups, device(weight), device(bias), eps)
    for g, e in zip(got, expected):  # out, mean (N, G), invstd (N, G)
        assert_matches(g, e, dtype)

    expected_grads = cpu.group_norm_backward(grad_out, x, expected[1], expected[2], weight)
    got_grads = gpu.group_norm_backward(device(grad_out), device(x), got[1], got[2], device(weight))
    for g, e in zip(got_grads, expected_grads):  # grad_x, grad_weight, grad_bias
        assert_matches(g, e, dtype)
