"""``gradcheck`` and ``gradgradcheck``: backward's gradients against finite differences, as PyTorch's.

gradcheck(func, inputs) checks, in PyTorch's order:

1. the inputs: at least one requires grad; each that does should be float64 (a warning otherwise)
   and must not overlap itself (a stride of 0);
2. for every output that requires grad and every input that does, the analytical Jacobian equals
   the numerical one within ``atol + rtol * |numerical|`` (``_gradcheck_jacobians.py``), or, with
   ``fast_mode``, a random projection v^T J u of each does, with ``atol`` scaled by sum(u) sum(v);
   backward runs twice and must give the same gradients within ``nondet_tol``. With no output
   that requires grad, the numerical Jacobians must be zero;
3. backward is linear in the output gradients: zero output gradients give zero input gradients;
4. (``check_undefined_grad``) on a fresh graph, zero gradients for every output give no gradient
   or exact zeros (``_check_zero_output_grads`` tells how this maps onto PyTorch's check).

Options that need machinery minigrad lacks (forward-mode AD, vmap) raise NotImplementedError
naming the option instead of passing silently. gradgradcheck(func, inputs, grad_outputs) is
gradcheck of (inputs, grad_outputs) -> autograd.grad(func(inputs), inputs, grad_outputs,
create_graph=True): the second derivatives.
"""
from __future__ import annotations

import warnings

import numpy as np

from ._gradcheck_jacobians import (GradcheckError, analytical_jacobians, analytical_projections, evaluate,
                                   numerical_jacobians, numerical_jvps, unit_vectors)

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]

# Fast mode's directions come from a generator of their own, seeded, so a failure reproduces and
# the user's random state is untouched.
_FAST_MODE_SEED = 0


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check the gradients of ``func`` at ``inputs`` (float64 tensors) against finite differences.

    Returns True when every check passes; otherwise raises ``GradcheckError`` naming the output,
    the input (numbered among those that require grad) and the worst element, or returns False
    when ``raise_exception`` is False. ``masked`` matters for sparse tensors, which minigrad has
    not: with it, zero output gradients need only give gradients close to zero.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be True")
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError("Setting check_batched_forward_grad=True requires check_forward_ad to be True")
    _refuse_unsupported("gradcheck", check_forward_ad=check_forward_ad, check_batched_grad=check_batched_grad)
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes,
                          fast_mode, bool(masked))
    except GradcheckError:
        if raise_exception:
            raise
        return False


# What each option minigrad cannot honour would need. check_batched_grad compares a vmap of
# backward with a loop of backwards: without vmap, a loop compared with itself would check nothing.
_MISSING_MACHINERY = {"check_forward_ad": "forward-mode AD", "check_fwd_over_rev": "forward-mode AD",
                      "check_batched_grad": "vmap (batched gradients)"}


def _refuse_unsupported(caller: str, **options) -> None:
    for name, value in options.items():
        if value:
            raise NotImplementedError(
                f"{caller}: {name}=True needs {_MISSING_MACHINERY[name]}, which minigrad does not have")


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes, fast_mode,
               masked) -> bool:
    inputs = _as_tuple(inputs)
    diff_inputs = _checked_inputs(inputs)
    func_out = evaluate(func, inputs)
    outputs = [o for o in func_out if o.requires_grad]
    check = _fast_check if fast_mode else _slow_check
    check(func, inputs, diff_inputs, func_out, outputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
    if outputs:
        _check_backward_is_linear(outputs, diff_inputs, masked)
        if check_undefined_grad:
            _check_zero_output_grads(func, inputs, diff_inputs)
    return True


def _as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _checked_inputs(inputs: tuple) -> list:
    from .._tensor import Tensor

    diff_inputs = []
    for index, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.dtype.name != "float64":
            warnings.warn(f"Input #{index} requires gradient and is not a double precision floating point or "
                          "complex. This check will likely fail if all the inputs are not of double precision "
                          "floating point or complex. ", UserWarning, stacklevel=4)
        if x.numel() and any(stride == 0 and size > 1 for stride, size in zip(x._data.strides, x.shape)):
            raise RuntimeError(
                f"The {index}th input has a dimension with stride 0. gradcheck only supports inputs that are "
                "non-overlapping to be able to compute the numerical gradients correctly. You should call "
                ".contiguous on the input before passing it to gradcheck.")
        diff_inputs.append(x)
    if not diff_inputs:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    return diff_inputs


def _slow_check(func, inputs, diff_inputs, func_out, outputs, eps, atol, rtol, nondet_tol,
                check_grad_dtypes) -> None:
    numerical = numerical_jacobians(func, inputs, diff_inputs, [o.numel() for o in func_out], eps)
    if not outputs:
        if any(np.any(j != 0) for per_input in numerical for j in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    positions = _positions(func_out)
    for k, output in enumerate(outputs):
        analytical = analytical_jacobians(output, diff_inputs, nondet_tol, check_grad_dtypes)
        for i, a in enumerate(analytical):
            n = numerical[i][positions[k]]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(_mismatch_message(a, n, k, i) + _worst_element(a, n, rtol, atol))


def _mismatch_message(analytical, numerical, output_index: int, input_index: int) -> str:
    return (f"Jacobian mismatch for output {output_index:d} with respect to input {input_index:d},\n"
            f"numerical:{_printable(numerical)}\nanalytical:{_printable(analytical)}\n")


def _printable(values):
    """A Jacobian as a tensor, a projection (fast mode) as a number: printed as PyTorch's."""
    from .._tensor import Tensor

    return values if isinstance(values, float) else Tensor._from_storage(np.asarray(values, dtype=np.float64))


def _worst_element(analytical: np.ndarray, numerical: np.ndarray, rtol: float, atol: float) -> str:
    """Where the matrices disagree most (beyond the tolerance), a line PyTorch's message lacks."""
    excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    excess[np.isnan(excess)] = np.inf
    row, col = np.unravel_index(int(np.argmax(excess)), excess.shape)
    return (f"worst element: d output[{col}] / d input[{row}] (flat indices): numerical "
            f"{numerical[row, col]:.8g}, analytical {analytical[row, col]:.8g}\n")


def _fast_check(func, inputs, diff_inputs, func_out, outputs, eps, atol, rtol, nondet_tol,
                check_grad_dtypes) -> None:
    generator = np.random.default_rng(_FAST_MODE_SEED)
    us = unit_vectors(diff_inputs, generator)
    vs = unit_vectors(outputs, generator)
    jvps = numerical_jvps(func, inputs, diff_inputs, us, eps)  # [input][every tensor output]
    if not outputs:
        if any(jvp.size and np.abs(jvp).max() > nondet_tol for per_input in jvps for jvp in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    positions = _positions(func_out)
    analytical = analytical_projections(outputs, diff_inputs, us, vs, nondet_tol, check_grad_dtypes)
    for i, u in enumerate(us):
        for k, v in enumerate(vs):
            a, n = analytical[k][i], float(v @ jvps[i][positions[k]])
            if not np.allclose(a, n, rtol=rtol, atol=atol * u.sum() * v.sum()):
                raise GradcheckError(_mismatch_message(a, n, k, i) + _slow_mode_report(
                    func, inputs, diff_inputs[i], func_out, outputs[k], positions[k], eps, atol, rtol))


def _positions(func_out: list) -> list:
    """Where each output that requires grad sits among all the tensor outputs."""
    return [position for position, o in enumerate(func_out) if o.requires_grad]


def _slow_mode_report(func, inputs, x, func_out, output, position, eps, atol, rtol) -> str:
    """PyTorch's addendum to a fast-mode failure: the full Jacobians of that output and input."""
    numerical = numerical_jacobians(func, inputs, [x], [o.numel() for o in func_out], eps)[0][position]
    (analytical,) = analytical_jacobians(output, [x], float("inf"), False)
    message = (
        "\nThe above quantities relating the numerical and analytical jacobians are computed \n"
        "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
        "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
        f"Numerical:\n {_printable(numerical)}\nAnalytical:\n{_printable(analytical)}\n\n"
        f"The max per-element difference (slow mode) is: {np.abs(numerical - analytical).max()}.\n")
    if np.allclose(analytical, numerical, rtol=rtol, atol=atol):
        message += ("\nFast gradcheck failed but element-wise differences are small. This means that the\n"
                    "test might've passed in slow_mode!\n\nIf the test manually invokes gradcheck/gradgradcheck, "
                    "then call gradcheck/gradgradcheck\nwith `fast_mode=False` as a keyword argument.")
    return message


def _zeros_like(tensors: list) -> list:
    from .._tensor import Tensor

    return [Tensor._from_storage(np.zeros(t.shape, t._data.dtype), t.device) for t in tensors]


def _check_backward_is_linear(outputs: list, diff_inputs: list, masked: bool) -> None:
    """Zero output gradients must give zero input gradients (of the inputs' dtype and shape)."""
    from . import grad

    for g, x in zip(grad(outputs, diff_inputs, _zeros_like(outputs), allow_unused=True), diff_inputs):
        if g is None:
            continue
        values = g._data
        if not (np.allclose(values, 0) if masked else not values.any()):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype != x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.device != x.device:
            raise GradcheckError("grad is incorrect device")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


def _check_zero_output_grads(func, inputs: tuple, diff_inputs: list) -> None:
    """PyTorch's undefined-gradient check, on a fresh graph: backward from every output with a zero
    gradient must give no gradient or exact zeros, and must not fail.

    In PyTorch an undefined output gradient reaches the node, which must treat it as zeros. In
    minigrad a node that gets no gradient does not run, and a node with several outputs gets zeros
    for those that got none (None after ``ctx.set_materialize_grads(False)``): the per-output
    Jacobians already run each such node with the other outputs' gradients missing. What is left
    is PyTorch's first case, all output gradients zero (PyTorch also leaves out one output at a
    time, which here is what the Jacobians did).
    """
    from . import grad

    outputs = [o for o in evaluate(func, inputs) if o.requires_grad]
    try:
        grads = grad(outputs, diff_inputs, _zeros_like(outputs), allow_unused=True)
    except RuntimeError as error:
        _warn_check_is_new()
        raise GradcheckError("Expected backward function to handle undefined output grads. Please look at "
                             "\"Notes about undefined output gradients\" in \"tools/autograd/derivatives.yaml\"") \
            from error
    if any(g is not None and g._data.any() for g in grads):
        _warn_check_is_new()
        raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                             "undefined or zero. Please look at \"Notes about undefined output gradients\" in "
                             "\"tools/autograd/derivatives.yaml\"")


def _warn_check_is_new() -> None:
    warnings.warn("Backwards compatibility: New undefined gradient support checking feature is enabled by default, "
                  "but it may break existing callers of this function. If this is true for you, you can call this "
                  "function with \"check_undefined_grad=False\" to disable the feature", UserWarning, stacklevel=2)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True, nondet_tol: float = 0.0,
                  check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False, masked: bool = False) -> bool:
    """Check the second derivatives of ``func`` at ``inputs``: gradcheck of the map
    (inputs, grad_outputs) -> autograd.grad(func(inputs), inputs, grad_outputs, create_graph=True).

    Without ``grad_outputs``, random ones in [-1, 1) are drawn from the global generator (seed it
    with ``manual_seed`` to reproduce), of each output's dtype (float64 for a non-float output),
    non-contiguous with ``gen_non_contig_grad_outputs``.
    """
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_batched_grad=True requires check_rev_over_rev to be True")
    _refuse_unsupported("gradgradcheck", check_fwd_over_rev=check_fwd_over_rev,
                        check_batched_grad=check_batched_grad)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = [o for o in evaluate(func, inputs) if o.requires_grad]
        grad_outputs = tuple(_random_grad_output(o, gen_non_contig_grad_outputs) for o in outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    return gradcheck(_first_derivatives(func, inputs, grad_outputs), inputs + grad_outputs, eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                     fast_mode=fast_mode, masked=masked)


def _random_grad_output(output, non_contiguous: bool):
    """Uniform in [-1, 1) like ``torch.testing.make_tensor(low=-1, high=1)``, requiring grad."""
    from .._creation import rand
    from .._dtype import float64
    from .._tensor import Tensor

    dtype = output.dtype if output.dtype.is_floating_point else float64
    values = np.asarray(rand(*output.shape, dtype=dtype)._data * 2 - 1)  # 0-d: an array, not a scalar
    if non_contiguous and values.size > 1:  # every other element of a doubled last dimension
        values = np.repeat(values, 2, axis=-1)[..., ::2]
    return Tensor._from_storage(values, output.device).requires_grad_()


def _first_derivatives(func, inputs: tuple, grad_outputs: tuple):
    """The function gradgradcheck hands to gradcheck: (inputs..., grad_outputs...) -> the
    gradients of ``func``'s outputs, weighted by grad_outputs, with respect to the inputs that
    require grad (those it does not reach left out), recorded so they can be differentiated."""
    from .._tensor import Tensor
    from . import grad

    count = len(grad_outputs)
    needs_grad = [isinstance(x, Tensor) and x.requires_grad for x in inputs]

    def first_derivatives(*args):
        input_args, output_grads = args[:len(args) - count], args[len(args) - count:]
        outputs = [o for o in evaluate(func, input_args) if o.requires_grad]
        diff_inputs = [x for x, needed in zip(input_args, needs_grad) if needed]
        grads = grad(outputs, diff_inputs, list(output_grads), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return first_derivatives
