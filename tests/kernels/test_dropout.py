"""Dropout's mask kernel (minigrad.kernels.dropout) against its reference, from equal generator states."""
import numpy as np
import pytest

from minigrad.kernels.dropout import dropout_mask
from minigrad.kernels.reference import dropout as reference


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_matches_reference_from_the_same_generator_state(dtype, p):
    mask = dropout_mask((6, 7, 5), p, dtype, np.random.default_rng(4))
    expected = reference.dropout_mask((6, 7, 5), p, dtype, np.random.default_rng(4))
    assert mask.dtype == dtype and mask.shape == (6, 7, 5)
    np.testing.assert_array_equal(mask, expected.astype(dtype))


def test_keeps_about_one_minus_p_and_draws_fresh_numbers_each_call():
    generator = np.random.default_rng(0)
    first, second = (dropout_mask((4000,), 0.25, np.float32, generator) for _ in range(2))
    assert abs((first != 0).mean() - 0.75) < 0.03  # standard deviation 0.007
    assert set(np.unique(first)) == {0, np.float32(4 / 3)}
    assert not np.array_equal(first, second)
