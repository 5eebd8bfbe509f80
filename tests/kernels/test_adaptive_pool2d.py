"""Adaptive average / max pooling against the naive loops (minigrad.kernels.reference.adaptive_pool2d),
named window cases, and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels import _threads
from minigrad.kernels.adaptive_pool2d import (
    adaptive_avg_pool2d_backward,
    adaptive_avg_pool2d_forward,
    adaptive_max_pool2d_backward,
    adaptive_max_pool2d_forward,
    adaptive_windows,
)
from minigrad.kernels.reference.adaptive_pool2d import adaptive_avg_pool2d_backward as naive_avg_backward
from minigrad.kernels.reference.adaptive_pool2d import adaptive_avg_pool2d_forward as naive_avg
from minigrad.kernels.reference.adaptive_pool2d import adaptive_max_pool2d_backward as naive_max_backward
from minigrad.kernels.reference.adaptive_pool2d import adaptive_max_pool2d_forward as naive_max
from minigrad.kernels.reference.adaptive_pool2d import adaptive_window as naive_window

DTYPES = [np.float32, np.float64]


def check_against_naive(x, output_hw):
    rng = np.random.default_rng(1)
    x64 = x.astype(np.float64)
    avg = adaptive_avg_pool2d_forward(x, output_hw)
    assert avg.dtype == x.dtype and avg.shape == x.shape[:2] + tuple(output_hw)
    np.testing.assert_allclose(avg, naive_avg(x64, output_hw), rtol=1e-5, atol=1e-6)
    grad_out = rng.standard_normal(avg.shape).astype(x.dtype)
    grad_x = adaptive_avg_pool2d_backward(grad_out, x.shape[2:])
    assert grad_x.dtype == x.dtype
    np.testing.assert_allclose(grad_x, naive_avg_backward(grad_out, x.shape[2:]), rtol=1e-5, atol=1e-6)

    out, indices = adaptive_max_pool2d_forward(x, output_hw)
    ref_out, ref_indices = naive_max(x64, output_hw)
    assert out.dtype == x.dtype and indices.dtype == np.int64
    np.testing.assert_array_equal(out, ref_out.astype(x.dtype))
    np.testing.assert_array_equal(indices, ref_indices)
    grad_x = adaptive_max_pool2d_backward(grad_out, indices, x.shape[2:])
    np.testing.assert_allclose(grad_x, naive_max_backward(grad_out, indices, x.shape[2:]), rtol=1e-6, atol=1e-6)
    return avg, out, indices


def test_window_formula():
    start, stop = adaptive_windows(5, 3)
    np.testing.assert_array_equal(start, [0, 1, 3])  # windows overlap at rows 1 and 3
    np.testing.assert_array_equal(stop, [2, 4, 5])
    start, stop = adaptive_windows(2, 5)  # more outputs than inputs: single-row windows repeat
    np.testing.assert_array_equal(start, [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(stop, [1, 1, 2, 2, 2])
    for size in range(1, 12):
        for out_size in range(1, 14):
            start, stop = adaptive_windows(size, out_size)
            expected = [naive_window(o, size, out_size) for o in range(out_size)]
            assert list(start) == [r.start for r in expected] and list(stop) == [r.stop for r in expected]


@pytest.mark.parametrize("dtype", DTYPES)
def test_overlapping_windows_accumulate_gradient(dtype):
    x = np.arange(5, dtype=dtype).reshape(1, 1, 1, 5)
    avg, out, indices = check_against_naive(x, (1, 3))
    np.testing.assert_allclose(avg[0, 0, 0], [0.5, 2, 3.5])
    np.testing.assert_array_equal(indices[0, 0, 0], [1, 3, 4])
    grad_x = adaptive_avg_pool2d_backward(np.ones((1, 1, 1, 3), dtype), (1, 5))
    np.testing.assert_allclose(grad_x[0, 0, 0], [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2], rtol=1e-6)
    grad_x = adaptive_max_pool2d_backward(np.ones((1, 1, 2, 2), dtype), np.full((1, 1, 2, 2), 4), (3, 3))
    assert grad_x[0, 0, 1, 1] == 4 and grad_x.sum() == 4


@pytest.mark.parametrize("dtype", DTYPES)
def test_max_ties_and_nan(dtype):
    x = np.array([[3, 1, 3, np.nan], [3, 2, np.nan, 0]], dtype).reshape(1, 1, 2, 4)
    _, out, indices = check_against_naive(x, (1, 2))
    assert out[0, 0, 0, 0] == 3 and np.isnan(out[0, 0, 0, 1])
    np.testing.assert_array_equal(indices[0, 0, 0], [0, 6])


@pytest.mark.parametrize("dtype", DTYPES)
def test_global_and_upsampling_sizes(dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(dtype)
    avg, out, _ = check_against_naive(x, (1, 1))
    np.testing.assert_allclose(avg[:, :, 0, 0], x.mean(axis=(2, 3)), rtol=1e-5)
    np.testing.assert_array_equal(out[:, :, 0, 0], x.max(axis=(2, 3)))
    check_against_naive(x, (7, 9))


def random_configs(count, seed):
    """(input shape, output size); every fourth is 1-D (H = OH = 1)."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4))) + tuple(int(v) for v in rng.integers(1, 10, 2))
        output_hw = tuple(int(v) for v in rng.integers(1, 12, 2))
        if i % 4 == 0:
            shape, output_hw = shape[:2] + (1, shape[3]), (1, output_hw[1])
        yield shape, output_hw


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_configs_against_naive(dtype):
    rng = np.random.default_rng(2)
    for shape, output_hw in random_configs(20, seed=3):
        check_against_naive(rng.standard_normal(shape).astype(dtype), output_hw)


def test_avg_backward_is_adjoint_of_forward():
    rng = np.random.default_rng(4)
    for shape, output_hw in random_configs(40, seed=5):
        x = rng.standard_normal(shape)
        grad_out = rng.standard_normal(shape[:2] + output_hw)
        np.testing.assert_allclose(np.sum(grad_out * adaptive_avg_pool2d_forward(x, output_hw)),
                                   np.sum(x * adaptive_avg_pool2d_backward(grad_out, shape[2:])), rtol=1e-10)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for shape, output_hw in random_configs(100, seed=7):
        x = np.round(rng.standard_normal(shape) * 2).astype(dtype)  # coarse grid: frequent ties
        grad_out = rng.standard_normal(shape[:2] + output_hw).astype(dtype)
        tx = torch.from_numpy(x).requires_grad_()
        t_avg = F.adaptive_avg_pool2d(tx, output_hw)
        t_avg.backward(torch.from_numpy(grad_out))
        np.testing.assert_allclose(adaptive_avg_pool2d_forward(x, output_hw), t_avg.detach().numpy(), **tol)
        np.testing.assert_allclose(adaptive_avg_pool2d_backward(grad_out, shape[2:]), tx.grad.numpy(), **tol)

        tx = torch.from_numpy(x).requires_grad_()
        t_max, t_indices = F.adaptive_max_pool2d(tx, output_hw, return_indices=True)
        t_max.backward(torch.from_numpy(grad_out))
        out, indices = adaptive_max_pool2d_forward(x, output_hw)
        np.testing.assert_array_equal(out, t_max.detach().numpy())
        np.testing.assert_array_equal(indices, t_indices.numpy())
        np.testing.assert_allclose(adaptive_max_pool2d_backward(grad_out, indices, shape[2:]), tx.grad.numpy(), **tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_identical_across_thread_counts(dtype, thread_counts):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 5, 17, 19)).astype(dtype)
    grad_out = rng.standard_normal((3, 5, 6, 7)).astype(dtype)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        out, indices = adaptive_max_pool2d_forward(x, (6, 7))
        results.append((adaptive_avg_pool2d_forward(x, (6, 7)), adaptive_avg_pool2d_backward(grad_out, (17, 19)),
                        out, indices, adaptive_max_pool2d_backward(grad_out, indices, (17, 19))))
    for result in results[1:]:
        for a, b in zip(results[0], result):
            assert np.array_equal(a, b)
