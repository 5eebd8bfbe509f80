"""embedding_backward (and its counting sort) against a naive scatter-add loop, the adjoint of the
row lookup, PyTorch, and across thread counts and the serial / parallel paths."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.embedding import embedding_backward, group_lookups
from minigrad.kernels import _threads

DTYPES = [np.float32, np.float64]


def naive_backward(grad_out, indices, num_embeddings, padding_idx, scale_grad_by_freq):
    """grad_weight[v] = sum of grad_out[n] over lookups n of row v, in float64 Python loops."""
    grad_weight = np.zeros((num_embeddings, grad_out.shape[1]))
    counts = np.bincount(indices, minlength=num_embeddings)
    for n, v in enumerate(indices):
        if v == padding_idx:
            continue
        for j in range(grad_out.shape[1]):
            grad_weight[v, j] += grad_out[n, j] / (counts[v] if scale_grad_by_freq else 1)
    return grad_weight


def case(n=40, num_embeddings=9, width=5, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, num_embeddings - 2, n)  # the last two rows are never looked up
    return rng.standard_normal((n, width)).astype(dtype), indices


def test_group_lookups_is_a_stable_counting_sort():
    indices = np.array([3, 0, 3, 1, 0, 3])
    starts, order = group_lookups(indices, 5)
    assert starts.tolist() == [0, 2, 3, 3, 6, 6]
    assert order.tolist() == [1, 4, 3, 0, 2, 5]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding_idx", [-1, 0, 3])
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_matches_naive_loop(dtype, padding_idx, scale_grad_by_freq):
    grad_out, indices = case(dtype=dtype)
    got = embedding_backward(grad_out, indices, 9, padding_idx, scale_grad_by_freq)
    assert got.shape == (9, 5) and got.dtype == dtype
    expected = naive_backward(grad_out.astype(np.float64), indices, 9, padding_idx, scale_grad_by_freq)
    np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype == np.float32 else 1e-13, atol=1e-6)
    assert not got[7:].any()  # rows never looked up
    if padding_idx >= 0:
        assert not got[padding_idx].any()


def test_is_the_adjoint_of_the_lookup():
    # The lookup out = W[indices] is linear in W, so <g, W[indices]> == <backward(g), W>.
    grad_out, indices = case(n=60, num_embeddings=12, width=7, seed=1)
    weight = np.random.default_rng(2).standard_normal((12, 7))
    lhs = np.sum(grad_out * weight[indices])
    rhs = np.sum(embedding_backward(grad_out, indices, 12, -1, False) * weight)
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_float32_sums_of_many_lookups_are_accurate():
    grad_out = np.full((100_000, 3), 0.1, np.float32)
    indices = np.zeros(100_000, np.int64)
    grad_weight = embedding_backward(grad_out, indices, 2, -1, False)
    np.testing.assert_allclose(grad_weight[0], 100_000 * np.float64(np.float32(0.1)), rtol=1e-7)


def test_empty_lookup_gives_zeros():
    grad_weight = embedding_backward(np.zeros((0, 4), np.float32), np.zeros(0, np.int64), 3, -1, True)
    assert grad_weight.shape == (3, 4) and not grad_weight.any()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_matches_torch(dtype, scale_grad_by_freq):
    torch = pytest.importorskip("torch")
    grad_out, indices = case(n=30, dtype=dtype, seed=3)
    weight = torch.zeros(9, 5, dtype=torch.float32 if dtype == np.float32 else torch.float64, requires_grad=True)
    out = torch.nn.functional.embedding(torch.tensor(indices), weight, padding_idx=2,
                                        scale_grad_by_freq=scale_grad_by_freq)
    out.backward(torch.tensor(grad_out))
    np.testing.assert_allclose(embedding_backward(grad_out, indices, 9, 2, scale_grad_by_freq), weight.grad.numpy(),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_identical_across_thread_counts_and_paths(scale_grad_by_freq, thread_counts, monkeypatch):
    grad_out, indices = case(n=3000, num_embeddings=500, width=16, dtype=np.float32, seed=4)
    serial = embedding_backward(grad_out, indices, 500, 7, scale_grad_by_freq)
    monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", 0)  # every size through the parallel driver
    for count in thread_counts:
        _threads.set_num_threads(count)
        assert np.array_equal(embedding_backward(grad_out, indices, 500, 7, scale_grad_by_freq), serial)
