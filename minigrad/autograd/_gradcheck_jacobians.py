"""The Jacobians that ``gradcheck`` compares, laid out as PyTorch's: for input i and output k a
(numel(input i), numel(output k)) float64 matrix whose row r is d output_k / d input_i[r] (flat
indices), so the messages print the same matrices.

- numerical: central differences, one input element at a time perturbed in place by +-eps:
  row r = (f(x + eps e_r) - f(x - eps e_r)) / (2 eps);
- analytical: one backward per output element with a one-hot output gradient (column c = e_c^T J),
  run twice: backward must be reentrant (the same gradients, within ``nondet_tol``, on a rerun);
- fast mode's projections, for random unit vectors u (per input) and v (per output): numerically
  J u from the single perturbation x +- eps u (then v . (J u)), analytically (v^T J) . u from a
  single backward with v as the output gradient.

"Input" below means the inputs that require grad, numbered among themselves as PyTorch does.
"""
from __future__ import annotations

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def evaluate(fn, inputs: tuple) -> list:
    """The tensor outputs of ``fn(*inputs)`` (grad mode left as it is: gradgradcheck's function
    itself calls ``autograd.grad``)."""
    from .._tensor import Tensor

    out = fn(*inputs)
    return [o for o in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(o, Tensor)]


def _values(fn, inputs: tuple) -> list:
    return [o._data.astype(np.float64) for o in evaluate(fn, inputs)]


def _central_differences(fn, inputs: tuple, data: np.ndarray, step: np.ndarray, eps: float) -> list:
    """(f(x + step) - f(x - step)) / (2 eps) per tensor output, flat, where ``data`` (x's storage)
    is changed in place and then restored bit for bit."""
    original = data.copy()
    data[...] = original - step
    before = _values(fn, inputs)
    data[...] = original + step
    after = _values(fn, inputs)
    data[...] = original
    for b, a in zip(before, after):
        if b.shape != a.shape:
            raise AssertionError(f"Expected `func` to return outputs with the same shape when inputs are perturbed "
                                 f"by {eps}, but got: shapes {list(b.shape)} and {list(a.shape)}.")
    return [((a - b) / (2 * eps)).reshape(-1) for b, a in zip(before, after)]


def numerical_jacobians(fn, inputs: tuple, diff_inputs: list, output_sizes: list, eps: float) -> list:
    """``[i][k]``: the numerical Jacobian of tensor output k (of ``output_sizes[k]`` elements)
    with respect to input i."""
    jacobians = []
    for x in diff_inputs:
        data = x._data
        per_output = [np.empty((data.size, n)) for n in output_sizes]
        step = np.zeros(data.shape, data.dtype)  # eps at element r, in the input's (logical) C order
        for r in range(data.size):
            step.reshape(-1)[r] = eps
            for jacobian, row in zip(per_output, _central_differences(fn, inputs, data, step, eps)):
                jacobian[r] = row
            step.reshape(-1)[r] = 0
        jacobians.append(per_output)
    return jacobians


def _vjp(output, diff_inputs: list, grad_output: np.ndarray, check_grad_dtypes: bool) -> list:
    """v^T J per input (flat float64, zeros for an input the output does not depend on)."""
    from .._tensor import Tensor
    from . import grad

    grads = grad(output, diff_inputs, grad_outputs=Tensor._from_storage(grad_output, output.device),
                 retain_graph=True, allow_unused=True)
    flat = []
    for g, x in zip(grads, diff_inputs):
        if g is None:
            flat.append(np.zeros(x.numel()))
            continue
        if g.shape != x.shape:
            raise GradcheckError("Analytical gradient has incorrect size")
        if check_grad_dtypes and g.dtype != x.dtype:
            raise GradcheckError("Gradient has dtype mismatch")
        flat.append(g._data.astype(np.float64).reshape(-1))
    return flat


def _reentrant(first: list, second: list, nondet_tol: float) -> None:
    for a, b in zip(first, second):
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                "times gives different values, although analytical gradient matches numerical gradient."
                f"The tolerance for nondeterminism was {nondet_tol}.\n\nNOTE: If your op relies on non-deterministic "
                "operations, this failure might be expected: call gradcheck/gradgradcheck with `nondet_tol=<tol>` as "
                "a keyword argument.")


def _analytical_columns(output, diff_inputs: list, check_grad_dtypes: bool) -> list:
    one_hot = np.zeros(output.numel(), output._data.dtype)
    columns = []
    for c in range(output.numel()):
        one_hot[:] = 0
        one_hot[c] = 1
        columns.append(_vjp(output, diff_inputs, one_hot.reshape(output.shape), check_grad_dtypes))
    return [np.array([col[i] for col in columns]).reshape(output.numel(), x.numel()).T
            for i, x in enumerate(diff_inputs)]


def analytical_jacobians(output, diff_inputs: list, nondet_tol: float, check_grad_dtypes: bool) -> list:
    """``[i]``: the Jacobian of ``output`` with respect to input i, computed twice by backward."""
    first = _analytical_columns(output, diff_inputs, check_grad_dtypes)
    _reentrant(first, _analytical_columns(output, diff_inputs, check_grad_dtypes), nondet_tol)
    return first


def unit_vectors(tensors: list, generator: np.random.Generator) -> list:
    """One random direction per tensor (uniform in [0, 1), normalised, flat), as PyTorch's fast
    mode draws them, from gradcheck's own generator: the user's random state is left alone."""
    vectors = []
    for t in tensors:
        v = generator.random(t.numel())
        vectors.append(v / np.linalg.norm(v) if v.size else v)
    return vectors


def numerical_jvps(fn, inputs: tuple, diff_inputs: list, us: list, eps: float) -> list:
    """``[i][k]``: J_k u_i (flat) for every tensor output k, by central differences along u_i."""
    return [_central_differences(fn, inputs, x._data, eps * u.reshape(x.shape), eps) for x, u in zip(diff_inputs, us)]


def analytical_projections(outputs: list, diff_inputs: list, us: list, vs: list, nondet_tol: float,
                           check_grad_dtypes: bool) -> list:
    """``[k][i]``: (v_k^T J) . u_i from one backward per output (run twice: reentrancy)."""
    projections = []
    for output, v in zip(outputs, vs):
        grad_output = v.astype(output._data.dtype).reshape(output.shape)
        first = _vjp(output, diff_inputs, grad_output, check_grad_dtypes)
        _reentrant(first, _vjp(output, diff_inputs, grad_output, check_grad_dtypes), nondet_tol)
        projections.append([float(vj @ u) for vj, u in zip(first, us)])
    return projections
