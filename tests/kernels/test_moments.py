"""Per-slice mean / biased variance against a two-pass float64 loop, with large offsets, empty
slices and thread counts."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.moments import mean_and_variance
from minigrad.kernels import _threads


def naive_moments(x):
    """Two-pass float64 loops over the A * K values x[:, b, :] of every slice b."""
    means, variances = [], []
    for b in range(x.shape[1]):
        values = [float(v) for v in x[:, b, :].ravel()]
        mean = sum(values) / len(values)
        means.append(mean)
        variances.append(sum((v - mean) ** 2 for v in values) / len(values))
    return np.array(means), np.array(variances)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1, 1), (3, 4, 5), (1, 7, 9), (6, 2, 1)])
def test_matches_two_pass_reference(shape, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 3 + 7).astype(dtype)
    mean, var = mean_and_variance(x)
    ref_mean, ref_var = naive_moments(x)
    assert mean.dtype == var.dtype == np.float64
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-13)
    np.testing.assert_allclose(var, ref_var, rtol=1e-11, atol=1e-14)


def test_large_offset_and_constant_slices():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((50, 3, 40)) + np.array([1e7, -1e7, 0.0]).reshape(1, 3, 1)
    mean, var = mean_and_variance(x)
    np.testing.assert_allclose(var, x.var((0, 2)), rtol=1e-8)
    _, var = mean_and_variance(np.full((4, 2, 3), 0.1, np.float32))
    np.testing.assert_array_equal(var, 0.0)  # the shift makes every term exactly 0


def test_empty_slices_are_nan():
    mean, var = mean_and_variance(np.zeros((0, 3, 4)))
    assert np.isnan(mean).all() and np.isnan(var).all()
    assert mean_and_variance(np.zeros((2, 0, 4)))[0].shape == (0,)


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    x = np.random.default_rng(2).standard_normal((8, 37, 61)).astype(np.float32)
    results = []
    for n in [None, *thread_counts]:  # serial first, then the prange drivers
        if n is not None:
            monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)
            _threads.set_num_threads(n)
        results.append(mean_and_variance(x))
    for mean, var in results[1:]:
        assert np.array_equal(mean, results[0][0]) and np.array_equal(var, results[0][1])
