"""softmax / log_softmax forward and backward against the naive loops and explicit Jacobians
(minigrad.kernels.reference.softmax), finite differences and PyTorch."""
import math

import numpy as np
import pytest

from minigrad.kernels import _threads
from minigrad.kernels import _parallel
from minigrad.kernels.reference import softmax as reference
from minigrad.kernels.softmax import (
    log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward,
)

DTYPES = [np.float32, np.float64]
SHAPES_AND_DIMS = [((7,), 0), ((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1), ((2, 3, 4), -3),
                   ((2, 1, 3, 2), 2), ((2, 5, 1), 2)]
TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def numerical_grad(f, x, h=1e-6):
    """Central differences of the scalar function f at the float64 array x."""
    steps = np.eye(x.size).reshape(x.size, *x.shape) * h
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps]).reshape(x.shape)


FORWARD = {False: softmax_forward, True: log_softmax_forward}
BACKWARD = {False: softmax_backward, True: log_softmax_backward}
NAIVE_FORWARD = {False: reference.softmax_forward, True: reference.log_softmax_forward}
NAIVE_BACKWARD = {False: reference.softmax_backward, True: reference.log_softmax_backward}


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, dim", SHAPES_AND_DIMS)
def test_forward_and_backward_match_naive(shape, dim, dtype, log):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    out = FORWARD[log](x, dim)
    assert out.shape == x.shape and out.dtype == dtype
    np.testing.assert_allclose(out, NAIVE_FORWARD[log](x, dim), **TOL[dtype])
    grad_out = rng.standard_normal(shape).astype(dtype)
    grad_x = BACKWARD[log](grad_out, out, dim)
    assert grad_x.shape == x.shape and grad_x.dtype == dtype
    np.testing.assert_allclose(grad_x, NAIVE_BACKWARD[log](grad_out, out, dim), **TOL[dtype])


@pytest.mark.parametrize("log", [False, True])
def test_backward_matches_finite_differences(log):
    rng = np.random.default_rng(1)
    for shape, dim in [((2, 3, 2), 1), ((4,), 0)]:
        x = rng.standard_normal(shape)
        grad_out = rng.standard_normal(shape)
        grad_x = BACKWARD[log](grad_out, FORWARD[log](x, dim), dim)
        expected = numerical_grad(lambda v: np.sum(grad_out * FORWARD[log](v, dim)), x)
        np.testing.assert_allclose(grad_x, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_d_and_empty(dtype):
    scalar = np.array(2.5, dtype)
    for dim in (0, -1):
        assert softmax_forward(scalar, dim).shape == () and softmax_forward(scalar, dim) == 1
        assert log_softmax_forward(scalar, dim) == 0
        assert softmax_backward(np.array(3.0, dtype), np.array(1.0, dtype), dim) == 0
        assert log_softmax_backward(np.array(3.0, dtype), np.array(0.0, dtype), dim) == 0
    for shape, dim in [((3, 0), 1), ((3, 0), 0), ((0, 4), -1), ((0,), 0)]:
        empty = np.ones(shape, dtype)
        for log in (False, True):
            assert FORWARD[log](empty, dim).shape == shape
            assert BACKWARD[log](empty, empty, dim).shape == shape


@pytest.mark.parametrize("dtype", DTYPES)
def test_huge_logits_are_stable(dtype):
    x = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 9990.0], [-1e4, -1e4, -1e4]], dtype)
    out = softmax_forward(x, 1)
    log_out = log_softmax_forward(x, 1)
    assert np.isfinite(out).all() and np.isfinite(log_out).all()
    np.testing.assert_allclose(out, reference.softmax_forward(x, 1), rtol=1e-5, atol=1e-30)
    np.testing.assert_allclose(log_out, reference.log_softmax_forward(x, 1), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[2], [1 / 3] * 3, rtol=1e-6)
    grad = log_softmax_backward(np.ones_like(x), log_out, 1)
    assert np.isfinite(grad).all()


def test_float32_long_rows_stay_within_float64_tolerance():
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((3, 200_000)) * 4).astype(np.float32)
    x64 = x.astype(np.float64)
    lse = x64.max(1, keepdims=True) + np.log(np.exp(x64 - x64.max(1, keepdims=True)).sum(1, keepdims=True))
    np.testing.assert_allclose(log_softmax_forward(x, 1), x64 - lse, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(softmax_forward(x, -1), np.exp(x64 - lse), rtol=1e-4, atol=1e-5)
    grad_out = rng.standard_normal(x.shape).astype(np.float32)
    y = np.exp(x64 - lse)
    expected = y * (grad_out - (grad_out * y).sum(1, keepdims=True))
    grad_x = softmax_backward(grad_out, softmax_forward(x, 1), 1)
    np.testing.assert_allclose(grad_x, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_parity(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for shape, dim in SHAPES_AND_DIMS + [((64, 10), 1), ((4, 21, 5, 6), 1), ((5, 300), 0)]:
        x = (rng.standard_normal(shape) * 5).astype(dtype)
        grad_out = rng.standard_normal(shape).astype(dtype)
        for log, torch_fn in [(False, torch.softmax), (True, torch.log_softmax)]:
            xt = torch.from_numpy(x).requires_grad_()
            ref = torch_fn(xt, dim)
            ref.backward(torch.from_numpy(grad_out))
            out = FORWARD[log](x, dim)
            np.testing.assert_allclose(out, ref.detach().numpy(), **TOL[dtype])
            np.testing.assert_allclose(BACKWARD[log](grad_out, out, dim), xt.grad.numpy(), **TOL[dtype])
    scalar = torch.tensor(1.5, dtype=getattr(torch, np.dtype(dtype).name))
    assert softmax_forward(scalar.numpy(), 0) == torch.softmax(scalar, 0).item()
    assert log_softmax_forward(scalar.numpy(), -1) == torch.log_softmax(scalar, -1).item()


RACE_CASES = [((257, 33), 1), ((5, 33, 7), 1), ((64, 10), 0)]


def run_all(arrays, cases):
    """Forward and backward of softmax and log_softmax for each (x, grad_out) and dim."""
    results = []
    for (x, grad_out), (_, dim) in zip(arrays, cases):
        for log in (False, True):
            out = FORWARD[log](x, dim)
            results += [out, BACKWARD[log](grad_out, out, dim)]
    return results


def random_pairs(cases, seed):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32))
            for shape, _ in cases]


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", 0)  # every size through the parallel drivers
    arrays = random_pairs(RACE_CASES, seed=4)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append(run_all(arrays, RACE_CASES))
    for run in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(results[0], run))


def test_serial_and_parallel_paths_agree(monkeypatch):
    arrays = random_pairs(RACE_CASES, seed=5)
    results = []
    for limit in (0, math.inf):  # all parallel drivers, then all serial range functions
        monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", limit)
        results.append(run_all(arrays, RACE_CASES))
    assert all(np.array_equal(a, b) for a, b in zip(*results))
