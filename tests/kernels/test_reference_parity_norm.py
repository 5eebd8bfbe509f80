"""Randomized parity of the fast batch, layer and group norm kernels with their plain-loop references
(minigrad.kernels.reference), forward (output and statistics) and backward (input, weight and bias
gradients, against the references' explicit Jacobians), over hundreds of seeded configurations."""
import numpy as np
import pytest

from minigrad.kernels.batch_norm import batch_norm_backward, batch_norm_forward_eval, batch_norm_forward_train
from minigrad.kernels.group_norm import group_norm_backward, group_norm_forward
from minigrad.kernels.layer_norm import layer_norm_backward, layer_norm_forward
from minigrad.kernels.reference import batch_norm as reference_batch
from minigrad.kernels.reference import group_norm as reference_group
from minigrad.kernels.reference import layer_norm as reference_layer

TOL = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-11)}
STATS_TOL = dict(rtol=1e-10, atol=1e-12)  # statistics are float64 whatever the input dtype


def random_case(rng, shape, param_shape):
    """Input with a random offset and scale (|mean| up to 10 x std), affine parameters or None,
    grad_out, eps, and the dtype (float32 or float64)."""
    dtype = np.float32 if rng.random() < 0.5 else np.float64
    x = (rng.standard_normal(shape) * rng.uniform(0.1, 3) + rng.uniform(-10, 10)).astype(dtype)
    affine = rng.random() < 0.7
    weight = rng.uniform(0.5, 2.0, param_shape).astype(dtype) if affine else None
    bias = rng.standard_normal(param_shape).astype(dtype) if affine else None
    grad_out = rng.standard_normal(shape).astype(dtype)
    return x, weight, bias, grad_out, float(rng.choice([1e-5, 1e-3, 0.1])), dtype


def assert_results_close(got, want, dtype, message):
    """Arrays in the kernel's dtype against float64 reference results."""
    for a, b in zip(got, want):
        assert a.dtype == dtype and a.shape == b.shape, message
        np.testing.assert_allclose(a, b, **TOL[dtype], err_msg=message)


def random_shape(rng, rank):
    return tuple(int(v) for v in rng.integers(1, 5, rank))


@pytest.mark.parametrize("seed", range(100))
def test_batch_norm_matches_reference(seed):
    """Shapes (N, C), (N, C, L) and (N, C, H, W) with N * spatial >= 2; training and eval."""
    rng = np.random.default_rng(seed)
    shape = random_shape(rng, int(rng.integers(2, 5)))
    if shape[0] * np.prod(shape[2:]) < 2:
        shape = (shape[0] + 1,) + shape[1:]
    C = shape[1]
    x, weight, bias, grad_out, eps, dtype = random_case(rng, shape, C)
    message = str((shape, eps, weight is not None))

    out, mean, invstd, var_unbiased = batch_norm_forward_train(x, weight, bias, eps)
    ref_out, ref_mean, ref_invstd, ref_var_unbiased = reference_batch.batch_norm_forward_train(x, weight, bias, eps)
    assert_results_close([out], [ref_out], dtype, message)
    for got, want in zip((mean, invstd, var_unbiased), (ref_mean, ref_invstd, ref_var_unbiased)):
        np.testing.assert_allclose(got, want, **STATS_TOL, err_msg=message)
    assert_results_close(batch_norm_backward(grad_out, x, mean, invstd, weight),
                         reference_batch.batch_norm_backward(grad_out, x, ref_mean, ref_invstd, weight), dtype, message)

    running_mean, running_var = rng.standard_normal(C), rng.uniform(0.5, 2.0, C)
    out = batch_norm_forward_eval(x, running_mean, running_var, weight, bias, eps)
    ref_out = reference_batch.batch_norm_forward_eval(x, running_mean, running_var, weight, bias, eps)
    assert_results_close([out], [ref_out], dtype, message)
    invstd = 1 / np.sqrt(running_var + eps)
    assert_results_close(batch_norm_backward(grad_out, x, running_mean, invstd, weight, training=False),
                         reference_batch.batch_norm_backward(grad_out, x, running_mean, invstd, weight, training=False),
                         dtype, message)


@pytest.mark.parametrize("seed", range(100))
def test_layer_norm_matches_reference(seed):
    """Ranks 1-4, normalized over the last 1..rank dims."""
    rng = np.random.default_rng(1000 + seed)
    rank = int(rng.integers(1, 5))
    shape = random_shape(rng, rank)
    normalized_shape = shape[rank - int(rng.integers(1, rank + 1)):]
    x, weight, bias, grad_out, eps, dtype = random_case(rng, shape, normalized_shape)
    message = str((shape, normalized_shape, eps, weight is not None))

    out, mean, invstd = layer_norm_forward(x, normalized_shape, weight, bias, eps)
    ref_out, ref_mean, ref_invstd = reference_layer.layer_norm_forward(x, normalized_shape, weight, bias, eps)
    assert_results_close([out], [ref_out], dtype, message)
    np.testing.assert_allclose(mean, ref_mean, **STATS_TOL, err_msg=message)
    np.testing.assert_allclose(invstd, ref_invstd, **STATS_TOL, err_msg=message)
    assert_results_close(layer_norm_backward(grad_out, x, normalized_shape, mean, invstd, weight),
                         reference_layer.layer_norm_backward(grad_out, x, normalized_shape, ref_mean, ref_invstd,
                                                             weight), dtype, message)


@pytest.mark.parametrize("seed", range(100))
def test_group_norm_matches_reference(seed):
    """Shapes (N, C), (N, C, L), (N, C, H, W); any divisor of C as the group count (1 and C, the
    instance norm, included)."""
    rng = np.random.default_rng(2000 + seed)
    shape = random_shape(rng, int(rng.integers(2, 5)))
    shape = (shape[0], int(rng.integers(1, 7))) + shape[2:]
    C = shape[1]
    groups = int(rng.choice([g for g in range(1, C + 1) if C % g == 0]))
    x, weight, bias, grad_out, eps, dtype = random_case(rng, shape, C)
    message = str((shape, groups, eps, weight is not None))

    out, mean, invstd = group_norm_forward(x, groups, weight, bias, eps)
    ref_out, ref_mean, ref_invstd = reference_group.group_norm_forward(x, groups, weight, bias, eps)
    assert_results_close([out], [ref_out], dtype, message)
    np.testing.assert_allclose(mean, ref_mean, **STATS_TOL, err_msg=message)
    np.testing.assert_allclose(invstd, ref_invstd, **STATS_TOL, err_msg=message)
    assert_results_close(group_norm_backward(grad_out, x, mean, invstd, weight),
                         reference_group.group_norm_backward(grad_out, x, ref_mean, ref_invstd, weight), dtype, message)
