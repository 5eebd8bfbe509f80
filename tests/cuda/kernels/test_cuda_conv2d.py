"""The CUDA conv2d twin (minigrad.kernels.cuda.conv2d) against its CPU sibling
(minigrad.kernels.conv2d): forward and all three gradients on tiny shapes, over hand-picked
configurations that together cross stride, (asymmetric) padding, dilation, groups (dense, grouped,
depthwise with and without a channel multiplier), bias or none, float32 and float64."""
import numpy as np
import pytest

from minigrad.kernels import conv2d as cpu
from minigrad.kernels.cuda import conv2d as gpu
from minigrad.kernels.cuda.array import CudaArray

from .twins import assert_conv_twins_match, conv_tolerance as tolerance, device

# x shape, weight shape, stride, padding (top, bottom, left, right), dilation, groups, bias, dtype
CONFIGS = {
    "dense": ((2, 3, 5, 5), (4, 3, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True, np.float32),
    "strided, unread last rows": ((2, 2, 6, 5), (3, 2, 2, 2), (3, 2), (0, 0, 1, 1), (1, 1), 1, False, np.float32),
    "same, even kernel": ((2, 2, 5, 6), (2, 2, 2, 4), (1, 1), (0, 1, 1, 2), (1, 1), 1, True, np.float64),
    "dilated": ((2, 2, 6, 6), (3, 2, 2, 3), (1, 2), (1, 1, 2, 2), (2, 2), 1, False, np.float32),
    "two groups": ((2, 4, 5, 4), (4, 2, 3, 2), (2, 1), (1, 1, 0, 0), (1, 2), 2, True, np.float32),
    "depthwise": ((2, 3, 5, 5), (3, 1, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 3, True, np.float64),
    "depthwise, multiplier 2": ((2, 2, 4, 5), (4, 1, 2, 3), (2, 2), (1, 0, 1, 1), (2, 1), 2, False, np.float32),
    "1-d, lifted": ((2, 3, 1, 6), (2, 3, 1, 3), (1, 2), (0, 0, 1, 1), (1, 1), 1, True, np.float32),
}


def operands(config, rng):
    x_shape, w_shape, stride, padding, dilation, groups, with_bias, dtype = config
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = rng.standard_normal(w_shape).astype(dtype)
    bias = rng.standard_normal(w_shape[0]).astype(dtype) if with_bias else None
    return x, weight, bias, (stride, padding, dilation, groups)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_forward_and_gradients_match_the_cpu_kernel(config):
    rng = np.random.default_rng(0)
    x, weight, bias, args = operands(config, rng)
    assert_conv_twins_match(cpu, gpu, "conv2d", x, weight, bias, args, rng, tolerance(x.dtype))


@pytest.mark.parametrize("needs", [(True, False, True), (False, True, False)])
def test_only_the_requested_gradients_of_a_broadcast_grad(needs):
    # grad_out as autograd hands it after a sum: a stride-0 view, copied by the kernels' wrappers.
    rng = np.random.default_rng(1)
    x, weight, bias, args = operands(CONFIGS["two groups"], rng)
    out_shape = cpu.conv2d_forward(x, weight, bias, *args).shape
    grad_out = np.ones(out_shape, x.dtype)
    broadcast = CudaArray.from_host(np.ones((1,), x.dtype)).broadcast_to(out_shape)
    wanted = cpu.conv2d_backward(grad_out, x, weight, *args, *needs)
    gotten = gpu.conv2d_backward(broadcast, device(x), device(weight), *args, *needs)
    for asked, got, want in zip(needs, gotten, wanted):
        assert (got is None) == (not asked) == (want is None)
        if asked:
            np.testing.assert_allclose(got.to_host(), want, **tolerance(x.dtype))
