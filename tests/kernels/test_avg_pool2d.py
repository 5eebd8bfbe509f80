"""avg_pool2d_forward / avg_pool2d_backward against the naive loops (minigrad.kernels.reference.avg_pool2d),
named divisor cases, and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.avg_pool2d import (_tables, avg_pool2d_backward, avg_pool2d_forward, window_mean,
                                         window_mean_backward)
from minigrad.kernels.pool_output_size import pool_output_size
from minigrad.kernels import _threads

from minigrad.kernels.reference.avg_pool2d import avg_pool2d_backward as naive_backward
from minigrad.kernels.reference.avg_pool2d import avg_pool2d_forward as naive_forward

DTYPES = [np.float32, np.float64]


def check_against_naive(x, *params):
    """params: kernel, stride, padding, ceil_mode, count_include_pad, divisor_override."""
    out = avg_pool2d_forward(x, *params)
    assert out.dtype == x.dtype
    np.testing.assert_allclose(out, naive_forward(x.astype(np.float64), *params), rtol=1e-5, atol=1e-6)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    grad_x = avg_pool2d_backward(grad_out, x.shape[2:], *params)
    assert grad_x.dtype == x.dtype
    np.testing.assert_allclose(grad_x, naive_backward(grad_out, x.shape[2:], *params), rtol=1e-5, atol=1e-6)
    return out, grad_x


@pytest.mark.parametrize("dtype", DTYPES)
def test_count_include_pad(dtype):
    x = np.ones((1, 1, 3, 3), dtype)
    out, _ = check_against_naive(x, (3, 3), (1, 1), (1, 1), False, True, None)
    np.testing.assert_allclose(out[0, 0], np.array([[4, 6, 4], [6, 9, 6], [4, 6, 4]]) / 9, rtol=1e-6)
    out, _ = check_against_naive(x, (3, 3), (1, 1), (1, 1), False, False, None)
    np.testing.assert_array_equal(out[0, 0], np.ones((3, 3)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_ceil_mode_window_clipped_to_right_padding(dtype):
    # last window: rows 5..7 -> clipped to H + pad = 7 (rows 5, 6), of which only row 5 is input
    x = np.ones((1, 1, 6, 6), dtype)
    out, _ = check_against_naive(x, (3, 3), (2, 2), (1, 1), True, True, None)
    assert out.shape == (1, 1, 4, 4)
    assert out[0, 0, 3, 3] == np.float32(0.25) and out[0, 0, 3, 1] == np.float32(0.5)
    out, _ = check_against_naive(x, (3, 3), (2, 2), (1, 1), True, False, None)
    assert (out == 1).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_divisor_override(dtype):
    x = np.arange(16, dtype=dtype).reshape(1, 1, 4, 4)
    out, _ = check_against_naive(x, (2, 2), (2, 2), (1, 1), True, False, 3)
    assert out[0, 0, 0, 1] == dtype(1 + 2) / 3 and out[0, 0, 1, 1] == dtype(5 + 6 + 9 + 10) / 3


@pytest.mark.parametrize("dtype", DTYPES)
def test_overlapping_windows_accumulate_gradient(dtype):
    grad_x = avg_pool2d_backward(np.ones((1, 1, 2, 2), dtype), (3, 3), (2, 2), (1, 1), (0, 0))
    np.testing.assert_array_equal(grad_x[0, 0], np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4)


def random_configs(count, seed):
    """(shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override) that
    PyTorch accepts; every fourth is a 1-D pooling (H = 1, kernel (1, k))."""
    rng = np.random.default_rng(seed)
    while count:
        kernel, stride = (tuple(int(v) for v in rng.integers(1, 5, 2)) for _ in range(2))
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4))) + tuple(int(v) for v in rng.integers(1, 10, 2))
        if count % 4 == 0:
            shape, kernel, stride, padding = shape[:2] + (1, shape[3]), (1, kernel[1]), (1, stride[1]), (0, padding[1])
        ceil_mode, count_include_pad = (bool(v) for v in rng.integers(2, size=2))
        divisor_override = int(rng.integers(1, 6)) if rng.random() < 0.25 else None
        if min(pool_output_size(*axis, 1, ceil_mode) for axis in zip(shape[2:], kernel, stride, padding)) < 1:
            continue
        count -= 1
        yield shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_configs_against_naive(dtype):
    rng = np.random.default_rng(2)
    for shape, *params in random_configs(25, seed=3):
        check_against_naive(rng.standard_normal(shape).astype(dtype), *params)


def test_backward_is_adjoint_of_forward():
    rng = np.random.default_rng(4)
    for shape, *params in random_configs(40, seed=5):
        x = rng.standard_normal(shape)
        out = avg_pool2d_forward(x, *params)
        grad_out = rng.standard_normal(out.shape)
        np.testing.assert_allclose(np.sum(grad_out * out),
                                   np.sum(x * avg_pool2d_backward(grad_out, shape[2:], *params)), rtol=1e-10)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for shape, *params in random_configs(100, seed=7):
        x = rng.standard_normal(shape).astype(dtype)
        out = avg_pool2d_forward(x, *params)
        tx = torch.from_numpy(x).requires_grad_()
        t_out = torch.nn.functional.avg_pool2d(tx, *params)
        np.testing.assert_allclose(out, t_out.detach().numpy(), **tol)
        grad_out = rng.standard_normal(out.shape).astype(dtype)
        t_out.backward(torch.from_numpy(grad_out))
        np.testing.assert_allclose(avg_pool2d_backward(grad_out, shape[2:], *params), tx.grad.numpy(), **tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("params", [((3, 3), (2, 2), (1, 1), True, False, None),
                                    ((2, 2), (2, 2), (0, 0), False, True, None)])
def test_identical_across_thread_counts(dtype, params, thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_POOL_LIMIT", 0)  # the prange drivers, window and 2 x 2
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 5, 17, 19)).astype(dtype)
    grad_out = rng.standard_normal(avg_pool2d_forward(x, *params).shape).astype(dtype)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append((avg_pool2d_forward(x, *params), avg_pool2d_backward(grad_out, (17, 19), *params)))
    check_against_naive(x, *params)
    for result in results[1:]:
        for a, b in zip(results[0], result):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, ceil_mode", [((2, 3, 8, 6), False), ((2, 3, 7, 9), False), ((1, 4, 6, 10), True)])
def test_unrolled_2x2_path_matches_the_window_loop(shape, ceil_mode, dtype):
    """Kernel 2 / stride 2 without padding takes the unrolled loops: bit-identical to the
    table-driven ones (same float64 summation order), leftover rows / columns get no gradient."""
    rng = np.random.default_rng(10)
    x = rng.standard_normal(shape).astype(dtype)
    params = (2, 2), (2, 2), (0, 0), ceil_mode, True, None
    out, grad_x = check_against_naive(x, *params)
    tables = _tables(shape[2:], out.shape[2:], *params[:3], True)
    assert np.array_equal(out, window_mean(x, tables))
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(dtype)  # check_against_naive's
    assert np.array_equal(grad_x, window_mean_backward(grad_out, shape[2:], tables))
