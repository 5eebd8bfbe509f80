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
    "where", "lerp", "sum", "mean", "var", "std", "logsumexp", "norm", "norm_p1", "norm_p3", "reshape",
    "permute", "expand", "split", "getitem_basic", "masked_fill", "unbind", "clone", "to_float32",
    "matmul", "matmul_vector", "bmm", "addmm", "outer", "linear", "softsign", "tanhshrink",
    "dropout_eval", "normalize", "normalize_p1", "cosine_similarity_dim0", "cosine_similarity",
    "pairwise_distance", "pairwise_distance_p3", "cdist", "l1_loss", "l1_loss_sum",
    "triplet_margin_loss", "triplet_margin_loss_swap", "poisson_nll_loss", "poisson_nll_loss_full",
    "gaussian_nll_loss", "gaussian_nll_loss_shared_var",
}


def _run(fn, inputs, device, upstream):
    tensors = [mg.tensor(x, device=device, requires_grad=True) for x in inputs]
    out = fn(mg, *tensors)
    out = out if isinstance(out, mg.Tensor) else out[0]
    (out * mg.tensor(upstream, device=device)).sum().backward()
    grads = [None if t.grad is None else t.grad.cpu().numpy() for t in tensors]
    return out, grads


@pytest.mark.parametrize("name, fn, shapes", [c for c in CASES if c[0] in ON_CUDA], ids=lambda c: c if isinstance(c, str) else "")
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
