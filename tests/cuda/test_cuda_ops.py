"""Ops on CUDA tensors against the same ops on the CPU: forward values and gradients.

The cases are the op cases of the second-derivative tests (``tests/core/double_backward_cases.py``);
those listed here run on CUDA (their Functions declare ``runs_on_cuda``; their numpy formulas run on
CudaArrays through the elementwise, reduction, indexing and matmul kernels). Each runs in float64
on both devices with the same inputs and the same upstream gradient.
"""
import numpy as np
import pytest

import minigrad as mg

from ..core.double_backward_cases import CASES, random_inputs

ON_CUDA = {
    "add", "sub", "mul", "div", "pow_tensor", "pow_scalar", "neg", "exp", "log", "sqrt", "rsqrt",
    "reciprocal", "abs", "sin", "cos", "tanh", "sigmoid", "square", "clamp", "maximum", "minimum",
    "where", "lerp", "sum", "mean", "var", "std", "logsumexp", "norm", "norm_p1", "norm_p3",
    "reshape", "permute", "expand", "split", "getitem_basic", "masked_fill", "unbind", "clone",
    "to_float32", "matmul", "matmul_vector", "bmm", "addmm", "outer", "linear", "softsign",
    "tanhshrink", "dropout_eval", "conv2d", "conv2d_strided_dilated", "conv2d_grouped",
    "conv2d_depthwise", "conv1d", "conv_transpose2d", "conv_transpose1d", "conv2d_same_even_kernel",
    "conv2d_asymmetric", "conv2d_linear", "conv2d_unbatched", "conv1d_strided_grouped",
    "conv1d_same_even_kernel", "conv1d_depthwise", "conv_transpose2d_output_padding_groups",
    "conv_transpose2d_depthwise", "conv_transpose1d_dilated", "conv_transpose1d_unbatched",
    "max_pool2d", "max_pool2d_strided", "max_pool2d_dilated_ceil", "max_pool2d_unbatched",
    "max_pool1d", "max_pool1d_overlapping", "avg_pool2d", "avg_pool2d_padded",
    "avg_pool2d_ceil_exclude_pad", "avg_pool2d_divisor_override", "avg_pool2d_unbatched",
    "avg_pool1d", "avg_pool1d_ceil_padded", "adaptive_avg_pool2d", "adaptive_avg_pool2d_upsampling",
    "adaptive_avg_pool1d", "adaptive_max_pool2d", "adaptive_max_pool2d_overlapping",
    "adaptive_max_pool1d", "max_unpool2d", "max_unpool2d_output_size", "max_unpool1d",
    "pad_constant", "pad_constant_negative", "pad_reflect", "pad_reflect_1d", "pad_replicate",
    "pad_replicate_3d", "pad_circular", "pad_circular_negative", "interpolate_nearest",
    "interpolate_nearest_1d", "interpolate_bilinear", "interpolate_bilinear_align_corners",
    "interpolate_linear", "interpolate_area", "normalize", "normalize_p1", "cosine_similarity_dim0",
    "l1_loss", "cosine_similarity", "pairwise_distance", "cdist", "l1_loss_sum",
    "triplet_margin_loss", "triplet_margin_loss_swap", "pairwise_distance_p3", "poisson_nll_loss",
    "poisson_nll_loss_full", "gaussian_nll_loss", "gaussian_nll_loss_shared_var",
    "rpow", "erf", "erfc", "relu", "gelu", "gelu_tanh", "softmax", "log_softmax", "relu_inplace",
    "gelu_wide", "gelu_tanh_wide", "softmax_inner_dim", "log_softmax_inner_dim", "batch_norm_train",
    "layer_norm", "group_norm", "instance_norm", "batch_norm_train_no_affine", "batch_norm_1d",
    "layer_norm_no_affine", "layer_norm_2d_shape", "group_norm_no_affine", "group_norm_4d",
    "instance_norm_affine", "cross_entropy_probabilities", "cross_entropy_probabilities_weighted",
    "leaky_relu", "elu", "selu", "celu", "silu", "softplus", "mish", "logsigmoid", "hardtanh", "relu6",
    "hardsigmoid", "hardswish", "softshrink", "hardshrink", "prelu", "threshold", "softplus_threshold",
    "prelu_shared", "pixel_shuffle", "pixel_shuffle_unbatched", "pixel_unshuffle", "mse_loss",
    "smooth_l1_loss", "huber_loss", "binary_cross_entropy", "bce_with_logits", "kl_div", "mse_loss_sum",
    "mse_loss_none", "smooth_l1_loss_beta", "kl_div_log_target", "kl_div_none", "amax", "norm_inf",
    "amin_all", "repeat", "flip", "cat", "stack", "tril", "roll", "glu", "glu_inner_dim",
    "gather", "index_select", "getitem_advanced", "setitem",
    "cumsum", "cumprod",
    "sort", "topk", "median_like_kthvalue",
    "einsum",
}


# Elementwise Functions outside the second-derivative cases, in the same form; inputs are standard
# normal, mapped into each op's domain inside the case (tanh for [-1, 1], exp for positives).
ELEMENTWISE_FUNCTIONS = [
    ("tan", lambda L, a: a.tanh().tan(), [(3, 4)]),
    ("asin", lambda L, a: a.tanh().asin(), [(3, 4)]),
    ("acos", lambda L, a: a.tanh().acos(), [(3, 4)]),
    ("atan", lambda L, a: a.atan(), [(3, 4)]),
    ("sinh_cosh", lambda L, a: a.sinh() * a.cosh(), [(3, 4)]),
    ("asinh", lambda L, a: a.asinh(), [(3, 4)]),
    ("acosh", lambda L, a: (a.exp() + 1.5).acosh(), [(3, 4)]),
    ("atanh", lambda L, a: (a.tanh() * 0.9).atanh(), [(3, 4)]),
    ("atan2", lambda L, a, b: L.atan2(a, b), [(3, 4), (4,)]),
    ("hypot", lambda L, a, b: L.hypot(a, b), [(3, 4), (3, 4)]),
    ("sinc", lambda L, a: L.sinc(a), [(3, 4)]),
    ("deg2rad_rad2deg", lambda L, a: L.deg2rad(a) * L.rad2deg(a), [(3, 4)]),
    ("log1p_expm1", lambda L, a: a.exp().log1p() * a.expm1(), [(3, 4)]),
    ("log2_log10_exp2", lambda L, a: a.exp().log2() + a.exp().log10() + a.exp2(), [(3, 4)]),
    ("logit", lambda L, a: L.logit(a.sigmoid(), eps=0.1), [(3, 4)]),
    ("xlogy", lambda L, a, b: L.xlogy(a, b.exp()), [(3, 4), (3, 4)]),
    ("xlog1py", lambda L, a, b: L.special.xlog1py(a, b.exp()), [(3, 4), (3, 4)]),
    ("entr", lambda L, a: L.special.entr(a.sigmoid()), [(3, 4)]),
    ("logaddexp", lambda L, a, b: L.logaddexp(a, b) + L.logaddexp2(a, b), [(3, 4), (4,)]),
    ("rounding", lambda L, a: (a * 3).round() + (a * 3).floor() + (a * 3).ceil() + (a * 3).trunc() + a.sign() * a,
     [(3, 4)]),
    ("frac", lambda L, a: (a * 3).frac(), [(3, 4)]),
    ("copysign", lambda L, a, b: L.copysign(a, b) + L.copysign(a, -2.0), [(3, 4), (3, 4)]),
    ("fmax_fmin", lambda L, a, b: L.fmax(a, b) * L.fmin(a, b), [(3, 4), (3, 4)]),
    ("clamp_min_max", lambda L, a: a.clamp(min=-0.5) * a.clamp(max=0.5), [(3, 4)]),
    ("nan_to_num", lambda L, a: L.nan_to_num(a.log(), nan=0.5, neginf=-3.0), [(3, 4)]),
    ("nansum", lambda L, a: L.nansum(a.log(), 1), [(3, 4)]),
    ("triu", lambda L, a: (a * a).triu(1), [(4, 4)]),
]


def _run(fn, inputs, device, upstream):
    tensors = [mg.tensor(x, device=device, requires_grad=True) for x in inputs]
    out = fn(mg, *tensors)
    out = out if isinstance(out, mg.Tensor) else out[0]
    (out * mg.tensor(upstream, device=device)).sum().backward()
    grads = [None if t.grad is None else t.grad.cpu().numpy() for t in tensors]
    return out, grads


@pytest.mark.parametrize("name, fn, shapes", [c for c in CASES if c[0] in ON_CUDA] + ELEMENTWISE_FUNCTIONS,
                         ids=lambda c: c if isinstance(c, str) else "")
def test_op_on_cuda_matches_cpu(name, fn, shapes):
    inputs = random_inputs(shapes, seed=0)
    probe = fn(mg, *[mg.tensor(x) for x in inputs])
    probe = probe if isinstance(probe, mg.Tensor) else probe[0]
    upstream = np.random.default_rng(1).standard_normal(probe.shape)
    cpu_out, cpu_grads = _run(fn, inputs, "cpu", upstream)
    cuda_out, cuda_grads = _run(fn, inputs, "cuda", upstream)
    assert cuda_out.device == mg.device("cuda:0") and cuda_out.dtype == cpu_out.dtype
    np.testing.assert_allclose(cuda_out.cpu().detach().numpy(), cpu_out.detach().numpy(), rtol=1e-6, atol=1e-9)
    for cpu_grad, cuda_grad in zip(cpu_grads, cuda_grads):
        assert (cpu_grad is None) == (cuda_grad is None)
        if cpu_grad is not None:
            np.testing.assert_allclose(cuda_grad, cpu_grad, rtol=1e-6, atol=1e-9)


def test_every_listed_case_exists():
    assert ON_CUDA <= {name for name, _, _ in CASES}


# Second derivatives on CUDA that do not work yet: their recorded backward calls numpy functions
# the recording arrays lack (np.result_type on recorded values, broadcast_to on one).
SECOND_DERIVATIVES_PENDING = {
    "pow_tensor", "where", "std", "norm", "norm_p3", "masked_fill", "linear", "normalize",
    "cosine_similarity_dim0", "cosine_similarity", "pairwise_distance", "cdist", "triplet_margin_loss",
    "triplet_margin_loss_swap", "pairwise_distance_p3", "poisson_nll_loss_full",
}


def _second_derivatives(fn, inputs, device, upstream):
    """d/dx of <grad_x f(x), 1>: the gradients of the sum of the first gradients (create_graph)."""
    tensors = [mg.tensor(x, device=device, requires_grad=True) for x in inputs]
    out = fn(mg, *tensors)
    out = out if isinstance(out, mg.Tensor) else out[0]
    grads = mg.autograd.grad((out * mg.tensor(upstream, device=device)).sum(), tensors, create_graph=True,
                             allow_unused=True)
    total = sum(g.sum() for g in grads if g is not None and g.requires_grad)
    if not isinstance(total, mg.Tensor):
        return []  # the op is linear: its gradient does not depend on the inputs
    seconds = mg.autograd.grad(total, tensors, allow_unused=True)
    return [None if s is None else s.cpu().numpy() for s in seconds]


@pytest.mark.parametrize("name, fn, shapes", [c for c in CASES if c[0] in ON_CUDA - SECOND_DERIVATIVES_PENDING],
                         ids=lambda c: c if isinstance(c, str) else "")
def test_second_derivatives_on_cuda_match_cpu(name, fn, shapes):
    inputs = random_inputs(shapes, seed=0)
    probe = fn(mg, *[mg.tensor(x) for x in inputs])
    probe = probe if isinstance(probe, mg.Tensor) else probe[0]
    upstream = np.random.default_rng(1).standard_normal(probe.shape)
    cpu_seconds = _second_derivatives(fn, inputs, "cpu", upstream)
    cuda_seconds = _second_derivatives(fn, inputs, "cuda", upstream)
    assert len(cpu_seconds) == len(cuda_seconds)
    for cpu_second, cuda_second in zip(cpu_seconds, cuda_seconds):
        assert (cpu_second is None) == (cuda_second is None)
        if cpu_second is not None:
            np.testing.assert_allclose(cuda_second, cpu_second, rtol=1e-6, atol=1e-9)
