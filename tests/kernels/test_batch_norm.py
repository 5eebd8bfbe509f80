"""Batch norm (training and eval) forward/backward against the naive loops
(minigrad.kernels.reference.batch_norm), finite differences, PyTorch, a float64 reference on a long
float32 reduction, and thread counts."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.batch_norm import batch_norm_backward, batch_norm_forward_eval, batch_norm_forward_train
from minigrad.kernels import _threads

from minigrad.kernels.reference import batch_norm as reference

DTYPES = [np.float32, np.float64]
SHAPES = [(6, 3), (4, 3, 5), (2, 3, 4, 5)]
EPS = 1e-5
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def numerical_grad(f, x, h=1e-6):
    """Central differences of the scalar function f at the float64 array x."""
    steps = np.eye(x.size).reshape(x.size, *x.shape) * h
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps]).reshape(x.shape)


def make_case(rng, shape, dtype, affine):
    C = shape[1]
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if affine else None
    bias = rng.standard_normal(C).astype(dtype) if affine else None
    return x, weight, bias


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_matches_naive(shape, dtype, affine):
    rng = np.random.default_rng(0)
    x, weight, bias = make_case(rng, shape, dtype, affine)
    out, mean, invstd, var_unbiased = batch_norm_forward_train(x, weight, bias, EPS)
    ref_out, ref_mean, ref_invstd, ref_var_unbiased = reference.batch_norm_forward_train(x, weight, bias, EPS)
    assert out.shape == shape and out.dtype == dtype
    np.testing.assert_allclose(out, ref_out, **TOL[dtype])
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(invstd, ref_invstd, rtol=1e-12)
    np.testing.assert_allclose(var_unbiased, ref_var_unbiased, rtol=1e-12)

    running = (rng.standard_normal(shape[1]), rng.uniform(0.5, 2.0, shape[1]))
    out = batch_norm_forward_eval(x, *running, weight, bias, EPS)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, reference.batch_norm_forward_eval(x, *running, weight, bias, EPS), **TOL[dtype])


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(5, 2), (3, 2, 2)])
def test_backward_matches_finite_differences(shape, training):
    rng = np.random.default_rng(1)
    x, weight, bias = make_case(rng, shape, np.float64, True)
    grad_out = rng.standard_normal(shape)
    running = (rng.standard_normal(shape[1]), rng.uniform(0.5, 2.0, shape[1]))

    def loss(x, weight, bias):
        out = (batch_norm_forward_train(x, weight, bias, EPS)[0] if training
               else batch_norm_forward_eval(x, *running, weight, bias, EPS))
        return np.sum(grad_out * out)

    if training:
        _, mean, invstd, _ = batch_norm_forward_train(x, weight, bias, EPS)
    else:
        mean, invstd = running[0], 1 / np.sqrt(running[1] + EPS)
    grad_x, grad_weight, grad_bias = batch_norm_backward(grad_out, x, mean, invstd, weight, training)
    np.testing.assert_allclose(grad_x, numerical_grad(lambda v: loss(v, weight, bias), x),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grad_weight, numerical_grad(lambda v: loss(x, v, bias), weight), rtol=1e-6)
    np.testing.assert_allclose(grad_bias, numerical_grad(lambda v: loss(x, weight, v), bias), rtol=1e-6)
    # affine off: weight taken as ones, the weight/bias gradients are still returned
    grad_x_plain, _, grad_bias_plain = batch_norm_backward(grad_out, x, mean, invstd, None, training)
    np.testing.assert_allclose(grad_x_plain, numerical_grad(lambda v: loss(v, None, None), x),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grad_bias_plain, grad_bias, rtol=1e-12)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_parity(dtype, affine):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    for shape in SHAPES + [(64, 128), (8, 6, 7, 7)]:
        x, weight, bias = make_case(rng, shape, dtype, affine)
        grad_out = rng.standard_normal(shape).astype(dtype)
        C = shape[1]
        for training in (True, False):
            running_mean = rng.standard_normal(C).astype(dtype)
            running_var = rng.uniform(0.5, 2.0, C).astype(dtype)
            xt, wt, bt = (None if a is None else torch.from_numpy(a).requires_grad_()
                          for a in (x, weight, bias))
            rm, rv = torch.from_numpy(running_mean.copy()), torch.from_numpy(running_var.copy())
            ref = torch.nn.functional.batch_norm(xt, rm, rv, wt, bt, training, momentum=1.0, eps=EPS)
            ref.backward(torch.from_numpy(grad_out))
            if training:  # momentum 1 leaves exactly the batch statistics in the running buffers
                out, mean, invstd, var_unbiased = batch_norm_forward_train(x, weight, bias, EPS)
                np.testing.assert_allclose(mean, rm.numpy(), **TOL[dtype])
                np.testing.assert_allclose(var_unbiased, rv.numpy(), **TOL[dtype])
            else:
                out = batch_norm_forward_eval(x, running_mean, running_var, weight, bias, EPS)
                mean, invstd = running_mean, 1 / np.sqrt(running_var.astype(np.float64) + EPS)
            np.testing.assert_allclose(out, ref.detach().numpy(), **TOL[dtype])
            grad_x, grad_weight, grad_bias = batch_norm_backward(grad_out, x, mean, invstd, weight, training)
            np.testing.assert_allclose(grad_x, xt.grad.numpy(), **TOL[dtype])
            if affine:
                np.testing.assert_allclose(grad_weight, wt.grad.numpy(), rtol=1e-5, atol=1e-4)
                np.testing.assert_allclose(grad_bias, bt.grad.numpy(), rtol=1e-5, atol=1e-4)


def test_float32_long_reduction_matches_float64_reference():
    rng = np.random.default_rng(3)
    shape = (64, 32, 28, 28)
    x = (rng.standard_normal(shape, dtype=np.float32) * 3 + 50)
    grad_out = rng.standard_normal(shape, dtype=np.float32)
    weight = rng.uniform(0.5, 2.0, 32).astype(np.float32)
    bias = rng.standard_normal(32).astype(np.float32)
    out, mean, invstd, var_unbiased = batch_norm_forward_train(x, weight, bias, EPS)
    grad_x, grad_weight, grad_bias = batch_norm_backward(grad_out, x, mean, invstd, weight)

    x64, g64, axes, view = x.astype(np.float64), grad_out.astype(np.float64), (0, 2, 3), (1, 32, 1, 1)
    ref_mean, ref_var = x64.mean(axes), x64.var(axes)
    ref_invstd = 1 / np.sqrt(ref_var + EPS)
    xhat = (x64 - ref_mean.reshape(view)) * ref_invstd.reshape(view)
    tol = dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mean, ref_mean, **tol)
    np.testing.assert_allclose(invstd, ref_invstd, **tol)
    np.testing.assert_allclose(var_unbiased, x64.var(axes, ddof=1), **tol)
    np.testing.assert_allclose(out, xhat * weight.reshape(view) + bias.reshape(view), **tol)
    ref_grad_bias, ref_grad_weight = g64.sum(axes), (g64 * xhat).sum(axes)
    np.testing.assert_allclose(grad_bias, ref_grad_bias, **tol)
    np.testing.assert_allclose(grad_weight, ref_grad_weight, **tol)
    count = x.size // 32
    ref_grad_x = (weight * ref_invstd).reshape(view) * (
        g64 - (ref_grad_bias / count).reshape(view) - xhat * (ref_grad_weight / count).reshape(view))
    np.testing.assert_allclose(grad_x, ref_grad_x, **tol)


def test_large_offset_keeps_variance_accurate():
    # float64 data with |mean| / std = 1e6: E[x^2] - E[x]^2 would lose ~1e-4 of the variance here
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1000, 2)) + 1e6
    _, mean, invstd, var_unbiased = batch_norm_forward_train(x, None, None, 0.0)
    np.testing.assert_allclose(var_unbiased, x.var(0, ddof=1), rtol=1e-9)
    np.testing.assert_allclose(mean, x.mean(0), rtol=1e-15)


def test_single_value_per_channel_gives_nan_unbiased_variance():
    out, mean, invstd, var_unbiased = batch_norm_forward_train(np.array([[1.0, 2.0]]), None, None, EPS)
    assert np.isnan(var_unbiased).all()
    np.testing.assert_array_equal(out, 0.0)
    np.testing.assert_array_equal(mean, [1.0, 2.0])


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    rng = np.random.default_rng(5)
    x, weight, bias = make_case(rng, (16, 9, 50), np.float32, True)
    grad_out = rng.standard_normal(x.shape).astype(np.float32)
    results = []
    for n in [None, *thread_counts]:  # serial first, then the prange drivers
        if n is not None:
            monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)
            _threads.set_num_threads(n)
        out, mean, invstd, var_unbiased = batch_norm_forward_train(x, weight, bias, EPS)
        run = [out, mean, invstd, var_unbiased, *batch_norm_backward(grad_out, x, mean, invstd, weight),
               batch_norm_forward_eval(x, mean, var_unbiased, weight, bias, EPS),
               *batch_norm_backward(grad_out, x, mean, invstd, weight, training=False)]
        results.append(run)
    for run in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(results[0], run))


@pytest.mark.parametrize("training", [True, False])
def test_float32_gradient_is_accurate_for_a_large_offset(training):
    """The backward's elementwise pass runs in float32 centred on the mean, with its coefficients
    formed in float64: an offset of 1e4 (std 1) must not cost accuracy against the float64 pass."""
    rng = np.random.default_rng(11)
    x64 = rng.standard_normal((8, 3, 40)) + 1e4
    grad_out64 = rng.standard_normal(x64.shape)
    weight64 = rng.uniform(0.5, 2.0, 3)
    x, grad_out, weight = (a.astype(np.float32) for a in (x64, grad_out64, weight64))
    _, mean, invstd, _ = batch_norm_forward_train(x.astype(np.float64), weight64, None, EPS)
    ref = batch_norm_backward(grad_out.astype(np.float64), x.astype(np.float64), mean, invstd,
                              weight.astype(np.float64), training)[0]
    grad_x = batch_norm_backward(grad_out, x, mean, invstd, weight, training)[0]
    np.testing.assert_allclose(grad_x, ref, rtol=0, atol=2e-6 * np.abs(ref).max())
