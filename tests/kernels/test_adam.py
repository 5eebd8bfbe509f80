"""adam_step against a naive per-element loop of PyTorch's Adam rule and against torch itself (to
float32 rounding over several steps: torch's vectorized loops fuse some multiply-adds), on both the
serial and the parallel path, across thread counts, and on non-contiguous arrays."""
import itertools
import math

import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.adam import adam_step
from minigrad.kernels import _threads

# (weight_decay, decoupled_weight_decay, amsgrad, betas)
OPTIONS = [(0.0, False, False, (0.9, 0.999)), (0.1, False, False, (0.9, 0.999)), (0.1, True, False, (0.8, 0.99)),
           (0.0, False, True, (0.9, 0.999)), (0.05, True, True, (0.3, 0.9))]


def naive_adam(param, grad, m, v, v_max, step, lr, betas, eps, weight_decay, decoupled):
    """One step, element by element in float64, written straight from the algorithm's lines."""
    beta1, beta2 = betas
    param, m, v = param.astype(np.float64), m.astype(np.float64), v.astype(np.float64)
    v_max = None if v_max is None else v_max.astype(np.float64)
    for i in np.ndindex(param.shape):
        g = float(grad[i])
        if decoupled:
            param[i] *= 1 - lr * weight_decay
        else:
            g += weight_decay * param[i]
        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g
        second = v[i]
        if v_max is not None:
            v_max[i] = second = max(v_max[i], v[i])
        denominator = math.sqrt(second) / math.sqrt(1 - beta2**step) + eps
        param[i] -= lr / (1 - beta1**step) * m[i] / denominator
    return param, m, v, v_max


def arrays(shape, dtype, amsgrad, seed=0):
    rng = np.random.default_rng(seed)
    param, grad, m = (rng.standard_normal(shape).astype(dtype) for _ in range(3))
    v = rng.random(shape).astype(dtype)
    return param, grad, m, v, (v * 1.5 if amsgrad else None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("limit", [0, np.inf], ids=["parallel", "serial"])
def test_matches_naive(dtype, options, limit, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_UPDATE_LIMIT", limit)
    weight_decay, decoupled, amsgrad, betas = options
    param, grad, m, v, v_max = arrays((6, 5), dtype, amsgrad)
    expected = naive_adam(param, grad, m, v, v_max, 3, 0.01, betas, 1e-8, weight_decay, decoupled)
    adam_step(param, grad, m, v, v_max, 3, 0.01, *betas, 1e-8, weight_decay, decoupled)
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for actual, wanted in zip((param, m, v, v_max), expected):
        if wanted is not None:
            np.testing.assert_allclose(actual, wanted, **tolerance)
    assert param.dtype == dtype


@pytest.mark.parametrize("options", OPTIONS)
def test_float32_steps_match_pytorch(options):
    torch = pytest.importorskip("torch")
    weight_decay, decoupled, amsgrad, betas = options
    param, grad, *_ = arrays((1000,), np.float32, amsgrad)
    reference = torch.nn.Parameter(torch.tensor(param))
    optimizer = torch.optim.Adam([reference], lr=0.01, betas=betas, weight_decay=weight_decay, amsgrad=amsgrad,
                                 decoupled_weight_decay=decoupled)
    m, v = np.zeros_like(param), np.zeros_like(param)
    v_max = np.zeros_like(param) if amsgrad else None
    for step in range(1, 6):
        step_grad = grad * np.float32(step % 3 - 1.5)
        reference.grad = torch.tensor(step_grad)
        optimizer.step()
        adam_step(param, step_grad, m, v, v_max, step, 0.01, *betas, 1e-8, weight_decay, decoupled)
    state = optimizer.state[reference]
    for actual, wanted in ((param, reference.detach()), (m, state["exp_avg"]), (v, state["exp_avg_sq"])):
        np.testing.assert_allclose(actual, wanted.numpy(), rtol=1e-6, atol=1e-7)


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_UPDATE_LIMIT", 0)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        param, grad, m, v, v_max = arrays((10_007,), np.float32, amsgrad=True)  # not a multiple of the block
        adam_step(param, grad, m, v, v_max, 2, 0.01, 0.9, 0.999, 1e-8, 0.01, True)
        results.append((param, m, v, v_max))
    for first, other in itertools.pairwise([*results, results[0]]):
        assert all(np.array_equal(a, b) for a, b in zip(first, other))


def test_updates_non_contiguous_arrays_in_place():
    param, grad, m, v, v_max = (a.T for a in arrays((6, 4), np.float64, amsgrad=True))  # Fortran-ordered views
    expected = naive_adam(param, grad, m, v, v_max, 2, 0.01, (0.9, 0.999), 1e-8, 0.0, False)
    adam_step(param, grad, m, v, v_max, 2, 0.01, 0.9, 0.999, 1e-8, 0.0, False)
    for actual, wanted in zip((param, m, v, v_max), expected):
        np.testing.assert_allclose(actual, wanted, rtol=1e-12)


def test_amsgrad_maximum_propagates_nan_as_torch():
    param, grad, m, v, _ = arrays((3,), np.float64, amsgrad=False)
    v_max = np.array([np.nan, 0.0, 0.0])
    adam_step(param, grad, m, v, v_max, 1, 0.01, 0.9, 0.999, 1e-8, 0.0, False)
    assert np.isnan(v_max[0]) and np.isnan(param[0]) and np.isfinite(param[1:]).all()
