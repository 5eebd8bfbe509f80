"""The CUDA layer norm (minigrad.kernels.cuda.layer_norm) against its CPU sibling
(minigrad.kernels.layer_norm): forward and backward on tiny shapes."""
import numpy as np
import pytest

from minigrad.kernels import layer_norm as cpu
from minigrad.kernels.cuda import layer_norm as gpu

from .twins import device, matcher

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
assert_matches = matcher(TOL)


@pytest.mark.parametrize("shape, normalized_shape, eps, affine, dtype", [
    ((3, 4, 5), (5,), 1e-5, True, np.float32),
    ((3, 4, 5), (5,), 1e-5, False, np.float64),
    ((2, 3, 4), (3, 4), 1e-2, True, np.float64),
    ((2, 3, 4), (3, 4), 1e-2, False, np.float32),
    ((7,), (7,), 1e-5, True, np.float32),
])
def test_forward_and_backward_match_cpu(shape, normalized_shape, eps, affine, dtype):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 3 + 2).astype(dtype)
    weight = rng.uniform(0.5, 2.0, normalized_shape).astype(dtype) if affine else None
    bias = rng.standard_normal(normalized_shape).astype(dtype) if affine else None
    grad_out = rng.standard_normal(shape).astype(dtype)

    expected = cpu.layer_norm_forward(x, normalized_shape, weight, bias, eps)
    got = gpu.layer_norm_forward(device(x), normalized_shape, device(weight), device(bias), eps)
    for g, e in zip(got, expected):  # out, mean, invstd
        assert_matches(g, e, dtype)

    expected_grads = cpu.layer_norm_backward(grad_out, x, normalized_shape, expected[1], expected[2], weight)
    got_grads = gpu.layer_norm_backward(device(grad_out), device(x), normalized_shape, got[1], got[2],
                                        device(weight))
    for g, e in zip(got_grads, expected_grads):  # grad_x, grad_weight, grad_bias (normalized_shape)
        assert_matches(g, e, dtype)


def test_non_contiguous_input_is_read_through_its_strides():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    out, mean, _ = gpu.layer_norm_forward(device(x).T, (5,), None, None, 1e-5)  # a transposed view
    expected, expected_mean, _ = cpu.layer_norm_forward(x.T, (5,), None, None, 1e-5)
    assert_matches(out, expected, np.float32)
    assert_matches(mean, expected_mean, np.float32)
