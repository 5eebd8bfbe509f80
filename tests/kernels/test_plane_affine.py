"""Per-plane affine map against a naive loop, and thread counts."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.plane_affine import as_planes, plane_affine
from minigrad.kernels import _threads


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_naive_loop(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 7)).astype(dtype)
    scale, shift = rng.standard_normal(5), rng.standard_normal(5)
    expected = np.empty((5, 7))
    for p in range(5):
        for s in range(7):
            expected[p, s] = float(x[p, s]) * scale[p] + shift[p]
    out = plane_affine(x, scale, shift)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)


def test_as_planes_flattens_spatial_dims():
    x = np.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)
    assert as_planes(x).shape == (2, 3, 20) and as_planes(x[:, :, 0, 0]).shape == (2, 3, 1)
    np.testing.assert_array_equal(as_planes(x.transpose(0, 1, 3, 2))[1, 2], x[1, 2].T.ravel())


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((97, 33)).astype(np.float32)
    scale, shift = rng.standard_normal(97), rng.standard_normal(97)
    results = []
    for n in [None, *thread_counts]:  # serial first, then the prange drivers
        if n is not None:
            monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)
            _threads.set_num_threads(n)
        results.append(plane_affine(x, scale, shift))
    assert all(np.array_equal(results[0], r) for r in results[1:])
