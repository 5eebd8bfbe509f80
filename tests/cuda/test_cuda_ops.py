"""Ops on CUDA tensors against the same ops on the CPU: forward values and gradients.

The cases are all the op cases of the second-derivative tests (``tests/core/double_backward_cases.py``)
and a few more elementwise ones: every one runs on CUDA (their Functions declare ``runs_on_cuda``;
their numpy formulas run on CudaArrays through the CUDA kernels), first and second derivatives. Each
runs in float64 on both devices with the same inputs, the same upstream gradient, and the tensors the
case makes itself (targets, weights) on the device under test.
"""
import numpy as np
import pytest

import minigrad as mg

from ..core.double_backward_cases import CASES, random_inputs

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


def _inputs_and_upstream(fn, shapes, dtype=np.float64) -> tuple[list, np.ndarray]:
    """The case's inputs in ``dtype`` and an upstream gradient of its output's shape (same seeds on
    both devices)."""
    inputs = [x.astype(dtype) for x in random_inputs(shapes, seed=0)]
    probe = fn(mg, *[mg.tensor(x) for x in inputs])
    probe = probe if isinstance(probe, mg.Tensor) else probe[0]
    return inputs, np.random.default_rng(1).standard_normal(probe.shape).astype(dtype)


def _forward(fn, inputs, device) -> tuple[list, mg.Tensor]:
    """The leaf tensors on ``device`` and the case's (first) output."""
    tensors = [mg.tensor(x, device=device, requires_grad=True) for x in inputs]
    with mg.device(device):  # tensors a case makes itself (targets, weights) on the same device
        out = fn(mg, *tensors)
    return tensors, out if isinstance(out, mg.Tensor) else out[0]


def _assert_close(cuda_arrays: list, cpu_arrays: list, dtype=None, **tolerance) -> None:
    """The same gradients are missing on both devices, the others agree (and have ``dtype``)."""
    assert len(cuda_arrays) == len(cpu_arrays)
    for cpu_array, cuda_array in zip(cpu_arrays, cuda_arrays):
        assert (cpu_array is None) == (cuda_array is None)
        if cpu_array is not None:
            assert dtype is None or cuda_array.dtype == dtype
            np.testing.assert_allclose(cuda_array, cpu_array, **tolerance)


def _run(fn, inputs, device, upstream):
    tensors, out = _forward(fn, inputs, device)
    (out * mg.tensor(upstream, device=device)).sum().backward()
    return out, [None if t.grad is None else t.grad.cpu().numpy() for t in tensors]


@pytest.mark.parametrize("name, fn, shapes", CASES + ELEMENTWISE_FUNCTIONS,
                         ids=lambda c: c if isinstance(c, str) else "")
def test_op_on_cuda_matches_cpu(name, fn, shapes):
    inputs, upstream = _inputs_and_upstream(fn, shapes)
    cpu_out, cpu_grads = _run(fn, inputs, "cpu", upstream)
    cuda_out, cuda_grads = _run(fn, inputs, "cuda", upstream)
    assert cuda_out.device == mg.device("cuda:0") and cuda_out.dtype == cpu_out.dtype
    np.testing.assert_allclose(cuda_out.cpu().detach().numpy(), cpu_out.detach().numpy(), rtol=1e-6, atol=1e-9)
    _assert_close(cuda_grads, cpu_grads, rtol=1e-6, atol=1e-9)


def _second_derivatives(fn, inputs, device, upstream):
    """d/dx of <grad_x f(x), 1>: the gradients of the sum of the first gradients (create_graph)."""
    tensors, out = _forward(fn, inputs, device)
    grads = mg.autograd.grad((out * mg.tensor(upstream, device=device)).sum(), tensors, create_graph=True,
                             allow_unused=True)
    total = sum(g.sum() for g in grads if g is not None and g.requires_grad)
    if not isinstance(total, mg.Tensor):
        return []  # the op is linear: its gradient does not depend on the inputs
    seconds = mg.autograd.grad(total, tensors, allow_unused=True)
    return [None if s is None else s.cpu().numpy() for s in seconds]


@pytest.mark.parametrize("name, fn, shapes", CASES + ELEMENTWISE_FUNCTIONS,
                         ids=lambda c: c if isinstance(c, str) else "")
def test_second_derivatives_on_cuda_match_cpu(name, fn, shapes):
    inputs, upstream = _inputs_and_upstream(fn, shapes)
    _assert_close(_second_derivatives(fn, inputs, "cuda", upstream), _second_derivatives(fn, inputs, "cpu", upstream),
                  rtol=1e-6, atol=1e-9)


# float16 on CUDA: the elementwise kernels take half operands (numba-cuda's float16 arithmetic); the
# layers compute half in float32, as on the CPU. Compared with the CPU at half precision.
HALF_CASES = ["add", "mul", "div", "exp", "log", "sqrt", "tanh", "sigmoid", "sum", "mean", "matmul", "linear",
              "softmax", "log_softmax", "conv2d", "max_pool2d", "avg_pool2d", "layer_norm", "relu", "gelu",
              "leaky_relu", "mse_loss", "cumsum", "sort", "where", "cat", "getitem_advanced", "unfold", "fold"]


@pytest.mark.parametrize("name, fn, shapes", [c for c in CASES if c[0] in HALF_CASES],
                         ids=lambda c: c if isinstance(c, str) else "")
def test_float16_ops_on_cuda_match_cpu(name, fn, shapes):
    inputs, upstream = _inputs_and_upstream(fn, shapes, np.float16)
    cpu_out, cpu_grads = _run(fn, inputs, "cpu", upstream)
    cuda_out, cuda_grads = _run(fn, inputs, "cuda", upstream)
    assert cuda_out.dtype == cpu_out.dtype == mg.float16
    np.testing.assert_allclose(cuda_out.cpu().detach().numpy(), cpu_out.detach().numpy(), rtol=2e-3, atol=2e-3)
    _assert_close(cuda_grads, cpu_grads, np.float16, rtol=2e-3, atol=2e-3)
