"""The CUDA ReLU (minigrad.kernels.cuda.relu) against its CPU sibling minigrad.kernels.relu."""
import numpy as np
import pytest

from minigrad.kernels import relu as cpu
from minigrad.kernels.cuda import relu as gpu
from minigrad.kernels.cuda.array import CudaArray


def sample(shape, dtype, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    x.flat[:3] = [np.nan, 0.0, -0.0]  # NaN passes through, both zeros give +0
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_and_backward_match_cpu(dtype):
    x = sample((5, 7), dtype)
    out = gpu.relu_forward(CudaArray.from_host(x))
    assert out.dtype == dtype and out.shape == x.shape
    np.testing.assert_array_equal(out.to_host(), cpu.relu_forward(x))
    grad = np.random.default_rng(1).standard_normal((7,)).astype(dtype)  # broadcast over the rows
    grad_x = gpu.relu_backward(CudaArray.from_host(grad), out)
    np.testing.assert_array_equal(grad_x.to_host(), cpu.relu_backward(grad, cpu.relu_forward(x)))


def test_in_place_on_a_transposed_view_writes_through():
    x = sample((4, 6), np.float32)
    storage = CudaArray.from_host(x)
    view = storage.T  # not contiguous: the kernel works on a copy that is written back
    result = gpu.relu_forward(view, out=view)
    assert result is view
    np.testing.assert_array_equal(storage.to_host(), cpu.relu_forward(x))


def test_integers_go_through_maximum():
    x = np.arange(-4, 5, dtype=np.int64)
    np.testing.assert_array_equal(gpu.relu_forward(CudaArray.from_host(x)).to_host(), np.maximum(x, 0))
