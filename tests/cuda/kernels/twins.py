"""What the CUDA kernel-twin tests share: operands moved to the device, and a CUDA result checked
against its CPU sibling's (a CudaArray of the same shape and dtype, close within a tolerance)."""
import numpy as np

from minigrad.kernels.cuda.array import CudaArray


def device(array):
    """``array`` as a CudaArray; None (an absent weight or bias) stays None."""
    return None if array is None else CudaArray.from_host(array)


def matcher(tolerances: dict):
    """``assert_matches(got, expected, dtype)`` with the tolerance ``tolerances[dtype]``."""
    def assert_matches(got: CudaArray, expected: np.ndarray, dtype) -> None:
        assert isinstance(got, CudaArray) and got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_allclose(got.to_host(), expected, **tolerances[dtype])
    return assert_matches


def conv_tolerance(dtype) -> dict:
    """The convolution tests' tolerance: float32 sums in another order than the CPU's, float64 alike."""
    return dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


def assert_conv_twins_match(cpu, gpu, name: str, x, weight, bias, args, rng, tolerance: dict) -> None:
    """``<name>_forward`` and ``<name>_backward`` (all three gradients) of the CUDA module ``gpu``
    equal to the CPU module ``cpu``'s, for the host operands and the layer's ``args``."""
    want = getattr(cpu, f"{name}_forward")(x, weight, bias, *args)
    got = getattr(gpu, f"{name}_forward")(device(x), device(weight), device(bias), *args)
    assert got.shape == want.shape and got.dtype == x.dtype
    np.testing.assert_allclose(got.to_host(), want, **tolerance)

    grad_out = rng.standard_normal(want.shape).astype(x.dtype)
    wanted = getattr(cpu, f"{name}_backward")(grad_out, x, weight, *args)
    gotten = getattr(gpu, f"{name}_backward")(device(grad_out), device(x), device(weight), *args)
    for gradient, got, want in zip(("grad_x", "grad_w", "grad_b"), gotten, wanted):
        assert got.shape == want.shape and got.dtype == x.dtype, gradient
        np.testing.assert_allclose(got.to_host(), want, **tolerance, err_msg=gradient)
