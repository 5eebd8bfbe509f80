"""row_sums / row_fill against naive float64 loops, float32 accuracy on long rows with a large offset,
the parallel path under 1, 2 and 4 threads, global average pooling (which routes its (1, 1) outputs
here) against PyTorch, and sum / mean over trailing dims."""
import numpy as np
import pytest

import minigrad
from minigrad.kernels import _threads
from minigrad.kernels import _parallel
from minigrad.kernels.adaptive_pool2d import adaptive_avg_pool2d_backward, adaptive_avg_pool2d_forward
from minigrad.kernels.row_sum import row_fill, row_sums

DTYPES = [np.float32, np.float64]


def naive_row_sums(x, divisor):
    return np.array([sum(float(v) for v in row) / divisor for row in x])


def naive_row_fill(values, S, divisor):
    return np.array([[float(v) / divisor] * S for v in values])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, divisor", [((6, 35), 1.0), ((6, 35), 35.0), ((1, 1), 1.0), ((4, 1), 1.0)])
def test_matches_naive_loops(shape, divisor, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    out = row_sums(x, divisor)
    assert out.shape == shape[:1] and out.dtype == dtype
    np.testing.assert_allclose(out, naive_row_sums(x, divisor), rtol=1e-6 if dtype == np.float32 else 1e-14)
    values = rng.standard_normal(shape[0]).astype(dtype)
    filled = row_fill(values, shape, divisor)
    assert filled.shape == shape and filled.dtype == dtype and filled.flags.owndata
    np.testing.assert_allclose(filled, naive_row_fill(values, shape[1], divisor),
                               rtol=1e-6 if dtype == np.float32 else 1e-15)


def test_float32_sums_accumulate_in_float64():
    # 2^18 values of 1e4 + small noise: a float32 running sum would drift by ~1e-3 relative.
    x = (1e4 + np.random.default_rng(1).standard_normal((2, 1 << 18))).astype(np.float32)
    np.testing.assert_allclose(row_sums(x, x.shape[1]), x.astype(np.float64).mean(1), rtol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
def test_parallel_path_matches_under_each_thread_count(dtype, thread_counts, monkeypatch):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((35, 66)).astype(dtype)
    values = rng.standard_normal(35).astype(dtype)
    serial = row_sums(x, 66), row_fill(values, (5, 7, 6, 11), 66)
    monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)  # the prange drivers
    for n in thread_counts:
        _threads.set_num_threads(n)
        assert np.array_equal(row_sums(x, 66), serial[0])
        assert np.array_equal(row_fill(values, (5, 7, 6, 11), 66), serial[1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_global_average_pooling_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4, 7, 5)).astype(dtype)
    grad_out = rng.standard_normal((3, 4, 1, 1)).astype(dtype)
    tx = torch.from_numpy(x).requires_grad_()
    t_out = torch.nn.functional.adaptive_avg_pool2d(tx, 1)
    t_out.backward(torch.from_numpy(grad_out))
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-15)
    out = adaptive_avg_pool2d_forward(x, (1, 1))
    np.testing.assert_allclose(out, t_out.detach().numpy(), **tol)
    np.testing.assert_array_equal(out.reshape(3, 4), row_sums(x.reshape(12, 35), 35).reshape(3, 4))
    np.testing.assert_allclose(adaptive_avg_pool2d_backward(grad_out, (7, 5)), tx.grad.numpy(), **tol)


@pytest.mark.parametrize("dtype", [minigrad.float32, minigrad.float64])
@pytest.mark.parametrize("dim, keepdim", [(None, False), ((2, 3), False), ((2, 3), True), (-1, False), ((1, 2, 3), True)])
def test_sum_and_mean_over_trailing_dims_match_torch(dtype, dim, keepdim):
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(5).standard_normal((3, 4, 5, 6)) + 10
    x = minigrad.tensor(values, dtype=dtype, requires_grad=True)
    tx = torch.tensor(values, dtype=getattr(torch, str(dtype).split(".")[1]), requires_grad=True)
    tol = dict(rtol=1e-6) if dtype is minigrad.float32 else dict(rtol=1e-13)
    for name in ("sum", "mean"):
        args = () if dim is None else (dim, keepdim)
        out, t_out = getattr(x, name)(*args), getattr(tx, name)(*args)
        assert tuple(out.shape) == tuple(t_out.shape) and out.dtype is dtype
        np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), **tol)
        out.sum().backward()
        t_out.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **tol)
        x.grad, tx.grad = None, None
