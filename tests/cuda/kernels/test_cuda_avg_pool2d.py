"""kernels/cuda/avg_pool2d.py against its CPU sibling minigrad.kernels.avg_pool2d (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import avg_pool2d as cpu
from minigrad.kernels.cuda import avg_pool2d as gpu
from minigrad.kernels.cuda.array import CudaArray

# (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
CONFIGS = [
    ((2, 2), (2, 2), (0, 0), False, True, None),   # the common 2 x 2 pooling
    ((3, 3), (1, 2), (1, 1), False, True, None),   # overlapping rows, padding counted
    ((3, 3), (2, 2), (1, 1), True, False, None),   # padding not counted, ceil_mode partial windows
    ((3, 2), (2, 1), (1, 1), True, True, None),    # ceil_mode window past the right padding
    ((2, 3), (1, 2), (1, 1), False, False, 5),     # divisor_override
]


def check(x, params):
    kernel, stride, padding, *rest = params
    out = cpu.avg_pool2d_forward(x, *params)
    got = gpu.avg_pool2d_forward(CudaArray.from_host(x), *params)
    assert got.dtype == x.dtype and got.shape == out.shape
    np.testing.assert_allclose(got.to_host(), out, rtol=1e-5, atol=1e-6)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    expected = cpu.avg_pool2d_backward(grad_out, x.shape[2:], *params)
    got_grad = gpu.avg_pool2d_backward(CudaArray.from_host(grad_out), x.shape[2:], *params)
    assert got_grad.dtype == x.dtype
    np.testing.assert_allclose(got_grad.to_host(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("params", CONFIGS)
def test_matches_cpu(params):
    check(np.random.default_rng(0).standard_normal((1, 2, 5, 6)).astype(np.float32), params)


def test_float64_and_batch():
    check(np.random.default_rng(2).standard_normal((2, 1, 5, 4)), ((3, 2), (2, 2), (1, 1), True, False, None))
