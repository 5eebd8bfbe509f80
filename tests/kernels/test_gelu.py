"""gelu_forward / gelu_backward against a naive math.erf / math.tanh loop, finite differences,
PyTorch, and across thread counts."""
import math

import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.gelu import gelu_backward, gelu_forward
from minigrad.kernels import _threads

DTYPES = [np.float32, np.float64]
FORMS = ["none", "tanh"]


def naive_gelu(x: np.ndarray, approximate: str) -> np.ndarray:
    out = np.empty(x.shape)
    for index, v in np.ndenumerate(x.astype(np.float64)):
        if approximate == "tanh":
            out[index] = 0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))
        else:
            out[index] = v * 0.5 * (1 + math.erf(v / math.sqrt(2)))  # x * Phi(x)
    return out


def sample(shape, dtype, seed=0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * 3).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("approximate", FORMS)
def test_forward_matches_naive(dtype, approximate):
    x = sample((4, 5, 3), dtype)
    out = gelu_forward(x, approximate)
    assert out.shape == x.shape and out.dtype == dtype
    np.testing.assert_allclose(out, naive_gelu(x, approximate), rtol=1e-6, atol=1e-6)


def test_known_values():
    x = np.array([0.0, 1.0, -1.0, 10.0, -10.0])
    # Phi(1) = 0.8413447460685429; gelu(10) = 10, gelu(-10) = -10 * Phi(-10) ~ -7.6e-23.
    np.testing.assert_allclose(gelu_forward(x, "none"), [0, 0.8413447460685429, -0.15865525393145707, 10, 0],
                               atol=1e-15)


@pytest.mark.parametrize("approximate", FORMS)
def test_backward_matches_finite_differences(approximate):
    x = sample((30,), np.float64, seed=1)
    grad_out = sample((30,), np.float64, seed=2)
    eps = 1e-6
    numerical = grad_out * (naive_gelu(x + eps, approximate) - naive_gelu(x - eps, approximate)) / (2 * eps)
    np.testing.assert_allclose(gelu_backward(grad_out, x, approximate), numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_keeps_shape_and_dtype_for_non_contiguous_input(dtype):
    x = sample((6, 4), dtype).T  # a transposed (non-contiguous) view
    grad_out = np.ones(x.shape, dtype)
    grad_x = gelu_backward(grad_out, x, "none")
    assert grad_x.shape == x.shape and grad_x.dtype == dtype
    np.testing.assert_allclose(grad_x, gelu_backward(grad_out, np.ascontiguousarray(x), "none"))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("approximate", FORMS)
def test_matches_torch(dtype, approximate):
    torch = pytest.importorskip("torch")
    x, grad_out = sample((7, 9), dtype), sample((7, 9), dtype, seed=3)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.gelu(tx, approximate=approximate)
    ty.backward(torch.tensor(grad_out))
    tol = 1e-5 if dtype == np.float32 else 1e-12  # float32: PyTorch rounds in float32, we in float64
    np.testing.assert_allclose(gelu_forward(x, approximate), ty.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(gelu_backward(grad_out, x, approximate), tx.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("approximate", FORMS)
def test_identical_across_thread_counts(approximate, thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", 0)  # every size through the parallel drivers
    x, grad_out = sample((1000,), np.float32), sample((1000,), np.float32, seed=4)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append((gelu_forward(x, approximate), gelu_backward(grad_out, x, approximate)))
    for forward, backward in results[1:]:
        assert np.array_equal(forward, results[0][0]) and np.array_equal(backward, results[0][1])


@pytest.mark.parametrize("approximate", FORMS)
def test_serial_and_parallel_paths_agree(approximate, monkeypatch):
    x, grad_out = sample((1000,), np.float32), sample((1000,), np.float32, seed=5)
    results = []
    for limit in (0, math.inf):  # the parallel drivers, then the serial range functions
        monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", limit)
        results.append((gelu_forward(x, approximate), gelu_backward(grad_out, x, approximate)))
    assert np.array_equal(results[0][0], results[1][0]) and np.array_equal(results[0][1], results[1][1])
