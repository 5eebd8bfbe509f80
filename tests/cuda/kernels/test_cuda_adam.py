"""The CUDA Adam step (minigrad.kernels.cuda.adam) against its CPU sibling minigrad.kernels.adam,
over a few steps, crossing amsgrad with no, classic (L2) and decoupled (AdamW) weight decay."""
import numpy as np
import pytest

from minigrad.kernels import adam as cpu
from minigrad.kernels.cuda import adam as gpu
from minigrad.kernels.cuda.array import CudaArray


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("weight_decay, decoupled", [(0.0, False), (0.1, False), (0.1, True)],
                         ids=["no-decay", "l2", "decoupled"])
def test_steps_match_cpu(dtype, amsgrad, weight_decay, decoupled):
    rng = np.random.default_rng(0)
    param = rng.standard_normal((4, 3)).astype(dtype)
    state = [np.zeros_like(param) for _ in range(3 if amsgrad else 2)]
    device_param = CudaArray.from_host(param)
    device_state = [CudaArray.from_host(s) for s in state]
    for step in range(1, 4):
        # a shrinking gradient, so that v falls below its running maximum and amsgrad matters
        grad = (rng.standard_normal(param.shape) / step ** 2).astype(dtype)
        arguments = (step, 0.01, 0.9, 0.999, 1e-8, weight_decay, decoupled)
        cpu.adam_step(param, grad, *state[:2], state[2] if amsgrad else None, *arguments)
        gpu.adam_step(device_param, CudaArray.from_host(grad), *device_state[:2],
                      device_state[2] if amsgrad else None, *arguments)
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    for device_array, host_array in zip([device_param] + device_state, [param] + state):
        assert device_array.dtype == dtype
        np.testing.assert_allclose(device_array.to_host(), host_array, **tolerance)
