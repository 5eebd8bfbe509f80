"""The CUDA GELU (minigrad.kernels.cuda.gelu) against its CPU sibling minigrad.kernels.gelu."""
import numpy as np
import pytest

from minigrad.kernels import gelu as cpu
from minigrad.kernels.cuda import gelu as gpu
from minigrad.kernels.cuda.array import CudaArray


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_forward_and_backward_match_cpu(dtype, approximate):
    rng = np.random.default_rng(0)
    x = (3 * rng.standard_normal((3, 11))).astype(dtype)
    grad = rng.standard_normal(x.shape).astype(dtype)
    device_x = CudaArray.from_host(x).T  # a transposed view: read through a copy
    out = gpu.gelu_forward(device_x, approximate)
    grad_x = gpu.gelu_backward(CudaArray.from_host(grad.T.copy()), device_x, approximate)
    assert out.dtype == grad_x.dtype == dtype and out.shape == grad_x.shape == x.T.shape
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out.to_host(), cpu.gelu_forward(x.T, approximate), **tolerance)
    np.testing.assert_allclose(grad_x.to_host(), cpu.gelu_backward(grad.T, x.T, approximate), **tolerance)
