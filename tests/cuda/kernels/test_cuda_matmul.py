"""The tiled CUDA matmul (kernels/cuda/matmul.py) against numpy's ``@``: numpy's shape rules (1-D
operands, broadcast batches), strided operands, integer promotion, and the batch loop that keeps
the grid within CUDA's 65,535 blocks along z."""
import numpy as np
import pytest

from minigrad.kernels.cuda import matmul
from minigrad.kernels.cuda.array import CudaArray

SHAPES = [((5, 7), (7, 3)), ((7,), (7, 3)), ((5, 7), (7,)), ((7,), (7,)), ((2, 1, 5, 7), (3, 7, 2)),
          ((3, 5, 9), (9, 6))]


@pytest.mark.parametrize("a_shape, b_shape", SHAPES)
def test_products_match_numpy(a_shape, b_shape):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    result = np.matmul(CudaArray.from_host(a), CudaArray.from_host(b)).to_host()
    np.testing.assert_allclose(result, a @ b, rtol=1e-12)


def test_transposed_operands_and_integers():
    a = np.arange(24).reshape(4, 6)
    device = CudaArray.from_host(a)
    result = np.matmul(device.T, device).to_host()
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, a.T @ a)
    floats = np.linspace(-1, 1, 24, dtype=np.float32).reshape(6, 4)
    result = np.matmul(CudaArray.from_host(floats).T, CudaArray.from_host(floats)).to_host()
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, floats.T @ floats, rtol=1e-6)


def test_batches_beyond_the_grid_loop(monkeypatch):
    monkeypatch.setattr(matmul, "MAX_GRID_Z", 2)  # 5 batches on a grid 2 blocks deep
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 3, 4)), rng.standard_normal((5, 4, 2))
    result = np.matmul(CudaArray.from_host(a), CudaArray.from_host(b)).to_host()
    np.testing.assert_allclose(result, a @ b, rtol=1e-12)


def test_mismatched_inner_dims_are_numpys_error():
    with pytest.raises(ValueError, match="mismatch in its core dimension 0"):
        np.matmul(CudaArray.from_host(np.ones((2, 3))), CudaArray.from_host(np.ones((4, 2))))
