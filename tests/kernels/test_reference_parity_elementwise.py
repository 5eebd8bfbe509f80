"""Randomized parity of the fast ReLU, row-sum, matmul and SGD kernels with their plain-loop
references (minigrad.kernels.reference), over seeded configurations: shapes, dtypes, and every
SGD option (momentum, dampening, weight decay, nesterov, first step)."""
import numpy as np
import pytest

from minigrad.kernels.gemm import matmul
from minigrad.kernels.reference import gemm as reference_gemm
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
