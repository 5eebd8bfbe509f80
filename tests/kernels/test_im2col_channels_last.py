"""The channels-last unfold against the channels-first one (its reference) and its own adjoint."""
import numpy as np
import pytest

from minigrad.kernels.im2col import im2col
from minigrad.kernels.im2col_channels_last import col2im_channels_last, im2col_channels_last

# (input shape, groups, kernel, out size, stride, pad top/left, dilation): dense runs that merge a
# window row into one copy, groups and column dilation that copy tap by tap, windows over every edge,
# and out sizes smaller than the padding would allow.
CASES = [
    ((2, 6, 5, 6), 1, (3, 3), (5, 6), (1, 1), (1, 1), (1, 1)),
    ((1, 4, 7, 5), 2, (2, 3), (3, 2), (2, 3), (0, 2), (2, 1)),
    ((2, 3, 1, 9), 1, (1, 4), (1, 4), (1, 2), (0, 3), (1, 2)),
    ((1, 6, 4, 4), 3, (3, 2), (2, 1), (3, 2), (2, 1), (1, 3)),
    ((3, 8, 6, 6), 1, (5, 5), (6, 6), (1, 1), (2, 2), (1, 1)),
]


def as_channels_last(cols_channels_first, shape, groups, kernel_hw):
    """(C*kH*kW, n*L) rows ordered (c, ki, kj) -> (G, n*L, kH*kW*Cg) with K ordered (ki, kj, c)."""
    n, C = shape[:2]
    kH, kW = kernel_hw
    cols = cols_channels_first.reshape(groups, C // groups, kH, kW, -1)
    return cols.transpose(0, 4, 2, 3, 1).reshape(groups, cols.shape[-1], -1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_matches_the_channels_first_unfold(case, dtype):
    shape, groups, kernel_hw, out_hw, stride, pad, dilation = case
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    cols = im2col_channels_last(x, groups, kernel_hw, out_hw, stride, pad, dilation)
    assert cols.dtype == dtype
    expected = as_channels_last(im2col(x, kernel_hw, out_hw, stride, pad, dilation), shape, groups, kernel_hw)
    np.testing.assert_array_equal(cols, expected)


@pytest.mark.parametrize("case", CASES)
def test_col2im_is_adjoint_of_im2col(case):
    """<im2col(x), c> == <x, col2im(c)> for random x and c."""
    shape, groups, kernel_hw, out_hw, stride, pad, dilation = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    c = rng.standard_normal(im2col_channels_last(x, groups, kernel_hw, out_hw, stride, pad, dilation).shape)
    folded = np.full(shape, np.nan)  # col2im must overwrite every element
    col2im_channels_last(c, folded, kernel_hw, out_hw, stride, pad, dilation)
    unfolded = im2col_channels_last(x, groups, kernel_hw, out_hw, stride, pad, dilation)
    assert np.isclose(np.sum(unfolded * c), np.sum(x * folded), rtol=1e-12)
