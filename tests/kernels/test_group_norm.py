"""Group norm (and InstanceNorm as G = C) forward/backward against the naive loops
(minigrad.kernels.reference.group_norm), finite differences, PyTorch, a float64 reference on a long
float32 reduction, and thread counts."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.group_norm import group_norm_backward, group_norm_forward
from minigrad.kernels import _threads

from minigrad.kernels.reference.group_norm import group_norm_forward as naive_group_norm

DTYPES = [np.float32, np.float64]
CASES = [((2, 6), 3), ((2, 6, 5), 2), ((3, 4, 2, 3), 4), ((2, 4, 3, 2), 1), ((1, 6, 4), 6)]
EPS = 1e-5
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def numerical_grad(f, x, h=1e-6):
    """Central differences of the scalar function f at the float64 array x."""
    steps = np.eye(x.size).reshape(x.size, *x.shape) * h
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps]).reshape(x.shape)


def make_case(rng, shape, dtype, affine):
    C = shape[1]
    x = (rng.standard_normal(shape) * 2 + 3).astype(dtype)
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if affine else None
    bias = rng.standard_normal(C).astype(dtype) if affine else None
    return x, weight, bias


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, groups", CASES)
def test_forward_matches_naive(shape, groups, dtype, affine):
    x, weight, bias = make_case(np.random.default_rng(0), shape, dtype, affine)
    out, mean, invstd = group_norm_forward(x, groups, weight, bias, EPS)
    ref_out, ref_mean, ref_invstd = naive_group_norm(x, groups, weight, bias, EPS)
    assert out.shape == shape and out.dtype == dtype and mean.shape == invstd.shape == (shape[0], groups)
    np.testing.assert_allclose(out, ref_out, **TOL[dtype])
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(invstd, ref_invstd, rtol=1e-12)


@pytest.mark.parametrize("shape, groups", [((2, 4, 2), 2), ((2, 3, 2), 3), ((3, 2), 1)])
def test_backward_matches_finite_differences(shape, groups):
    rng = np.random.default_rng(1)
    x, weight, bias = make_case(rng, shape, np.float64, True)
    grad_out = rng.standard_normal(shape)

    def loss(x, weight, bias):
        return np.sum(grad_out * group_norm_forward(x, groups, weight, bias, EPS)[0])

    for w in (weight, None):
        _, mean, invstd = group_norm_forward(x, groups, w, bias, EPS)
        grad_x, grad_weight, grad_bias = group_norm_backward(grad_out, x, mean, invstd, w)
        np.testing.assert_allclose(grad_x, numerical_grad(lambda v: loss(v, w, bias), x),
                                   rtol=1e-5, atol=1e-7)
        at = np.ones(shape[1]) if w is None else w
        np.testing.assert_allclose(grad_weight, numerical_grad(lambda v: loss(x, v, bias), at), rtol=1e-6)
        np.testing.assert_allclose(grad_bias, numerical_grad(lambda v: loss(x, w, v), bias), rtol=1e-6)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_parity(dtype, affine):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    for shape, groups in CASES + [((8, 32, 7, 7), 8)]:
        x, weight, bias = make_case(rng, shape, dtype, affine)
        grad_out = rng.standard_normal(shape).astype(dtype)
        xt, wt, bt = (None if a is None else torch.from_numpy(a).requires_grad_() for a in (x, weight, bias))
        ref = torch.nn.functional.group_norm(xt, groups, wt, bt, EPS)
        ref.backward(torch.from_numpy(grad_out))
        out, mean, invstd = group_norm_forward(x, groups, weight, bias, EPS)
        np.testing.assert_allclose(out, ref.detach().numpy(), **TOL[dtype])
        grad_x, grad_weight, grad_bias = group_norm_backward(grad_out, x, mean, invstd, weight)
        np.testing.assert_allclose(grad_x, xt.grad.numpy(), **TOL[dtype])
        if affine:
            np.testing.assert_allclose(grad_weight, wt.grad.numpy(), rtol=1e-5, atol=1e-4)
            np.testing.assert_allclose(grad_bias, bt.grad.numpy(), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_instance_norm_is_group_norm_with_one_group_per_channel(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, weight, bias = make_case(rng, (3, 5, 4, 6), dtype, True)
    grad_out = rng.standard_normal(x.shape).astype(dtype)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, weight, bias))
    ref = torch.nn.functional.instance_norm(xt, weight=wt, bias=bt, eps=EPS)
    ref.backward(torch.from_numpy(grad_out))
    out, mean, invstd = group_norm_forward(x, 5, weight, bias, EPS)
    np.testing.assert_allclose(out, ref.detach().numpy(), **TOL[dtype])
    grad_x, grad_weight, grad_bias = group_norm_backward(grad_out, x, mean, invstd, weight)
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(grad_weight, wt.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad_bias, bt.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_float32_long_reduction_matches_float64_reference():
    rng = np.random.default_rng(4)
    N, C, G = 16, 32, 4
    x = rng.standard_normal((N, C, 28, 28), dtype=np.float32) * 3 + 20
    grad_out = rng.standard_normal(x.shape, dtype=np.float32)
    weight = rng.uniform(0.5, 2.0, C).astype(np.float32)
    bias = rng.standard_normal(C).astype(np.float32)
    out, mean, invstd = group_norm_forward(x, G, weight, bias, EPS)
    grad_x, grad_weight, grad_bias = group_norm_backward(grad_out, x, mean, invstd, weight)

    groups64 = x.astype(np.float64).reshape(N, G, -1)
    ref_mean = groups64.mean(2, keepdims=True)
    ref_invstd = 1 / np.sqrt(groups64.var(2, keepdims=True) + EPS)
    xhat = ((groups64 - ref_mean) * ref_invstd).reshape(x.shape)
    g64, view = grad_out.astype(np.float64), (1, C, 1, 1)
    h = (g64 * weight.reshape(view)).reshape(N, G, -1)
    xhat_groups = xhat.reshape(N, G, -1)
    ref_grad_x = ref_invstd * (h - h.mean(2, keepdims=True)
                               - xhat_groups * (h * xhat_groups).mean(2, keepdims=True))
    tol = dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mean, ref_mean[..., 0], **tol)
    np.testing.assert_allclose(invstd, ref_invstd[..., 0], **tol)
    np.testing.assert_allclose(out, xhat * weight.reshape(view) + bias.reshape(view), **tol)
    np.testing.assert_allclose(grad_weight, (g64 * xhat).sum((0, 2, 3)), **tol)
    np.testing.assert_allclose(grad_bias, g64.sum((0, 2, 3)), **tol)
    np.testing.assert_allclose(grad_x, ref_grad_x.reshape(x.shape), **tol)


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    rng = np.random.default_rng(5)
    x, weight, bias = make_case(rng, (6, 8, 30), np.float32, True)
    grad_out = rng.standard_normal(x.shape).astype(np.float32)
    results = []
    for n in [None, *thread_counts]:  # serial first, then the prange drivers
        if n is not None:
            monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)
            _threads.set_num_threads(n)
        out, mean, invstd = group_norm_forward(x, 4, weight, bias, EPS)
        results.append([out, mean, invstd, *group_norm_backward(grad_out, x, mean, invstd, weight)])
    for run in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(results[0], run))


def test_float32_gradient_is_accurate_for_a_large_offset():
    """The backward's elementwise pass runs in float32 centred on each group's mean, with its
    coefficients formed in float64: an offset of 1e4 (std 1) must not cost accuracy against the
    float64 pass."""
    rng = np.random.default_rng(11)
    x64 = rng.standard_normal((4, 6, 30)) + 1e4
    grad_out64 = rng.standard_normal(x64.shape)
    weight64 = rng.uniform(0.5, 2.0, 6)
    x, grad_out, weight = (a.astype(np.float32) for a in (x64, grad_out64, weight64))
    _, mean, invstd = group_norm_forward(x.astype(np.float64), 3, weight64, None, EPS)
    ref = group_norm_backward(grad_out.astype(np.float64), x.astype(np.float64), mean, invstd,
                              weight.astype(np.float64))[0]
    grad_x = group_norm_backward(grad_out, x, mean, invstd, weight)[0]
    np.testing.assert_allclose(grad_x, ref, rtol=0, atol=2e-6 * np.abs(ref).max())
