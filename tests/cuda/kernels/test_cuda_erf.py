"""The CUDA erf/erfc (minigrad.kernels.cuda.erf) against their CPU sibling minigrad.kernels.erf."""
import numpy as np
import pytest

from minigrad.kernels import erf as cpu
from minigrad.kernels.cuda import erf as gpu
from minigrad.kernels.cuda.array import CudaArray


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_matches_cpu(dtype, name):
    x = (2 * np.random.default_rng(0).standard_normal((4, 9))).astype(dtype)
    x[0, :3] = [0.0, 6.0, -6.0]  # erfc(6) ~ 2e-17: computed directly, not as 1 - erf
    out = getattr(gpu, name)(CudaArray.from_host(x)[:, ::2])  # a strided view
    expected = getattr(cpu, name)(x[:, ::2])
    assert out.dtype == dtype and out.shape == expected.shape
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=0)
    np.testing.assert_allclose(out.to_host(), expected, **tolerance)
