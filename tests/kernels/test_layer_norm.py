"""Layer norm forward/backward against the naive loops (minigrad.kernels.reference.layer_norm),
finite differences, PyTorch, a float64 reference on long float32 reductions, and thread counts."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.layer_norm import layer_norm_backward, layer_norm_forward
from minigrad.kernels import _threads

from minigrad.kernels.reference.layer_norm import layer_norm_forward as naive_layer_norm

DTYPES = [np.float32, np.float64]
CASES = [((4, 6), (6,)), ((2, 3, 5), (3, 5)), ((2, 3, 4), (4,)), ((7,), (7,)), ((130, 3), (3,))]
EPS = 1e-5
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def numerical_grad(f, x, h=1e-6):
    """Central differences of the scalar function f at the float64 array x."""
    steps = np.eye(x.size).reshape(x.size, *x.shape) * h
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps]).reshape(x.shape)


def make_case(rng, shape, normalized_shape, dtype, affine):
    x = (rng.standard_normal(shape) * 2 - 1).astype(dtype)
    weight = rng.uniform(0.5, 2.0, normalized_shape).astype(dtype) if affine else None
    bias = rng.standard_normal(normalized_shape).astype(dtype) if affine else None
    return x, weight, bias


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, normalized_shape", CASES)
def test_forward_matches_naive(shape, normalized_shape, dtype, affine):
    x, weight, bias = make_case(np.random.default_rng(0), shape, normalized_shape, dtype, affine)
    out, mean, invstd = layer_norm_forward(x, normalized_shape, weight, bias, EPS)
    ref_out, ref_mean, ref_invstd = naive_layer_norm(x, normalized_shape, weight, bias, EPS)
    assert out.shape == shape and out.dtype == dtype
    np.testing.assert_allclose(out, ref_out, **TOL[dtype])
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(invstd, ref_invstd, rtol=1e-12)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("shape, normalized_shape", [((3, 4), (4,)), ((2, 2, 3), (2, 3))])
def test_backward_matches_finite_differences(shape, normalized_shape, affine):
    rng = np.random.default_rng(1)
    x, weight, bias = make_case(rng, shape, normalized_shape, np.float64, True)
    weight = weight if affine else None
    grad_out = rng.standard_normal(shape)

    def loss(x, weight, bias):
        return np.sum(grad_out * layer_norm_forward(x, normalized_shape, weight, bias, EPS)[0])

    _, mean, invstd = layer_norm_forward(x, normalized_shape, weight, bias, EPS)
    grad_x, grad_weight, grad_bias = layer_norm_backward(grad_out, x, normalized_shape, mean, invstd, weight)
    assert grad_weight.shape == grad_bias.shape == normalized_shape
    np.testing.assert_allclose(grad_x, numerical_grad(lambda v: loss(v, weight, bias), x),
                               rtol=1e-5, atol=1e-7)
    ones = np.ones(normalized_shape)
    np.testing.assert_allclose(grad_weight, numerical_grad(lambda v: loss(x, v, bias),
                                                           ones if weight is None else weight), rtol=1e-6)
    np.testing.assert_allclose(grad_bias, numerical_grad(lambda v: loss(x, weight, v), bias), rtol=1e-6)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_parity(dtype, affine):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    for shape, normalized_shape in CASES + [((64, 50, 32), (32,)), ((8, 3, 6, 6), (3, 6, 6))]:
        x, weight, bias = make_case(rng, shape, normalized_shape, dtype, affine)
        grad_out = rng.standard_normal(shape).astype(dtype)
        xt, wt, bt = (None if a is None else torch.from_numpy(a).requires_grad_() for a in (x, weight, bias))
        ref = torch.nn.functional.layer_norm(xt, normalized_shape, wt, bt, EPS)
        ref.backward(torch.from_numpy(grad_out))
        out, mean, invstd = layer_norm_forward(x, normalized_shape, weight, bias, EPS)
        np.testing.assert_allclose(out, ref.detach().numpy(), **TOL[dtype])
        grads = layer_norm_backward(grad_out, x, normalized_shape, mean, invstd, weight)
        grad_x, grad_weight, grad_bias = grads
        np.testing.assert_allclose(grad_x, xt.grad.numpy(), **TOL[dtype])
        if affine:
            np.testing.assert_allclose(grad_weight, wt.grad.numpy(), rtol=1e-5, atol=1e-4)
            np.testing.assert_allclose(grad_bias, bt.grad.numpy(), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("shape", [(20_000, 48), (3, 100_000)])
def test_float32_long_reductions_match_float64_reference(shape):
    # (20000, 48): weight/bias gradients sum 20000 rows; (3, 100000): the statistics sum long rows
    rng = np.random.default_rng(3)
    D = shape[1]
    x = rng.standard_normal(shape, dtype=np.float32) * 3 + 20
    grad_out = rng.standard_normal(shape, dtype=np.float32)
    weight = rng.uniform(0.5, 2.0, D).astype(np.float32)
    bias = rng.standard_normal(D).astype(np.float32)
    out, mean, invstd = layer_norm_forward(x, (D,), weight, bias, EPS)
    grad_x, grad_weight, grad_bias = layer_norm_backward(grad_out, x, (D,), mean, invstd, weight)

    x64, g64 = x.astype(np.float64), grad_out.astype(np.float64)
    ref_mean = x64.mean(1, keepdims=True)
    ref_invstd = 1 / np.sqrt(x64.var(1, keepdims=True) + EPS)
    xhat = (x64 - ref_mean) * ref_invstd
    h = g64 * weight
    tol = dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mean, ref_mean[:, 0], **tol)
    np.testing.assert_allclose(invstd, ref_invstd[:, 0], **tol)
    np.testing.assert_allclose(out, xhat * weight + bias, **tol)
    np.testing.assert_allclose(grad_weight, (g64 * xhat).sum(0), **tol)
    np.testing.assert_allclose(grad_bias, g64.sum(0), **tol)
    ref_grad_x = ref_invstd * (h - h.mean(1, keepdims=True) - xhat * (h * xhat).mean(1, keepdims=True))
    np.testing.assert_allclose(grad_x, ref_grad_x, **tol)


def test_empty_batch_and_empty_rows():
    out, mean, invstd = layer_norm_forward(np.zeros((0, 5)), (5,), None, None, EPS)
    assert out.shape == (0, 5) and mean.shape == invstd.shape == (0,)
    empty = np.zeros((0, 5))
    grad_x, grad_weight, grad_bias = layer_norm_backward(empty, empty, (5,), mean, invstd, None)
    assert grad_x.shape == (0, 5)
    np.testing.assert_array_equal(grad_weight, np.zeros(5))
    np.testing.assert_array_equal(grad_bias, np.zeros(5))
    out, mean, invstd = layer_norm_forward(np.zeros((3, 0)), (0,), None, None, EPS)
    assert out.shape == (3, 0) and mean.shape == (3,) and np.isnan(mean).all()


def test_identical_across_thread_counts(thread_counts, monkeypatch):
    rng = np.random.default_rng(4)
    x, weight, bias = make_case(rng, (300, 40), (40,), np.float32, True)
    grad_out = rng.standard_normal(x.shape).astype(np.float32)
    results = []
    for n in [None, *thread_counts]:  # serial first, then the prange drivers
        if n is not None:
            monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)
            _threads.set_num_threads(n)
        out, mean, invstd = layer_norm_forward(x, (40,), weight, bias, EPS)
        results.append([out, mean, invstd, *layer_norm_backward(grad_out, x, (40,), mean, invstd, weight)])
    for run in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(results[0], run))
