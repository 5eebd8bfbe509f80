"""kernels/cuda/max_pool2d.py against its CPU sibling minigrad.kernels.max_pool2d (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import max_pool2d as cpu
from minigrad.kernels.cuda import max_pool2d as gpu
from minigrad.kernels.cuda.array import CudaArray

# (kernel, stride, padding, dilation, ceil_mode)
CONFIGS = [
    ((2, 2), (2, 2), (0, 0), (1, 1), False),   # the common CNN pooling
    ((3, 3), (1, 1), (1, 1), (1, 1), False),   # overlapping windows: elements win several of them
    ((3, 2), (2, 1), (1, 1), (2, 1), True),    # dilated rows, ceil_mode partial windows
    ((2, 3), (3, 2), (1, 1), (1, 2), True),    # stride > kernel (gaps), dilated columns
]


def check(x, *params):
    """Forward (values and indices exactly) and backward against the CPU kernel."""
    out, indices = cpu.max_pool2d_forward(x, *params)
    got_out, got_indices = gpu.max_pool2d_forward(CudaArray.from_host(x), *params)
    assert got_out.dtype == x.dtype and got_indices.dtype == np.int64
    np.testing.assert_array_equal(got_out.to_host(), out)
    np.testing.assert_array_equal(got_indices.to_host(), indices)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    expected = cpu.max_pool2d_backward(grad_out, indices, x.shape[2:])
    got = gpu.max_pool2d_backward(CudaArray.from_host(grad_out), got_indices, x.shape[2:])
    assert got.dtype == x.dtype
    np.testing.assert_allclose(got.to_host(), expected, rtol=1e-5, atol=1e-6)
    return got_indices.to_host(), got.to_host()


@pytest.mark.parametrize("params", CONFIGS)
def test_matches_cpu(params):
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 7)).astype(np.float32)
    check(x, *params)


def test_float64_and_batch():
    x = np.random.default_rng(2).standard_normal((2, 1, 5, 5))
    check(x, (3, 2), (2, 2), (1, 0), (1, 2), False)


def test_ties_nan_and_minus_infinity_follow_the_cpu_scan():
    x = np.array([[0, 5, 5, np.nan], [5, 1, 5, 2], [-np.inf, -np.inf, 5, np.nan], [-np.inf, -np.inf, 1, 0]],
                 np.float32).reshape(1, 1, 4, 4)
    indices, _ = check(x, (2, 2), (1, 1), (0, 0), (1, 1), False)
    assert indices[0, 0, 0, 0] == 1  # first of the tied fives
    assert indices[0, 0, 2, 0] == 8  # an all -inf window reports its first tap


def test_overlapping_windows_gather_every_gradient():
    x = np.array([[1, 2, 3], [4, 9, 5], [6, 7, 8]], np.float32).reshape(1, 1, 3, 3)
    _, indices = gpu.max_pool2d_forward(CudaArray.from_host(x), (2, 2), (1, 1), (0, 0))
    grad = gpu.max_pool2d_backward(CudaArray.from_host(np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 2, 2)),
                                   indices, (3, 3)).to_host()
    expected = np.zeros((1, 1, 3, 3), np.float32)
    expected[0, 0, 1, 1] = 10  # the centre won all four windows
    np.testing.assert_array_equal(grad, expected)
