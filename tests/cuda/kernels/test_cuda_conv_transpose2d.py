"""The CUDA conv_transpose2d twin (minigrad.kernels.cuda.conv_transpose2d) against its CPU sibling
(minigrad.kernels.conv_transpose2d): forward and all three gradients on tiny shapes, over
hand-picked configurations that together cross stride, padding, output_padding (below the stride,
and at least the stride while below the dilation), dilation, groups (dense, grouped, depthwise with
and without a channel multiplier), bias or none, float32 and float64."""
import numpy as np
import pytest

from minigrad.kernels import conv_transpose2d as cpu
from minigrad.kernels.cuda import conv_transpose2d as gpu

from .twins import assert_conv_twins_match, conv_tolerance as tolerance, device

# x shape, weight shape (C_in, C_out/G, kH, kW), stride, padding, output_padding, dilation, groups, bias, dtype
CONFIGS = {
    "dense": ((2, 3, 3, 3), (3, 2, 3, 3), (1, 1), (1, 1), (0, 0), (1, 1), 1, True, np.float32),
    "strided, output_padding": ((2, 2, 3, 4), (2, 3, 2, 2), (3, 2), (0, 1), (2, 1), (1, 1), 1, False, np.float64),
    "output_padding past the stride": ((1, 2, 3, 3), (2, 2, 2, 2), (1, 1), (0, 0), (2, 1), (3, 2), 1, True, np.float32),
    "two groups, dilated": ((2, 4, 3, 4), (4, 1, 3, 2), (2, 3), (1, 1), (1, 0), (2, 1), 2, True, np.float32),
    "depthwise": ((2, 3, 4, 3), (3, 1, 3, 3), (2, 1), (1, 0), (0, 0), (1, 2), 3, False, np.float32),
    "depthwise, multiplier 2": ((2, 2, 3, 3), (2, 2, 2, 3), (1, 2), (0, 1), (0, 1), (2, 1), 2, True, np.float64),
    "1-d, lifted": ((2, 2, 1, 5), (2, 3, 1, 3), (1, 2), (0, 1), (0, 1), (1, 1), 1, True, np.float32),
}


def operands(config, rng):
    x_shape, w_shape, stride, padding, output_padding, dilation, groups, with_bias, dtype = config
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = rng.standard_normal(w_shape).astype(dtype)
    bias = rng.standard_normal(w_shape[1] * groups).astype(dtype) if with_bias else None
    return x, weight, bias, (stride, padding, output_padding, dilation, groups)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_forward_and_gradients_match_the_cpu_kernel(config):
    rng = np.random.default_rng(0)
    x, weight, bias, args = operands(config, rng)
    assert_conv_twins_match(cpu, gpu, "conv_transpose2d", x, weight, bias, args, rng, tolerance(x.dtype))


def test_a_float64_bias_is_added_in_the_input_dtype():
    # PyTorch's transposed path accepts a bias of another dtype; the output keeps the input's.
    rng = np.random.default_rng(1)
    x, weight, bias, args = operands(CONFIGS["dense"], rng)
    want = cpu.conv_transpose2d_forward(x, weight, bias.astype(np.float64), *args)
    got = gpu.conv_transpose2d_forward(device(x), device(weight), device(bias.astype(np.float64)), *args)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.to_host(), want, **tolerance(np.float32))


@pytest.mark.parametrize("needs", [(True, False, True), (False, True, False)])
def test_only_the_requested_gradients(needs):
    rng = np.random.default_rng(2)
    x, weight, bias, args = operands(CONFIGS["two groups, dilated"], rng)
    grad_out = rng.standard_normal(cpu.conv_transpose2d_forward(x, weight, bias, *args).shape).astype(x.dtype)
    wanted = cpu.conv_transpose2d_backward(grad_out, x, weight, *args, *needs)
    gotten = gpu.conv_transpose2d_backward(device(grad_out), device(x), device(weight), *args, *needs)
    for asked, got, want in zip(needs, gotten, wanted):
        assert (got is None) == (not asked) == (want is None)
        if asked:
            np.testing.assert_allclose(got.to_host(), want, **tolerance(x.dtype))
