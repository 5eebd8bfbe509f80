"""kernels/cuda/adaptive_pool2d.py against its CPU sibling minigrad.kernels.adaptive_pool2d (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import adaptive_pool2d as cpu
from minigrad.kernels.cuda import adaptive_pool2d as gpu
from minigrad.kernels.cuda.array import CudaArray

# (input HW, output HW): overlapping windows, global pooling, more outputs than inputs along H
SIZES = [((5, 7), (3, 4)), ((4, 5), (1, 1)), ((3, 6), (5, 2))]


@pytest.mark.parametrize("input_hw, output_hw", SIZES)
def test_max_matches_cpu(input_hw, output_hw):
    x = np.random.default_rng(0).standard_normal((1, 2) + input_hw).astype(np.float32)
    out, indices = cpu.adaptive_max_pool2d_forward(x, output_hw)
    got_out, got_indices = gpu.adaptive_max_pool2d_forward(CudaArray.from_host(x), output_hw)
    np.testing.assert_array_equal(got_out.to_host(), out)
    np.testing.assert_array_equal(got_indices.to_host(), indices)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(np.float32)
    got = gpu.adaptive_max_pool2d_backward(CudaArray.from_host(grad_out), got_indices, input_hw)
    np.testing.assert_allclose(got.to_host(), cpu.adaptive_max_pool2d_backward(grad_out, indices, input_hw),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("input_hw, output_hw", SIZES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_avg_matches_cpu(input_hw, output_hw, dtype):
    x = np.random.default_rng(0).standard_normal((1, 2) + input_hw).astype(dtype)
    out = cpu.adaptive_avg_pool2d_forward(x, output_hw)
    got = gpu.adaptive_avg_pool2d_forward(CudaArray.from_host(x), output_hw)
    assert got.dtype == dtype
    np.testing.assert_allclose(got.to_host(), out, rtol=1e-5, atol=1e-6)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(dtype)
    got_grad = gpu.adaptive_avg_pool2d_backward(CudaArray.from_host(grad_out), input_hw)
    np.testing.assert_allclose(got_grad.to_host(), cpu.adaptive_avg_pool2d_backward(grad_out, input_hw),
                               rtol=1e-5, atol=1e-6)
