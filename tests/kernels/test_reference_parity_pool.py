"""Randomized parity of the fast pooling kernels (max, average, adaptive average and max) with their
plain-loop references (minigrad.kernels.reference), forward and backward, over hundreds of seeded
configurations: kernels, strides, padding, dilation, ceil_mode, count_include_pad, divisor_override,
1-D shapes, ties and NaN."""
import numpy as np
import pytest

from minigrad.kernels.adaptive_pool2d import (
    adaptive_avg_pool2d_backward,
    adaptive_avg_pool2d_forward,
    adaptive_max_pool2d_backward,
    adaptive_max_pool2d_forward,
)
from minigrad.kernels.avg_pool2d import avg_pool2d_backward, avg_pool2d_forward
from minigrad.kernels.max_pool2d import max_pool2d_backward, max_pool2d_forward
from minigrad.kernels.reference import adaptive_pool2d as reference_adaptive
from minigrad.kernels.reference import avg_pool2d as reference_avg
from minigrad.kernels.reference import max_pool2d as reference_max
from minigrad.kernels.reference.pool_output_size import pool_output_size

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}


def random_input(rng, shape, dtype):
    """Values on a coarse grid (so windows often tie) and, one time in five, a NaN."""
    x = np.round(rng.standard_normal(shape) * 2).astype(dtype)
    if rng.random() < 0.2:
        x[tuple(int(rng.integers(0, size)) for size in shape)] = np.nan
    return x


def random_shape(rng, one_dimensional):
    H = 1 if one_dimensional else int(rng.integers(1, 11))
    return int(rng.integers(1, 3)), int(rng.integers(1, 4)), H, int(rng.integers(1, 11))


def window_config(rng, with_dilation):
    """shape, kernel, stride, padding (<= kernel // 2, PyTorch's rule), dilation and ceil_mode with at
    least one window per axis; every fifth is 1-D pooling (H == 1, kernel (1, k))."""
    while True:
        one_dimensional = rng.random() < 0.2
        shape = random_shape(rng, one_dimensional)
        kernel = (1 if one_dimensional else int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        stride = tuple(int(v) for v in rng.integers(1, 4, 2))
        dilation = tuple(int(v) for v in rng.integers(1, 4, 2)) if with_dilation else (1, 1)
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        ceil_mode = bool(rng.random() < 0.5)
        axes = zip(shape[2:], kernel, stride, padding, dilation)
        if min(pool_output_size(*axis, ceil_mode) for axis in axes) >= 1:
            return shape, kernel, stride, padding, dilation, ceil_mode


@pytest.mark.parametrize("seed", range(150))
def test_max_pool2d_matches_reference(seed):
    rng = np.random.default_rng(seed)
    dtype = np.float32 if seed % 2 else np.float64
    shape, *params = window_config(rng, with_dilation=True)
    x = random_input(rng, shape, dtype)
    out, indices = max_pool2d_forward(x, *params)
    ref_out, ref_indices = reference_max.max_pool2d_forward(x, *params)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, ref_out.astype(dtype), err_msg=str(params))
    np.testing.assert_array_equal(indices, ref_indices, err_msg=str(params))
    grad_out = rng.standard_normal(out.shape).astype(dtype)
    grad_x = max_pool2d_backward(grad_out, indices, shape[2:])
    assert grad_x.dtype == dtype
    np.testing.assert_allclose(grad_x, reference_max.max_pool2d_backward(grad_out, ref_indices, shape[2:]),
                               **TOL[dtype], err_msg=str(params))


@pytest.mark.parametrize("seed", range(150))
def test_avg_pool2d_matches_reference(seed):
    rng = np.random.default_rng(1000 + seed)
    dtype = np.float32 if seed % 2 else np.float64
    shape, kernel, stride, padding, _, ceil_mode = window_config(rng, with_dilation=False)
    divisor_override = int(rng.integers(1, 6)) if rng.random() < 0.25 else None
    params = (kernel, stride, padding, ceil_mode, bool(rng.random() < 0.5), divisor_override)
    x = rng.standard_normal(shape).astype(dtype)
    out = avg_pool2d_forward(x, *params)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, reference_avg.avg_pool2d_forward(x, *params), **TOL[dtype], err_msg=str(params))
    grad_out = rng.standard_normal(out.shape).astype(dtype)
    grad_x = avg_pool2d_backward(grad_out, shape[2:], *params)
    assert grad_x.dtype == dtype
    np.testing.assert_allclose(grad_x, reference_avg.avg_pool2d_backward(grad_out, shape[2:], *params),
                               **TOL[dtype], err_msg=str(params))


@pytest.mark.parametrize("seed", range(100))
def test_adaptive_pool2d_matches_reference(seed):
    """Output sizes 1-12 per axis, below, equal to and above the input's (overlapping windows)."""
    rng = np.random.default_rng(2000 + seed)
    dtype = np.float32 if seed % 2 else np.float64
    one_dimensional = rng.random() < 0.2
    shape = random_shape(rng, one_dimensional)
    output_size = (1 if one_dimensional else int(rng.integers(1, 13)), int(rng.integers(1, 13)))
    x = random_input(rng, shape, dtype)
    grad_out = rng.standard_normal(shape[:2] + output_size).astype(dtype)
    message = str((shape, output_size))

    out = adaptive_avg_pool2d_forward(x, output_size)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, reference_adaptive.adaptive_avg_pool2d_forward(x, output_size), **TOL[dtype],
                               err_msg=message)
    np.testing.assert_allclose(adaptive_avg_pool2d_backward(grad_out, shape[2:]),
                               reference_adaptive.adaptive_avg_pool2d_backward(grad_out, shape[2:]), **TOL[dtype],
                               err_msg=message)

    out, indices = adaptive_max_pool2d_forward(x, output_size)
    ref_out, ref_indices = reference_adaptive.adaptive_max_pool2d_forward(x, output_size)
    np.testing.assert_array_equal(out, ref_out.astype(dtype), err_msg=message)
    np.testing.assert_array_equal(indices, ref_indices, err_msg=message)
    np.testing.assert_allclose(adaptive_max_pool2d_backward(grad_out, indices, shape[2:]),
                               reference_adaptive.adaptive_max_pool2d_backward(grad_out, ref_indices, shape[2:]),
                               **TOL[dtype], err_msg=message)
