"""kernels/cuda/im2col.py against its CPU sibling minigrad.kernels.im2col (tiny shapes): the same
columns, and the same folded images (bit for bit: both sum the taps in the same order)."""
import numpy as np
import pytest

from minigrad.kernels import im2col as cpu
from minigrad.kernels.cuda import im2col as gpu
from minigrad.kernels.cuda.array import CudaArray

# (input shape, kernel, out size, stride, pad top/left, dilation): windows over every edge, an out
# size smaller than the padding allows, strides that skip pixels, a batch of zero images.
CASES = [
    ((2, 2, 4, 5), (3, 3), (4, 5), (1, 1), (1, 1), (1, 1)),
    ((1, 2, 5, 4), (2, 3), (2, 1), (2, 3), (0, 2), (2, 1)),
    ((2, 1, 3, 3), (1, 2), (1, 2), (3, 2), (0, 1), (1, 2)),
    ((0, 2, 3, 3), (2, 2), (2, 2), (1, 1), (0, 0), (1, 1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_matches_cpu(case, dtype):
    shape, *geometry = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    cols = gpu.im2col(CudaArray.from_host(x), *geometry)
    assert isinstance(cols, CudaArray) and cols.dtype == dtype
    np.testing.assert_array_equal(cols.to_host(), cpu.im2col(x, *geometry))

    c = rng.standard_normal(cols.shape).astype(dtype)
    want = np.full(shape, np.nan, dtype)  # col2im overwrites every element
    cpu.col2im(c, want, *geometry)
    got = CudaArray.from_host(np.full(shape, np.nan, dtype))
    gpu.col2im(CudaArray.from_host(c), got, *geometry)
    np.testing.assert_array_equal(got.to_host(), want)
