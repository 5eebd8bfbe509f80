"""plane_mean / plane_mean_backward (global average pooling) against naive float64 loops, float32
accuracy on long planes with a large offset, the parallel path under 1, 2 and 4 threads, the
adaptive-pooling entry points that route (1, 1) outputs here, and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels import _threads
from minigrad.kernels import _parallel
from minigrad.kernels.adaptive_pool2d import adaptive_avg_pool2d_backward, adaptive_avg_pool2d_forward
from minigrad.kernels.plane_mean import plane_mean, plane_mean_backward

DTYPES = [np.float32, np.float64]


def naive_plane_mean(x):
    N, C = x.shape[:2]
    out = np.empty((N, C))
    for n in range(N):
        for c in range(C):
            values = [float(v) for v in x[n, c].ravel()]
            out[n, c] = sum(values) / len(values)
    return out


def naive_backward(grad_out, shape):
    grad_x = np.empty(shape)
    S = int(np.prod(shape[2:]))
    for n in range(shape[0]):
        for c in range(shape[1]):
            grad_x[n, c] = float(grad_out[n, c]) / S
    return grad_x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 5, 7), (1, 1, 1, 1), (3, 2, 9), (2, 4, 2, 3, 2)])
def test_matches_naive_loops(shape, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    out = plane_mean(x)
    assert out.shape == shape[:2] and out.dtype == dtype
    np.testing.assert_allclose(out, naive_plane_mean(x), rtol=1e-6 if dtype == np.float32 else 1e-14)
    grad_out = rng.standard_normal(shape[:2]).astype(dtype)
    grad_x = plane_mean_backward(grad_out, shape)
    assert grad_x.shape == shape and grad_x.dtype == dtype and grad_x.flags.owndata
    np.testing.assert_allclose(grad_x, naive_backward(grad_out, shape), rtol=1e-6 if dtype == np.float32 else 1e-15)


def test_float32_sums_accumulate_in_float64():
    # 2^18 values of 1e4 + small noise: a float32 running sum would drift by ~1e-3 relative.
    x = (1e4 + np.random.default_rng(1).standard_normal((1, 2, 512, 512))).astype(np.float32)
    np.testing.assert_allclose(plane_mean(x), x.astype(np.float64).mean((2, 3)), rtol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
def test_parallel_path_matches_under_each_thread_count(dtype, thread_counts, monkeypatch):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 7, 6, 11)).astype(dtype)
    grad_out = rng.standard_normal((5, 7)).astype(dtype)
    serial = plane_mean(x), plane_mean_backward(grad_out, x.shape)
    monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)  # the prange drivers
    for n in thread_counts:
        _threads.set_num_threads(n)
        assert np.array_equal(plane_mean(x), serial[0])
        assert np.array_equal(plane_mean_backward(grad_out, x.shape), serial[1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_adaptive_pooling_to_one_by_one_is_the_plane_mean(dtype):
    x = np.random.default_rng(3).standard_normal((2, 3, 5, 4)).astype(dtype)
    out = adaptive_avg_pool2d_forward(x, (1, 1))
    assert out.shape == (2, 3, 1, 1)
    np.testing.assert_array_equal(out[:, :, 0, 0], plane_mean(x))
    grad_out = np.arange(6, dtype=dtype).reshape(2, 3, 1, 1)
    np.testing.assert_array_equal(adaptive_avg_pool2d_backward(grad_out, (5, 4)),
                                  plane_mean_backward(grad_out.reshape(2, 3), x.shape))


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4, 7, 5)).astype(dtype)
    grad_out = rng.standard_normal((3, 4, 1, 1)).astype(dtype)
    tx = torch.from_numpy(x).requires_grad_()
    t_out = torch.nn.functional.adaptive_avg_pool2d(tx, 1)
    t_out.backward(torch.from_numpy(grad_out))
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(adaptive_avg_pool2d_forward(x, (1, 1)), t_out.detach().numpy(), **tol)
    np.testing.assert_allclose(adaptive_avg_pool2d_backward(grad_out, (7, 5)), tx.grad.numpy(), **tol)
