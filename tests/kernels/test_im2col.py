"""im2col / col2im against the naive float64 references (minigrad.kernels.reference.im2col) and
against each other (adjoint test)."""
import itertools

import numpy as np
import pytest

from minigrad.kernels.im2col import col2im, im2col, valid_output_range
from minigrad.kernels.reference import im2col as reference


# (input shape, kernel, out size, stride, pad top/left, dilation); out sizes include ones smaller
# than the padding would allow, and windows hanging over every edge.
CASES = [
    ((2, 3, 5, 6), (3, 3), (5, 6), (1, 1), (1, 1), (1, 1)),
    ((1, 2, 7, 5), (2, 3), (3, 2), (2, 3), (0, 2), (2, 1)),
    ((2, 1, 1, 9), (1, 4), (1, 4), (1, 2), (0, 3), (1, 2)),
    ((1, 2, 4, 4), (3, 2), (2, 1), (3, 2), (2, 1), (1, 3)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_im2col_matches_naive(case, dtype):
    shape, kernel_hw, out_hw, stride, pad, dilation = case
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    cols = im2col(x, kernel_hw, out_hw, stride, pad, dilation)
    assert cols.dtype == dtype
    np.testing.assert_array_equal(cols, reference.im2col(x, kernel_hw, out_hw, stride, pad, dilation))


@pytest.mark.parametrize("case", CASES)
def test_col2im_matches_naive(case):
    shape, kernel_hw, out_hw, stride, pad, dilation = case
    c = np.random.default_rng(4).standard_normal((shape[1] * kernel_hw[0] * kernel_hw[1],
                                                  shape[0] * out_hw[0] * out_hw[1]))
    folded = np.full(shape, np.nan)
    col2im(c, folded, kernel_hw, out_hw, stride, pad, dilation)
    np.testing.assert_allclose(folded, reference.col2im(c, shape, kernel_hw, out_hw, stride, pad, dilation),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_col2im_is_adjoint_of_im2col(case):
    """<im2col(x), c> == <x, col2im(c)> for random x and c."""
    shape, kernel_hw, out_hw, stride, pad, dilation = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    c = rng.standard_normal((shape[1] * kernel_hw[0] * kernel_hw[1], shape[0] * out_hw[0] * out_hw[1]))
    folded = np.full(shape, np.nan)  # col2im must overwrite every element
    col2im(c, folded, kernel_hw, out_hw, stride, pad, dilation)
    assert np.isclose(np.sum(im2col(x, kernel_hw, out_hw, stride, pad, dilation) * c), np.sum(x * folded), rtol=1e-12)


def test_valid_output_range_brute_force():
    for offset, pad, stride, size, out_size in itertools.product(range(5), range(4), range(1, 4), range(1, 6), range(1, 7)):
        inside = [o for o in range(out_size) if 0 <= o * stride - pad + offset < size]
        lo, hi = valid_output_range(offset, pad, stride, size, out_size)
        assert list(range(lo, hi)) == inside, (offset, pad, stride, size, out_size)


def test_valid_output_range_stays_inside_the_output_when_a_tap_reads_only_padding():
    from minigrad.kernels.im2col import valid_output_range

    # offset 0, pad 5, stride 1, input size 2, output size 1: every output reads padding.
    lo, hi = valid_output_range(0, 5, 1, 2, 1)
    assert 0 <= lo <= hi <= 1
