"""kernels/cuda/padding.py against its CPU sibling minigrad.kernels.padding (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import padding as cpu
from minigrad.kernels.cuda import padding as gpu
from minigrad.kernels.cuda.array import CudaArray

# (mode, (left, right, top, bottom)), with the largest pads each mode allows on a (4, 5) plane and
# negative (cropping) pads where the mode takes them
CASES = [
    ("constant", (1, -2, 2, 0)),
    ("reflect", (4, 1, 3, 0)),
    ("reflect", (-1, 2, 1, -2)),
    ("replicate", (3, -1, 2, 4)),
    ("circular", (5, 2, 1, 4)),
]


@pytest.mark.parametrize("mode, pad", CASES)
def test_matches_cpu(mode, pad):
    x = np.random.default_rng(0).standard_normal((2, 4, 5)).astype(np.float32)  # any leading dims
    value = 0.5 if mode == "constant" else 0.0
    out = cpu.pad2d(x, pad, mode, value)
    got = gpu.pad2d(CudaArray.from_host(x), pad, mode, value)
    assert got.dtype == x.dtype
    np.testing.assert_array_equal(got.to_host(), out)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(np.float32)
    got_grad = gpu.pad2d_backward(CudaArray.from_host(grad_out), pad, mode, (4, 5))
    np.testing.assert_allclose(got_grad.to_host(), cpu.pad2d_backward(grad_out, pad, mode, (4, 5)),
                               rtol=1e-5, atol=1e-6)


def test_float64_reflect_sums_every_copy():
    x = np.random.default_rng(2).standard_normal((1, 1, 3, 3))
    grad_out = np.ones((1, 1, 7, 3))
    got = gpu.pad2d_backward(CudaArray.from_host(grad_out), (0, 0, 2, 2), "reflect", (3, 3)).to_host()
    np.testing.assert_array_equal(got, cpu.pad2d_backward(grad_out, (0, 0, 2, 2), "reflect", (3, 3)))
    np.testing.assert_array_equal(got[0, 0, :, 0], [2, 3, 2])  # rows 0 and 2 copied twice, row 1 thrice
    np.testing.assert_array_equal(gpu.pad2d(CudaArray.from_host(x), (0, 0, 2, 2), "reflect").to_host(),
                                  cpu.pad2d(x, (0, 0, 2, 2), "reflect"))
