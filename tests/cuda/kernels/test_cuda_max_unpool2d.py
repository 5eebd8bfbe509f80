"""kernels/cuda/max_unpool2d.py against its CPU sibling minigrad.kernels.max_unpool2d (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import max_pool2d, max_unpool2d as cpu
from minigrad.kernels.cuda import max_unpool2d as gpu
from minigrad.kernels.cuda.array import CudaArray


def check(x, indices, output_hw):
    out = cpu.max_unpool2d_forward(x, indices, output_hw)
    got = gpu.max_unpool2d_forward(CudaArray.from_host(x), CudaArray.from_host(indices), output_hw)
    assert got.dtype == x.dtype
    np.testing.assert_array_equal(got.to_host(), out)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    got_grad = gpu.max_unpool2d_backward(CudaArray.from_host(grad_out), CudaArray.from_host(indices))
    np.testing.assert_array_equal(got_grad.to_host(), cpu.max_unpool2d_backward(grad_out, indices))


def test_duplicate_indices_keep_the_last_value():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
    indices = rng.integers(0, 10, x.shape)  # 12 values into 10 positions: collisions for sure
    check(x, indices, (2, 5))


def test_inverts_overlapping_max_pooling_in_float64():
    x = np.random.default_rng(2).standard_normal((2, 1, 5, 5))
    pooled, indices = max_pool2d.max_pool2d_forward(x, (3, 3), (1, 1), (1, 1))
    check(pooled, indices, (5, 5))


def test_invalid_index_raises_pytorchs_error():
    indices = np.zeros((1, 1, 2, 2), np.int64)
    indices[0, 0, 1, 0] = 6
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: 6 \(output volumes are of size 2x3\)"):
        gpu.max_unpool2d_forward(CudaArray.from_host(np.ones((1, 1, 2, 2), np.float32)),
                                 CudaArray.from_host(indices), (2, 3))
