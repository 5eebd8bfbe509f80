"""Dropout's keep-mask drawn on the GPU (minigrad.kernels.cuda.dropout) from a CUDA generator
(minigrad.kernels.cuda.generator). Its CPU sibling, minigrad.kernels.dropout, draws from numpy's
generator: the streams differ, so the rule is checked rather than the numbers."""
import numpy as np
import pytest

from minigrad.kernels.cuda import dropout
from minigrad.kernels.cuda.generator import CudaGenerator


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_about_one_minus_p_scaled_exactly(dtype):
    p = 0.3
    mask = dropout.dropout_mask((32, 64), p, dtype, CudaGenerator().manual_seed(0)).to_host()
    assert mask.dtype == dtype and mask.shape == (32, 64)
    kept = mask != 0
    np.testing.assert_array_equal(mask[kept], dtype(1 / (1 - p)))
    # 2048 Bernoulli(0.7) draws: the kept fraction's standard deviation is 0.010
    assert abs(kept.mean() - (1 - p)) < 0.05
    # the threads draw different streams: no run of 64 neighbours (each from another thread, on
    # the simulator's 64-thread grid as on a GPU's) is all kept or all dropped (each 0.7^64 or less)
    assert not (kept.all(axis=1) | ~kept.any(axis=1)).any()


def test_manual_seed_repeats_the_masks_and_consecutive_masks_differ():
    def masks(seed):
        generator = CudaGenerator().manual_seed(seed)
        return [dropout.dropout_mask((200,), 0.5, np.float32, generator).to_host() for _ in range(2)]

    first, second = masks(7)
    assert not np.array_equal(first, second)
    for again, before in zip(masks(7), (first, second)):
        np.testing.assert_array_equal(again, before)
    assert not np.array_equal(masks(8)[0], first)


@pytest.mark.parametrize("p, expected", [(0.0, 1.0), (1.0, 0.0)])
def test_extreme_probabilities(p, expected):
    mask = dropout.dropout_mask((3, 5), p, np.float32, CudaGenerator())
    np.testing.assert_array_equal(mask.to_host(), np.float32(expected))
