"""The CUDA SGD step (minigrad.kernels.cuda.sgd) against its CPU sibling minigrad.kernels.sgd, over
a few steps (the first one ignores the buffer's old values), for each option that changes the rule."""
import numpy as np
import pytest

from minigrad.kernels import sgd as cpu
from minigrad.kernels.cuda import sgd as gpu
from minigrad.kernels.cuda.array import CudaArray

# (momentum, dampening, weight_decay, nesterov)
OPTIONS = [(0.0, 0.0, 0.0, False), (0.0, 0.0, 0.1, False), (0.9, 0.0, 0.0, False), (0.9, 0.3, 0.01, False),
           (0.8, 0.0, 0.05, True)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS)
def test_steps_match_cpu(dtype, options):
    momentum = options[0]
    rng = np.random.default_rng(0)
    param = rng.standard_normal((3, 5)).astype(dtype)
    buffer = np.full_like(param, np.nan)  # the first step must not read it
    device_param, device_buffer = CudaArray.from_host(param), CudaArray.from_host(buffer)
    for step in range(3):
        grad = rng.standard_normal(param.shape).astype(dtype)
        cpu.sgd_step(param, grad, buffer if momentum else None, 0.1, *options, step == 0)
        gpu.sgd_step(device_param, CudaArray.from_host(grad), device_buffer if momentum else None, 0.1, *options,
                     step == 0)
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(device_param.to_host(), param, **tolerance)
    if momentum:
        np.testing.assert_allclose(device_buffer.to_host(), buffer, **tolerance)
    assert device_param.dtype == dtype


def test_a_transposed_parameter_is_updated_through_its_view():
    rng = np.random.default_rng(0)
    param, grad = rng.standard_normal((2, 3, 4)).astype(np.float32)
    storage, buffer = CudaArray.from_host(param), CudaArray.zeros((3, 4), np.float32)
    gpu.sgd_step(storage.T, CudaArray.from_host(grad.T.copy()), buffer.T, 0.1, 0.9, 0.0, 0.01, False, True)
    expected_buffer = np.empty_like(grad.T)
    expected = param.T.copy()
    cpu.sgd_step(expected, grad.T.copy(), expected_buffer, 0.1, 0.9, 0.0, 0.01, False, True)
    np.testing.assert_allclose(storage.to_host().T, expected, rtol=1e-6)
    np.testing.assert_allclose(buffer.to_host().T, expected_buffer, rtol=1e-6)
