"""Nearest / bilinear interpolation against naive per-pixel formulas, adjoint tests and PyTorch."""
import math

import numpy as np
import pytest

from minigrad.kernels import _threads
from minigrad.kernels.interpolate import (
    interpolate_bilinear_backward,
    interpolate_bilinear_forward,
    interpolate_nearest_backward,
    interpolate_nearest_forward,
    interpolate_output_size,
)

DTYPES = [np.float32, np.float64]


def naive_nearest_source(o, in_size, out_size, scale):
    """PyTorch's legacy nearest rule, one index at a time (float32 ratio and product)."""
    if out_size == in_size:
        return o
    if out_size == 2 * in_size:
        return o // 2
    ratio = np.float32(1.0 / scale) if scale else np.float32(in_size) / np.float32(out_size)
    return min(math.floor(np.float32(o) * ratio), in_size - 1)


def naive_linear_taps(o, in_size, out_size, align_corners, scale):
    """((i0, l0), (i1, l1)) of output index o, in float64."""
    if out_size == in_size:
        return (o, 1.0), (o, 0.0)
    if align_corners:
        real = o * (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale else in_size / out_size
        real = max((o + 0.5) * ratio - 0.5, 0.0)
    i0 = min(math.floor(real), in_size - 1)
    l1 = min(max(real - i0, 0.0), 1.0)
    return (i0, 1.0 - l1), (min(i0 + 1, in_size - 1), l1)


def naive_weights(mode, input_hw, out_hw, align_corners, scales):
    """Yield (oh, ow, ih, iw, weight) for every (output, source) pair of the linear map."""
    scales = scales or (None, None)
    for oh in range(out_hw[0]):
        for ow in range(out_hw[1]):
            if mode == "nearest":
                yield oh, ow, naive_nearest_source(oh, input_hw[0], out_hw[0], scales[0]), \
                    naive_nearest_source(ow, input_hw[1], out_hw[1], scales[1]), 1.0
                continue
            for ih, wh in naive_linear_taps(oh, input_hw[0], out_hw[0], align_corners, scales[0]):
                for iw, ww in naive_linear_taps(ow, input_hw[1], out_hw[1], align_corners, scales[1]):
                    yield oh, ow, ih, iw, wh * ww


def naive_forward(mode, x, out_hw, align_corners, scales):
    out = np.zeros(x.shape[:2] + tuple(out_hw))
    for oh, ow, ih, iw, weight in naive_weights(mode, x.shape[2:], out_hw, align_corners, scales):
        out[:, :, oh, ow] += weight * x[:, :, ih, iw]
    return out


def naive_backward(mode, grad_out, input_hw, align_corners, scales):
    grad_x = np.zeros(grad_out.shape[:2] + tuple(input_hw))
    for oh, ow, ih, iw, weight in naive_weights(mode, input_hw, grad_out.shape[2:], align_corners, scales):
        grad_x[:, :, ih, iw] += weight * grad_out[:, :, oh, ow]
    return grad_x


def forward(mode, x, out_hw, align_corners, scales):
    if mode == "nearest":
        return interpolate_nearest_forward(x, out_hw, scales)
    return interpolate_bilinear_forward(x, out_hw, align_corners, scales)


def backward(mode, grad_out, input_hw, align_corners, scales):
    if mode == "nearest":
        return interpolate_nearest_backward(grad_out, input_hw, scales)
    return interpolate_bilinear_backward(grad_out, input_hw, align_corners, scales)


def check_against_naive(mode, x, out_hw, align_corners=False, scales=None):
    out = forward(mode, x, out_hw, align_corners, scales)
    assert out.dtype == x.dtype and out.shape == x.shape[:2] + tuple(out_hw)
    np.testing.assert_allclose(out, naive_forward(mode, x.astype(np.float64), out_hw, align_corners, scales),
                               rtol=1e-5, atol=1e-6)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    grad_x = backward(mode, grad_out, x.shape[2:], align_corners, scales)
    assert grad_x.dtype == x.dtype
    np.testing.assert_allclose(grad_x, naive_backward(mode, grad_out, x.shape[2:], align_corners, scales),
                               rtol=1e-5, atol=1e-5)
    return out


def test_output_size_bookkeeping():
    assert interpolate_output_size((4, 5), size=7) == ((7, 7), None)
    assert interpolate_output_size((4, 5), size=(2, 3)) == ((2, 3), None)
    assert interpolate_output_size((4, 5), scale_factor=1.7) == ((6, 8), (1.7, 1.7))
    assert interpolate_output_size((4, 5), scale_factor=(0.5, 2.5), recompute_scale_factor=False) == \
        ((2, 12), (0.5, 2.5))
    assert interpolate_output_size((4, 5), scale_factor=1.7, recompute_scale_factor=True) == ((6, 8), None)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nearest_named_cases(dtype):
    x = np.arange(12, dtype=dtype).reshape(1, 1, 3, 4)
    out = check_against_naive("nearest", x, (6, 2))  # rows doubled exactly, columns halved
    np.testing.assert_array_equal(out[0, 0], [[0, 2], [0, 2], [4, 6], [4, 6], [8, 10], [8, 10]])
    # 26 -> 22: exact arithmetic gives source 13 for output 11, PyTorch's float32 ratio gives 12
    out = check_against_naive("nearest", np.arange(26, dtype=dtype).reshape(1, 1, 1, 26), (1, 22))
    assert out[0, 0, 0, 11] == 12
    # a given scale factor is used as 1 / scale, not in / out (4 * 1.7 -> 6 columns); the exact
    # o // 2 shortcut still applies when out == 2 * in (3 * 2.3 -> 6 rows)
    out = check_against_naive("nearest", x, (6, 6), scales=(2.3, 1.7))
    np.testing.assert_array_equal(out[0, 0, :, 0], [0, 0, 4, 4, 8, 8])
    np.testing.assert_array_equal(out[0, 0, 0], [0, 0, 1, 1, 2, 2])
    out = check_against_naive("nearest", x, (6, 6))
    np.testing.assert_array_equal(out[0, 0, 0], [0, 0, 1, 2, 2, 3])


@pytest.mark.parametrize("dtype", DTYPES)
def test_bilinear_named_cases(dtype):
    x = np.array([0, 1, 2, 3], dtype).reshape(1, 1, 1, 4)
    out = check_against_naive("bilinear", x, (1, 6))
    np.testing.assert_allclose(out[0, 0, 0], [0, 0.5, 7 / 6, 11 / 6, 2.5, 3], rtol=1e-6)
    out = check_against_naive("bilinear", x, (1, 7), align_corners=True)
    np.testing.assert_allclose(out[0, 0, 0], np.arange(7) / 2, rtol=1e-6)
    out = check_against_naive("bilinear", x, (1, 1))
    assert out[0, 0, 0, 0] == 1.5  # align_corners=False: centre of the 4 pixels
    out = check_against_naive("bilinear", x, (1, 1), align_corners=True)
    assert out[0, 0, 0, 0] == 0
    out = check_against_naive("bilinear", x, (1, 1), scales=(None, 0.3))  # ratio 1 / 0.3, not 4
    np.testing.assert_allclose(out[0, 0, 0, 0], 0.5 / 0.3 - 0.5, rtol=1e-6)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_downsampling_gradient_accumulates(mode):
    grad_x = backward(mode, np.ones((1, 1, 4, 4)), (2, 2), False, None)
    np.testing.assert_allclose(grad_x[0, 0], np.full((2, 2), 4.0))  # every input gets 4 outputs


def random_configs(count, seed):
    """(mode, shape, align_corners, size, scale_factor, recompute_scale_factor) as a user would
    pass them to F.interpolate (every fourth is 1-D: H = 1 kept at 1), and the resulting
    (out_hw, scales) from ``interpolate_output_size``."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        mode = ("nearest", "bilinear")[i % 2]
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) + tuple(int(v) for v in rng.integers(1, 9, 2))
        align_corners = mode == "bilinear" and bool(rng.integers(2))
        size, factor, recompute = tuple(int(v) for v in rng.integers(1, 13, 2)), None, None
        if rng.random() < 0.5:
            size, factor = None, tuple(float(v) for v in np.round(rng.uniform(0.3, 3.5, 2), 3))
            recompute = (None, False, True)[int(rng.integers(3))]
        if i % 4 == 3:
            shape = shape[:2] + (1, shape[3])
            size, factor = size and (1, size[1]), factor and (1.0, factor[1])
        out_hw, scales = interpolate_output_size(shape[2:], size, factor, recompute)
        if min(out_hw) >= 1:
            yield (mode, shape, align_corners, size, factor, recompute), (out_hw, scales)


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_configs_against_naive(dtype):
    rng = np.random.default_rng(2)
    for (mode, shape, align_corners, *_), (out_hw, scales) in random_configs(40, seed=3):
        check_against_naive(mode, rng.standard_normal(shape).astype(dtype), out_hw, align_corners, scales)


def test_backward_is_adjoint_of_forward():
    rng = np.random.default_rng(4)
    for (mode, shape, align_corners, *_), (out_hw, scales) in random_configs(60, seed=5):
        x = rng.standard_normal(shape)
        grad_out = rng.standard_normal(shape[:2] + out_hw)
        np.testing.assert_allclose(np.sum(grad_out * forward(mode, x, out_hw, align_corners, scales)),
                                   np.sum(x * backward(mode, grad_out, shape[2:], align_corners, scales)),
                                   rtol=1e-10)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for (mode, shape, align_corners, size, factor, recompute), (out_hw, scales) in random_configs(200, seed=7):
        x = rng.standard_normal(shape).astype(dtype)
        tx = torch.from_numpy(x).requires_grad_()
        t_out = torch.nn.functional.interpolate(
            tx, size, factor, mode, align_corners if mode == "bilinear" else None, recompute)
        out = forward(mode, x, out_hw, align_corners, scales)
        np.testing.assert_allclose(out, t_out.detach().numpy(), **tol)
        grad_out = rng.standard_normal(out.shape).astype(dtype)
        t_out.backward(torch.from_numpy(grad_out))
        np.testing.assert_allclose(backward(mode, grad_out, shape[2:], align_corners, scales), tx.grad.numpy(), **tol)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_identical_across_thread_counts(mode, dtype, thread_counts):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 5, 13, 17)).astype(dtype)
    grad_out = rng.standard_normal((3, 5, 29, 11)).astype(dtype)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append((forward(mode, x, (29, 11), False, None), backward(mode, grad_out, (13, 17), False, None)))
    for result in results[1:]:
        for a, b in zip(results[0], result):
            assert np.array_equal(a, b)
