"""erf / erfc kernels against math.erf / math.erfc, for both dtypes, any layout."""
import math

import numpy as np
import pytest

from minigrad.kernels.erf import erf, erfc


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, reference", [(erf, math.erf), (erfc, math.erfc)], ids=["erf", "erfc"])
def test_matches_math(kernel, reference, dtype):
    x = (np.random.default_rng(0).standard_normal((5, 6)) * 3).astype(dtype).T  # non-contiguous
    out = kernel(x)
    assert out.shape == x.shape and out.dtype == dtype
    expected = np.vectorize(reference)(x.astype(np.float64))
    np.testing.assert_allclose(out, expected, rtol=1e-6 if dtype == np.float32 else 1e-15, atol=0)


def test_known_values_and_limits():
    x = np.array([0.0, 1.0, -1.0, np.inf, -np.inf, 30.0])
    np.testing.assert_allclose(erf(x), [0.0, 0.8427007929497149, -0.8427007929497149, 1.0, -1.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(erfc(np.array([10.0])), [2.088487583762545e-45], rtol=1e-13)  # not 1 - erf = 0
    assert np.isnan(erf(np.array([np.nan])))[0]
