"""The CUDA softmax / log_softmax (minigrad.kernels.cuda.softmax) against their CPU sibling
(minigrad.kernels.softmax): forward and backward along every axis, on tiny shapes."""
import numpy as np
import pytest

from minigrad.kernels import softmax as cpu
from minigrad.kernels.cuda import softmax as gpu
from minigrad.kernels.cuda.array import CudaArray

from .twins import matcher

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}
assert_matches = matcher(TOL)
PAIRS = [("softmax_forward", "softmax_backward"), ("log_softmax_forward", "log_softmax_backward")]



@pytest.mark.parametrize("forward, backward", PAIRS)
@pytest.mark.parametrize("dim, dtype", [(0, np.float32), (1, np.float64), (-1, np.float32)])
def test_forward_and_backward_match_cpu(dim, forward, backward, dtype):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((2, 3, 5)) * 4).astype(dtype)
    grad_out = rng.standard_normal(x.shape).astype(dtype)
    out = getattr(gpu, forward)(CudaArray.from_host(x), dim)
    expected = getattr(cpu, forward)(x, dim)
    assert_matches(out, expected, dtype)
    assert_matches(getattr(gpu, backward)(CudaArray.from_host(grad_out), out, dim),
                   getattr(cpu, backward)(grad_out, expected, dim), dtype)


@pytest.mark.parametrize("forward, backward", PAIRS)
def test_huge_logits_stay_finite(forward, backward):
    """The row max is subtracted: exp(1e4) would overflow."""
    x = np.array([[1e4, 1e4 - 1, -1e4, 0.0, 3.0]], np.float32)
    out = getattr(gpu, forward)(CudaArray.from_host(x), 1)
    assert np.isfinite(out.to_host()).all()
    assert_matches(out, getattr(cpu, forward)(x, 1), np.float32)


@pytest.mark.parametrize("forward, value", [("softmax_forward", 1.0), ("log_softmax_forward", 0.0)])
def test_zero_dim_and_empty(forward, value):
    scalar = CudaArray.from_host(np.array(2.5))
    out = getattr(gpu, forward)(scalar, 0)
    assert out.shape == () and out.item() == value
    assert getattr(gpu, forward)(CudaArray.empty((2, 0), np.float32), 1).shape == (2, 0)
