"""Randomized parity of the fast elementwise, row-sum, matmul, optimizer, unpooling, embedding,
padding and resizing kernels with their plain-loop references (minigrad.kernels.reference), over seeded
configurations: shapes, dtypes, and the options of each (SGD's momentum, dampening, weight decay,
nesterov; Adam/AdamW with amsgrad; GELU's two forms; every padding mode; nearest and bilinear resizing)."""
import numpy as np
import pytest

from minigrad.kernels.adam import adam_step
from minigrad.kernels.embedding import embedding_backward
from minigrad.kernels.erf import erf, erfc
from minigrad.kernels.gelu import gelu_backward, gelu_forward
from minigrad.kernels.gemm import matmul
from minigrad.kernels.interpolate import (
    interpolate_bilinear_backward, interpolate_bilinear_forward, interpolate_nearest_backward,
    interpolate_nearest_forward,
)
from minigrad.kernels.max_pool2d import max_pool2d_forward
from minigrad.kernels.max_unpool2d import max_unpool2d_backward, max_unpool2d_forward
from minigrad.kernels.padding import pad2d, pad2d_backward
from minigrad.kernels.reference import adam as reference_adam
from minigrad.kernels.reference import embedding as reference_embedding
from minigrad.kernels.reference import erf as reference_erf
from minigrad.kernels.reference import gelu as reference_gelu
from minigrad.kernels.reference import gemm as reference_gemm
from minigrad.kernels.reference import interpolate as reference_interpolate
from minigrad.kernels.reference import max_unpool2d as reference_unpool
from minigrad.kernels.reference import padding as reference_padding
from minigrad.kernels.reference import relu as reference_relu
from minigrad.kernels.reference import row_sum as reference_row_sum
from minigrad.kernels.reference import sgd as reference_sgd
from minigrad.kernels.relu import relu_backward, relu_forward
from minigrad.kernels.row_sum import row_fill, row_sums
from minigrad.kernels.sgd import sgd_step

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}
SEEDS = range(20)


def random_dtype(rng):
    return np.float32 if rng.random() < 0.5 else np.float64


def random_shape(rng, max_rank=4):
    return tuple(int(v) for v in rng.integers(1, 6, int(rng.integers(1, max_rank + 1))))


@pytest.mark.parametrize("seed", SEEDS)
def test_relu_matches_reference(seed):
    rng = np.random.default_rng(seed)
    dtype, shape = random_dtype(rng), random_shape(rng)
    x = rng.standard_normal(shape).astype(dtype)
    x.flat[0] = 0.0  # the boundary: out = 0 and no gradient
    grad = rng.standard_normal(shape).astype(dtype)
    out = relu_forward(x)
    np.testing.assert_array_equal(out, reference_relu.relu_forward(x))
    np.testing.assert_array_equal(relu_backward(grad, out), reference_relu.relu_backward(grad, out))


@pytest.mark.parametrize("seed", SEEDS)
def test_row_sums_and_fill_match_reference(seed):
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    R, S = (int(v) for v in rng.integers(1, 9, 2))
    divisor = float(S) if rng.random() < 0.5 else 1.0
    x = rng.standard_normal((R, S)).astype(dtype)
    np.testing.assert_allclose(row_sums(x, divisor), reference_row_sum.row_sums(x, divisor), **TOL[dtype])
    values = rng.standard_normal(R).astype(dtype)
    np.testing.assert_allclose(row_fill(values, (R, S), divisor), reference_row_sum.row_fill(values, (R, S), divisor),
                               **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_matmul_matches_reference(seed):
    """Plain and batched products, a batch dimension broadcast on either side."""
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    M, K, N = (int(v) for v in rng.integers(1, 6, 3))
    batch_a, batch_b = [tuple(int(v) for v in rng.integers(1, 3, int(rng.integers(0, 2)))) for _ in range(2)]
    if batch_a and batch_b:
        batch_b = (1,) if rng.random() < 0.5 else batch_a  # broadcasts against batch_a
    a = rng.standard_normal(batch_a + (M, K)).astype(dtype)
    b = rng.standard_normal(batch_b + (K, N)).astype(dtype)
    np.testing.assert_allclose(matmul(a, b), reference_gemm.matmul(a, b), **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_sgd_step_matches_reference(seed):
    """Two steps (the first fills the momentum buffer), options drawn at random."""
    rng = np.random.default_rng(seed)
    dtype, shape = random_dtype(rng), random_shape(rng, 3)
    momentum = float(rng.choice([0.0, 0.9]))
    options = dict(lr=float(rng.uniform(0.01, 0.5)), momentum=momentum,
                   dampening=float(rng.choice([0.0, 0.3])), weight_decay=float(rng.choice([0.0, 0.01])),
                   nesterov=bool(momentum and rng.random() < 0.5))
    param = rng.standard_normal(shape).astype(dtype)
    buffer = np.empty(shape, dtype) if momentum else None
    expected_param, expected_buffer = param.astype(np.float64), None
    for first_step in (True, False):
        grad = rng.standard_normal(shape).astype(dtype)
        expected_param, expected_buffer = reference_sgd.sgd_step(
            expected_param, grad, expected_buffer, first_step=first_step, **options)
        sgd_step(param, grad, buffer, first_step=first_step, **options)
        np.testing.assert_allclose(param, expected_param, **TOL[dtype])
        if momentum:
            np.testing.assert_allclose(buffer, expected_buffer, **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_adam_step_matches_reference(seed):
    """Three steps, Adam or AdamW, with or without amsgrad and weight decay."""
    rng = np.random.default_rng(seed)
    dtype, shape = random_dtype(rng), random_shape(rng, 3)
    amsgrad = bool(rng.random() < 0.5)
    options = dict(lr=float(rng.uniform(1e-3, 0.1)), beta1=float(rng.choice([0.9, 0.5])),
                   beta2=float(rng.choice([0.999, 0.9])), eps=1e-8, weight_decay=float(rng.choice([0.0, 0.01])),
                   decoupled_weight_decay=bool(rng.random() < 0.5))
    state = [rng.standard_normal(shape).astype(dtype)] + [np.zeros(shape, dtype) for _ in range(2 + amsgrad)]
    param, exp_avg, exp_avg_sq = state[:3]
    max_exp_avg_sq = state[3] if amsgrad else None
    expected = (param.astype(np.float64), exp_avg.astype(np.float64), exp_avg_sq.astype(np.float64),
                None if max_exp_avg_sq is None else max_exp_avg_sq.astype(np.float64))
    for step in (1, 2, 3):
        grad = rng.standard_normal(shape).astype(dtype)
        expected = reference_adam.adam_step(*expected[:1], grad, *expected[1:], step=step, **options)
        adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step=step, **options)
        for actual, wanted in zip((param, exp_avg, exp_avg_sq, max_exp_avg_sq), expected):
            if actual is not None:
                np.testing.assert_allclose(actual, wanted, **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_erf_and_gelu_match_reference(seed):
    rng = np.random.default_rng(seed)
    dtype, shape = random_dtype(rng), random_shape(rng)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    grad_out = rng.standard_normal(shape).astype(dtype)
    np.testing.assert_allclose(erf(x), reference_erf.erf(x), **TOL[dtype])
    np.testing.assert_allclose(erfc(x), reference_erf.erfc(x), **TOL[dtype])
    for approximate in ("none", "tanh"):
        np.testing.assert_allclose(gelu_forward(x, approximate), reference_gelu.gelu_forward(x, approximate),
                                   **TOL[dtype])
        np.testing.assert_allclose(gelu_backward(grad_out, x, approximate),
                                   reference_gelu.gelu_backward(grad_out, x, approximate), **TOL[dtype])


def test_gelu_reference_backward_is_the_derivative_of_its_forward():
    """The reference's derivative formulas against central differences of its own forward."""
    x = np.linspace(-4, 4, 33)
    h = 1e-6
    for approximate in ("none", "tanh"):
        slope = (reference_gelu.gelu_forward(x + h, approximate) - reference_gelu.gelu_forward(x - h, approximate)) / (2 * h)
        np.testing.assert_allclose(reference_gelu.gelu_backward(np.ones_like(x), x, approximate), slope,
                                   rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
def test_max_unpool2d_matches_reference(seed):
    """Indices from a max pooling, so some positions are named twice (overlapping windows) or never."""
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    N, C, H, W = (int(v) for v in rng.integers(1, 4, 4) + np.array([0, 0, 2, 2]))
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    kernel, stride = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    pooled, indices = max_pool2d_forward(x, (kernel, kernel), (stride, stride), (0, 0))
    out = max_unpool2d_forward(pooled, indices, (H, W))
    np.testing.assert_allclose(out, reference_unpool.max_unpool2d_forward(pooled, indices, (H, W)), **TOL[dtype])
    grad_out = rng.standard_normal((N, C, H, W)).astype(dtype)
    np.testing.assert_allclose(max_unpool2d_backward(grad_out, indices),
                               reference_unpool.max_unpool2d_backward(grad_out, indices), **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_embedding_backward_matches_reference(seed):
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    num_embeddings, D, N = int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 12))
    indices = rng.integers(0, num_embeddings, N)
    grad_out = rng.standard_normal((N, D)).astype(dtype)
    padding_idx = int(rng.integers(-1, num_embeddings))
    scale = bool(rng.random() < 0.5)
    np.testing.assert_allclose(embedding_backward(grad_out, indices, num_embeddings, padding_idx, scale),
                               reference_embedding.embedding_backward(grad_out, indices, num_embeddings, padding_idx,
                                                                      scale), **TOL[dtype])


@pytest.mark.parametrize("seed", range(40))
def test_pad2d_matches_reference(seed):
    """Every mode with pads inside its precondition, negative (cropping) pads for reflect/replicate
    and constant, forward and backward."""
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    mode = ("constant", "reflect", "replicate", "circular")[seed % 4]
    shape = tuple(int(v) for v in rng.integers(1, 3, int(rng.integers(0, 3)))) + tuple(int(v) for v in rng.integers(2, 6, 2))
    H, W = shape[-2:]
    low = 0 if mode == "circular" else -1
    high = {"reflect": (H - 1, W - 1), "circular": (H, W)}.get(mode, (3, 3))
    left, right = (int(v) for v in rng.integers(low, high[1] + 1, 2))
    top, bottom = (int(v) for v in rng.integers(low, high[0] + 1, 2))
    if W + left + right < 1:  # keep the output non-empty
        left = right = 0
    if H + top + bottom < 1:
        top = bottom = 0
    pad = (left, right, top, bottom)
    x = rng.standard_normal(shape).astype(dtype)
    np.testing.assert_allclose(pad2d(x, pad, mode, 0.5), reference_padding.pad2d(x, pad, mode, 0.5), **TOL[dtype],
                               err_msg=str((shape, pad, mode)))
    grad_out = rng.standard_normal(shape[:-2] + (H + top + bottom, W + left + right)).astype(dtype)
    np.testing.assert_allclose(pad2d_backward(grad_out, pad, mode, (H, W)),
                               reference_padding.pad2d_backward(grad_out, pad, mode, (H, W)), **TOL[dtype],
                               err_msg=str((shape, pad, mode)))


@pytest.mark.parametrize("seed", range(40))
def test_interpolate_matches_reference(seed):
    """Nearest (with and without PyTorch's shortcuts) and bilinear (align_corners or not), sizes up
    and down, from a size or from user scale factors, forward and backward."""
    rng = np.random.default_rng(seed)
    dtype = random_dtype(rng)
    N, C, H, W = (int(v) for v in rng.integers(1, 3, 2).tolist() + rng.integers(1, 7, 2).tolist())
    if rng.random() < 0.5:
        factors = tuple(float(v) for v in rng.choice([0.5, 0.7, 1.0, 1.5, 2.0, 2.6], 2))
        out_hw, scales = tuple(max(1, int(n * f)) for n, f in zip((H, W), factors)), factors
    else:
        out_hw, scales = tuple(int(v) for v in rng.integers(1, 11, 2)), None
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    grad_out = rng.standard_normal((N, C) + out_hw).astype(dtype)
    case = str((x.shape, out_hw, scales))
    for shortcuts in (True, False):
        np.testing.assert_allclose(interpolate_nearest_forward(x, out_hw, scales, shortcuts),
                                   reference_interpolate.interpolate_nearest_forward(x, out_hw, scales, shortcuts),
                                   **TOL[dtype], err_msg=case)
        np.testing.assert_allclose(
            interpolate_nearest_backward(grad_out, (H, W), scales, shortcuts),
            reference_interpolate.interpolate_nearest_backward(grad_out, (H, W), scales, shortcuts),
            **TOL[dtype], err_msg=case)
    for align_corners in (False, True):
        np.testing.assert_allclose(
            interpolate_bilinear_forward(x, out_hw, align_corners, scales),
            reference_interpolate.interpolate_bilinear_forward(x, out_hw, align_corners, scales),
            **TOL[dtype], err_msg=case)
        np.testing.assert_allclose(
            interpolate_bilinear_backward(grad_out, (H, W), align_corners, scales),
            reference_interpolate.interpolate_bilinear_backward(grad_out, (H, W), align_corners, scales),
            **TOL[dtype], err_msg=case)


def test_nearest_reference_rounds_the_ratio_in_float32_as_pytorch():
    """26 -> 22: output 11 reads float32(26 / 22) * 11 = 12.999999, so pixel 12 (13 in exact math),
    as torch.nn.functional.interpolate(torch.arange(26.).view(1, 1, 26), size=22)[..., 11] does."""
    assert reference_interpolate.nearest_source(11, 26, 22, None) == 12
