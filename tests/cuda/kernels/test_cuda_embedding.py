"""kernels/cuda/embedding.py against its CPU sibling minigrad.kernels.embedding (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import embedding as cpu
from minigrad.kernels.cuda import embedding as gpu
from minigrad.kernels.cuda.array import CudaArray


@pytest.mark.parametrize("padding_idx, scale_grad_by_freq", [(-1, False), (2, False), (-1, True), (3, True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_cpu_bit_for_bit(padding_idx, scale_grad_by_freq, dtype):
    rng = np.random.default_rng(0)
    grad_out = rng.standard_normal((11, 3)).astype(dtype)
    indices = rng.integers(0, 5, 11)  # rows 0..4 of 6 repeat; row 5 is never read
    expected = cpu.embedding_backward(grad_out, indices, 6, padding_idx, scale_grad_by_freq)
    got = gpu.embedding_backward(CudaArray.from_host(grad_out), CudaArray.from_host(indices), 6, padding_idx,
                                 scale_grad_by_freq)
    assert got.dtype == dtype and got.shape == (6, 3)
    np.testing.assert_array_equal(got.to_host(), expected)  # same float64 sums in the same order


def test_int32_indices_and_repeated_row():
    grad_out = np.arange(8, dtype=np.float32).reshape(4, 2)
    got = gpu.embedding_backward(CudaArray.from_host(grad_out), CudaArray.from_host(np.array([1, 0, 1, 1], np.int32)),
                                 3, -1, False).to_host()
    np.testing.assert_array_equal(got, [[2, 3], [0 + 4 + 6, 1 + 5 + 7], [0, 0]])


@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_many_repeated_rows(scale_grad_by_freq):
    rng = np.random.default_rng(1)
    grad_out = rng.standard_normal((37, 2))
    indices = np.where(rng.random(37) < 0.7, 2, rng.integers(0, 4, 37))  # row 2 read ~28 times, runs past a sort pass
    expected = cpu.embedding_backward(grad_out, indices, 4, 1, scale_grad_by_freq)
    got = gpu.embedding_backward(CudaArray.from_host(grad_out), CudaArray.from_host(indices), 4, 1,
                                 scale_grad_by_freq)
    np.testing.assert_array_equal(got.to_host(), expected)
