"""sgd_step against a naive per-element loop of PyTorch's SGD rule, on both the serial and the
parallel path, across thread counts, and on non-contiguous arrays."""
import itertools

import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.sgd import sgd_step
from minigrad.kernels import _threads

DTYPES = [np.float32, np.float64]
# (momentum, dampening, weight_decay, nesterov)
OPTIONS = [(0.0, 0.0, 0.0, False), (0.9, 0.0, 0.0, False), (0.9, 0.3, 0.01, False), (0.8, 0.0, 0.05, True),
           (0.0, 0.0, 0.1, False)]


def naive_sgd(param, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step):
    """One step, element by element in float64, written straight from the algorithm's lines."""
    param, buffer = param.astype(np.float64), buffer.astype(np.float64)
    for index in np.ndindex(param.shape):
        g = float(grad[index]) + weight_decay * param[index]
        if momentum:
            buffer[index] = g if first_step else momentum * buffer[index] + (1 - dampening) * g
            g = g + momentum * buffer[index] if nesterov else buffer[index]
        param[index] -= lr * g
    return param, buffer


def arrays(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal(shape).astype(dtype) for _ in range(3))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("first_step", [True, False])
@pytest.mark.parametrize("limit", [0, np.inf], ids=["parallel", "serial"])
def test_matches_naive(dtype, options, first_step, limit, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_UPDATE_LIMIT", limit)
    momentum, dampening, weight_decay, nesterov = options
    param, grad, buffer = arrays((7, 5), dtype)
    if first_step:
        buffer[:] = np.nan  # the first step must not read the old buffer
    expected_param, expected_buffer = naive_sgd(param, grad, buffer, 0.1, *options, first_step)
    sgd_step(param, grad, buffer if momentum else None, 0.1, *options, first_step)
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(param, expected_param, **tolerance)
    if momentum:
        np.testing.assert_allclose(buffer, expected_buffer, **tolerance)
    assert param.dtype == dtype


def test_float32_arithmetic_matches_pytorch():
    torch = pytest.importorskip("torch")
    param, grad, buffer = arrays((300,), np.float32)
    reference = torch.nn.Parameter(torch.tensor(param))
    optimizer = torch.optim.SGD([reference], lr=0.01, momentum=0.9, weight_decay=0.001, nesterov=True)
    buffer = np.empty_like(param)
    for step in range(3):
        reference.grad = torch.tensor(grad * (step + 1))
        optimizer.step()
        sgd_step(param, grad * (step + 1), buffer, 0.01, 0.9, 0.0, 0.001, True, step == 0)
    np.testing.assert_allclose(param, reference.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_UPDATE_LIMIT", 0)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        param, grad, buffer = arrays((10_007,), np.float32)  # not a multiple of the block size
        sgd_step(param, grad, buffer, 0.05, 0.9, 0.1, 0.01, False, False)
        results.append((param, buffer))
    for (param, buffer), (first_param, first_buffer) in itertools.pairwise([*results, results[0]]):
        assert np.array_equal(param, first_param) and np.array_equal(buffer, first_buffer)


def test_updates_non_contiguous_arrays_in_place():
    param, grad, buffer = (a.T for a in arrays((6, 4), np.float64))  # Fortran-ordered views
    expected_param, expected_buffer = naive_sgd(param, grad, buffer, 0.1, 0.9, 0.0, 0.0, False, False)
    sgd_step(param, grad, buffer, 0.1, 0.9, 0.0, 0.0, False, False)
    np.testing.assert_allclose(param, expected_param, rtol=1e-12)
    np.testing.assert_allclose(buffer, expected_buffer, rtol=1e-12)
