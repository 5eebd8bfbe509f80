"""kernels/cuda/interpolate.py against its CPU sibling minigrad.kernels.interpolate (tiny shapes)."""
import numpy as np
import pytest

from minigrad.kernels import interpolate as cpu
from minigrad.kernels.cuda import interpolate as gpu
from minigrad.kernels.cuda.array import CudaArray

INPUT_HW = (3, 4)
# (out_hw, scales, nearest shortcuts): sizes only, the exact 2x shortcut, a user scale factor that
# differs from the size ratio, downsampling without shortcuts (PyTorch's 1-D arithmetic)
CASES = [((5, 3), None, True), ((6, 8), (2.0, 2.0), True), ((4, 6), (1.4, 1.7), True), ((2, 7), (0.7, 1.8), False)]


def x_and_grad(out_hw, dtype=np.float32):
    rng = np.random.default_rng(0)
    return (rng.standard_normal((1, 2) + INPUT_HW).astype(dtype),
            rng.standard_normal((1, 2) + tuple(out_hw)).astype(dtype))


@pytest.mark.parametrize("out_hw, scales, shortcuts", CASES)
def test_nearest_matches_cpu(out_hw, scales, shortcuts):
    x, grad_out = x_and_grad(out_hw)
    got = gpu.interpolate_nearest_forward(CudaArray.from_host(x), out_hw, scales, shortcuts)
    np.testing.assert_array_equal(got.to_host(), cpu.interpolate_nearest_forward(x, out_hw, scales, shortcuts))
    got_grad = gpu.interpolate_nearest_backward(CudaArray.from_host(grad_out), INPUT_HW, scales, shortcuts)
    np.testing.assert_allclose(got_grad.to_host(),
                               cpu.interpolate_nearest_backward(grad_out, INPUT_HW, scales, shortcuts),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("out_hw, scales, _", CASES[:3])
@pytest.mark.parametrize("align_corners", [False, True])
def test_bilinear_matches_cpu(out_hw, scales, _, align_corners):
    x, grad_out = x_and_grad(out_hw)
    got = gpu.interpolate_bilinear_forward(CudaArray.from_host(x), out_hw, align_corners, scales)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.to_host(), cpu.interpolate_bilinear_forward(x, out_hw, align_corners, scales),
                               rtol=1e-5, atol=1e-6)
    got_grad = gpu.interpolate_bilinear_backward(CudaArray.from_host(grad_out), INPUT_HW, align_corners, scales)
    np.testing.assert_allclose(got_grad.to_host(),
                               cpu.interpolate_bilinear_backward(grad_out, INPUT_HW, align_corners, scales),
                               rtol=1e-5, atol=1e-6)


def test_bilinear_float64_downsampling():
    x, grad_out = x_and_grad((2, 3), np.float64)
    got = gpu.interpolate_bilinear_forward(CudaArray.from_host(x), (2, 3), False)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.to_host(), cpu.interpolate_bilinear_forward(x, (2, 3), False), rtol=1e-12)
    got_grad = gpu.interpolate_bilinear_backward(CudaArray.from_host(grad_out), INPUT_HW, False)
    np.testing.assert_allclose(got_grad.to_host(), cpu.interpolate_bilinear_backward(grad_out, INPUT_HW, False),
                               rtol=1e-12)
