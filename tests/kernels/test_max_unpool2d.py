"""max_unpool2d_forward / backward against naive loops, the max-pool round trip, and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels.max_pool2d import max_pool2d_forward
from minigrad.kernels.max_unpool2d import max_unpool2d_backward, max_unpool2d_forward
from minigrad.kernels import _threads

DTYPES = [np.float32, np.float64]


def naive_unpool(x, indices, output_hw):
    out = np.zeros(x.shape[:2] + (output_hw[0] * output_hw[1],))
    for n, c, h, w in np.ndindex(x.shape):  # row-major order: a later duplicate overwrites
        out[n, c, indices[n, c, h, w]] = x[n, c, h, w]
    return out.reshape(x.shape[:2] + tuple(output_hw))


def naive_unpool_backward(grad_out, indices):
    grad_x = np.empty(indices.shape)
    flat = grad_out.reshape(grad_out.shape[:2] + (-1,))
    for n, c, h, w in np.ndindex(indices.shape):
        grad_x[n, c, h, w] = flat[n, c, indices[n, c, h, w]]
    return grad_x


def random_case(rng, dtype, unique=True):
    """x (N, C, h, w), indices into an (OH, OW) plane (distinct within a plane when unique), output_hw."""
    N, C, h, w = (int(v) for v in rng.integers(1, 4, 4))
    output_hw = tuple(int(v) for v in rng.integers(1, 8, 2))
    size = output_hw[0] * output_hw[1]
    if unique and size < h * w:
        output_hw = (h, w)  # enough room for distinct indices
        size = h * w
    if unique:
        indices = np.stack([rng.permutation(size)[:h * w] for _ in range(N * C)])
    else:
        indices = rng.integers(0, size, (N * C, h * w))
    x = rng.standard_normal((N, C, h, w)).astype(dtype)
    return x, indices.reshape(N, C, h, w).astype(np.int64), output_hw


def check_against_naive(x, indices, output_hw):
    out = max_unpool2d_forward(x, indices, output_hw)
    assert out.dtype == x.dtype
    np.testing.assert_array_equal(out, naive_unpool(x, indices, output_hw).astype(x.dtype))
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    grad_x = max_unpool2d_backward(grad_out, indices)
    assert grad_x.dtype == x.dtype
    np.testing.assert_array_equal(grad_x, naive_unpool_backward(grad_out, indices).astype(x.dtype))
    return out


@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_with_max_pool(dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 7)).astype(dtype)
    pooled, indices = max_pool2d_forward(x, (2, 2), (2, 2), (0, 0))
    out = check_against_naive(pooled, indices, (6, 7))
    kept = out != 0
    assert kept.sum() == pooled.size  # non-overlapping windows: every maximum lands on its own cell
    np.testing.assert_array_equal(out[kept], x[kept])


@pytest.mark.parametrize("dtype", DTYPES)
def test_duplicate_index_last_write_wins(dtype):
    x = np.array([1, 2, 3], dtype).reshape(1, 1, 1, 3)
    out = check_against_naive(x, np.array([2, 0, 2]).reshape(1, 1, 1, 3), (2, 2))
    np.testing.assert_array_equal(out[0, 0], [[2, 0], [3, 0]])


def test_invalid_index_raises():
    x = np.ones((1, 1, 1, 2))
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: 4 \(output volumes are of size 2x2\)"):
        max_unpool2d_forward(x, np.array([0, 4]).reshape(1, 1, 1, 2), (2, 2))
    with pytest.raises(RuntimeError, match="invalid max index: -1"):
        max_unpool2d_forward(x, np.array([-1, 0]).reshape(1, 1, 1, 2), (2, 2))


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_against_naive(dtype):
    rng = np.random.default_rng(2)
    for i in range(30):
        check_against_naive(*random_case(rng, dtype, unique=i % 2 == 0))


def test_backward_is_adjoint_of_forward():
    rng = np.random.default_rng(3)
    for _ in range(30):
        x, indices, output_hw = random_case(rng, np.float64)
        grad_out = rng.standard_normal(x.shape[:2] + output_hw)
        np.testing.assert_allclose(np.sum(grad_out * max_unpool2d_forward(x, indices, output_hw)),
                                   np.sum(x * max_unpool2d_backward(grad_out, indices)), rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    for i in range(100):
        unique = i % 2 == 0
        x, indices, output_hw = random_case(rng, dtype, unique)
        tx = torch.from_numpy(x).requires_grad_()
        t_out = torch.ops.aten.max_unpool2d(tx, torch.from_numpy(indices), list(output_hw))
        if unique:  # PyTorch leaves the winner among duplicate indices unspecified
            np.testing.assert_array_equal(max_unpool2d_forward(x, indices, output_hw), t_out.detach().numpy())
        grad_out = rng.standard_normal(t_out.shape).astype(dtype)
        t_out.backward(torch.from_numpy(grad_out))
        np.testing.assert_array_equal(max_unpool2d_backward(grad_out, indices), tx.grad.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_identical_across_thread_counts(dtype, thread_counts):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 5, 9, 10)).astype(dtype)
    indices = rng.integers(0, 17 * 19, x.shape)
    grad_out = rng.standard_normal((3, 5, 17, 19)).astype(dtype)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append((max_unpool2d_forward(x, indices, (17, 19)), max_unpool2d_backward(grad_out, indices)))
    for result in results[1:]:
        for a, b in zip(results[0], result):
            assert np.array_equal(a, b)
