"""Jacobians, Hessians and their products with vectors, as ``torch.autograd.functional``.

For a function f of inputs x_1..x_n (Tensors) with outputs y_1..y_m (Tensors), each entry below is
computed from reverse-mode backward passes only (minigrad has no forward-mode AD):

- ``jacobian``: J[i, j] = d y_i / d x_j, for each (output, input) pair one tensor of shape
  ``y.shape + x.shape``. Row k of it is the gradient of ``y.flatten()[k]``: one backward pass per
  output element.
- ``vjp(v)``: v^T J, the gradient of <v, y> = sum(v * y): one backward pass.
- ``jvp(v)``: J v, by the double-backward trick. g(u) = J^T u (a backward pass from output
  gradients u) is linear in u, so d <g(u), v> / du = J v whatever u is. The backward pass is
  recorded (``create_graph=True``) from u = zeros that require grad, then differentiated in u.
- ``hessian``: for a scalar f, H = J(grad f), H[i, j] = d^2 f / (dx_i dx_j): the jacobian of
  the gradient, itself computed with ``create_graph=True``.
- ``vhp(v)``: v^T H, the gradient of <grad f, v>: two backward passes.
- ``hvp(v)``: H v, the double-backward trick applied to g(u) = H^T u: three backward passes.
  Equal to ``vhp`` when f is twice continuously differentiable (H is then symmetric), and slower.

``inputs`` is a Tensor or a tuple of Tensors; results mirror that structure (and the outputs'),
as in PyTorch. ``func`` always runs on new Tensor objects aliasing the inputs, so that the inputs
themselves are not modified and their ``requires_grad`` is left as it was. With
``create_graph=False`` the results are detached; with ``True`` they carry the graph back to the
inputs that require grad. ``strict=True`` raises where an input does not influence the result
(where ``strict=False`` gives the mathematically right zeros). Error types and messages are
PyTorch's.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Union

import minigrad

from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

if TYPE_CHECKING:
    from .._tensor import Tensor

    Tensors = Union[Tensor, tuple[Tensor, ...]]

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_V_NONE_FOR_OUTPUT = ("The vector v can only be None if the user-provided function returns a single Tensor "
                      "with a single element.")
_V_NONE_FOR_INPUT = ("The vector v can only be None if the input to the user-provided function is a single "
                     "Tensor with a single element.")

# strict mode, a gradient that is None (no path to that tensor), by the backward pass that found it
_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed "
            "in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs "
                  "when using the double backward trick to compute forward mode gradients. This is not "
                  "allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not "
                   "allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the "
                         "double backward trick to replace forward mode AD.",
}
# strict mode with create_graph=True, a gradient that does not require grad (a constant)
_CONSTANT_JACOBIAN = ("The jacobian of the user-provided function is independent of input {i}. This is not "
                      "allowed in strict mode when create_graph=True.")
_CONSTANT_HESSIAN = ("The hessian of the user-provided function is independent of input {i}. This is not "
                     "allowed in strict mode when create_graph=True.")
# strict mode, an intermediate result that does not require grad, by what it is
_NOT_REQUIRING_GRAD = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be "
               "computed in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with "
                "respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                "should ensure that your function is twice differentiable and that the jacobian depends on "
                "the inputs (this would be violated by a linear function for example).",
}


# ---- arguments and results ---------------------------------------------------------------------

def _as_tuple(value, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(whether ``value`` was a tuple, ``value`` as a tuple of Tensors); TypeError otherwise."""
    was_tuple = isinstance(value, tuple)
    values = value if was_tuple else (value,)
    for i, item in enumerate(values):
        if not isinstance(item, minigrad.Tensor):
            where = f"value at index {i}" if was_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                            f"but the {where} has type {type(item)}.")
    return was_tuple, values


def _fresh(tensors: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """New Tensor objects aliasing ``tensors`` for ``func`` to run on.

    Under ``create_graph`` a tensor that requires grad gets a differentiable alias (``view_as``),
    so the results' graph reaches it; any other gets a detached alias requiring grad iff
    ``need_graph``. New objects in both cases, so that the arguments are told apart from the same
    tensors captured by ``func`` from outside (as PyTorch does, its issue 32576)."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in tensors)


def _vector(v, refs: tuple, refs_were_tuple: bool, fn_name: str, create_graph: bool, none_message: str):
    """``v`` as a tuple of fresh Tensors shaped as ``refs`` (None where ``refs`` is one element)."""
    if v is None:
        if len(refs) != 1 or refs[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _fresh(v, create_graph, need_graph=False)
    if len(v) != len(refs):
        if refs_were_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (vector, ref) in enumerate(zip(v, refs)):
        if vector.size() != ref.size():
            entry = f"Entry {i} in " if refs_were_tuple else ""
            raise RuntimeError(f"{entry}v has invalid size: should be {ref.size()} but got {vector.size()}.")
    return v


def _call(func: Callable, inputs: tuple, fn_name: str, strict: bool) -> tuple[bool, tuple]:
    """(whether ``func`` returned a tuple, its outputs as a tuple of Tensors)."""
    was_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    return was_tuple, outputs


def _call_scalar(func: Callable, inputs: tuple, fn_name: str, strict: bool) -> tuple:
    """``func``'s output, which must be a single Tensor of one element, as a 1-tuple."""
    was_tuple, outputs = _call(func, inputs, fn_name, strict)
    if was_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")
    return outputs


def _check_requires_grad(tensors: tuple, kind: str, strict: bool) -> None:
    """Under ``strict``, raise for a None (no path) or a tensor that does not require grad."""
    if not strict:
        return
    for i, tensor in enumerate(tensors):
        if tensor is None:
            raise RuntimeError(_INDEPENDENT["back"].format(i=i))
        if not tensor.requires_grad:
            raise RuntimeError(_NOT_REQUIRING_GRAD[kind].format(i=i))


def _detached(result, create_graph: bool):
    """``result`` (a Tensor or nested tuples of them) without history unless ``create_graph``."""
    if create_graph:
        return result
    if isinstance(result, tuple):
        return tuple(_detached(item, create_graph) for item in result)
    return result.detach()


def _unpacked(result: tuple, was_tuple: bool):
    """Undo ``_as_tuple``: the tuple itself, or its one element."""
    return result if was_tuple else result[0]


def _unpacked_nested(blocks: tuple, outer_was_tuple: bool, inner_was_tuple: bool):
    """Undo ``_as_tuple`` on both levels of a tuple of tuples."""
    return _unpacked(tuple(_unpacked(row, inner_was_tuple) for row in blocks), outer_was_tuple)


def _finished(result: tuple, was_tuple: bool, create_graph: bool):
    return _unpacked(_detached(result, create_graph), was_tuple)


# ---- backward passes ---------------------------------------------------------------------------

def _grad(outputs: tuple, inputs: tuple, grad_outputs: tuple | None, create_graph: bool,
          retain_graph: bool | None = None) -> tuple:
    """``autograd.grad`` over the outputs that require grad (None outputs allowed), with None for
    an input no output depends on."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(out, g) for out, g in zip(outputs, grad_outputs) if out is not None and out.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    differentiable, their_grads = zip(*pairs)
    return minigrad.autograd.grad(differentiable, inputs, their_grads, retain_graph=retain_graph,
                                  create_graph=create_graph, allow_unused=True)


def _zeros_for_missing(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    """``grads`` with zeros shaped as ``refs`` for the None ones; under ``strict``, a None, or
    under ``create_graph`` a constant gradient, raises (the message names the ``stage``)."""
    filled = []
    for i, (grad, ref) in enumerate(zip(grads, refs)):
        if grad is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            grad = minigrad.zeros_like(ref)
        elif strict and create_graph and not grad.requires_grad:
            raise RuntimeError((_CONSTANT_HESSIAN if "double" in stage else _CONSTANT_JACOBIAN).format(i=i))
        filled.append(grad)
    return tuple(filled)


def _recording(create_graph: bool) -> set_grad_enabled:
    """The grad mode of the last backward pass: on when its graph is wanted, else unchanged."""
    return set_grad_enabled(create_graph or is_grad_enabled())


# ---- products with vectors ---------------------------------------------------------------------

def vjp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), v^T J)``: the vector-Jacobian product, shaped as the inputs.

    ``v`` is shaped as ``func``'s output(s); it may be None when the output is one element."""
    with enable_grad():
        inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _fresh(inputs, create_graph, need_graph=True)
        outputs_were_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _vector(v, outputs, outputs_were_tuple, "vjp", create_graph, _V_NONE_FOR_OUTPUT)
    with _recording(create_graph):
        grads = _grad(outputs, inputs, v, create_graph)
        product = _zeros_for_missing(grads, inputs, strict, create_graph, "back")
    return (_finished(outputs, outputs_were_tuple, create_graph),
            _finished(product, inputs_were_tuple, create_graph))


def jvp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), J v)``: the Jacobian-vector product, shaped as the outputs.

    ``v`` is shaped as the inputs; it may be None when the input is one element. Computed by the
    double-backward trick (see the module docstring): J v = d <J^T u, v> / du."""
    with enable_grad():
        inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _fresh(inputs, create_graph, need_graph=True)
        v = _vector(v, inputs, inputs_were_tuple, "jvp", create_graph, _V_NONE_FOR_INPUT)
        outputs_were_tuple, outputs = _call(func, inputs, "jvp", strict)
        # J^T u is linear in u, so u's value is irrelevant: zeros, which cannot bring inf or nan
        u = tuple(minigrad.zeros_like(out, requires_grad=True) for out in outputs)
        transposed_product = _grad(outputs, inputs, u, create_graph=True)
        _check_requires_grad(transposed_product, "grad_inputs", strict)
    with _recording(create_graph):
        grads = _grad(transposed_product, u, v, create_graph)
        product = _zeros_for_missing(grads, outputs, strict, create_graph, "back_trick")
    return (_finished(outputs, outputs_were_tuple, create_graph),
            _finished(product, outputs_were_tuple, create_graph))


def _gradient_of_scalar(func: Callable, inputs, v, fn_name: str, create_graph: bool, strict: bool) -> tuple:
    """The common start of ``vhp`` and ``hvp``: (whether the inputs were a tuple, the fresh
    inputs, ``v`` checked against them, func's output as a 1-tuple, grad f recorded)."""
    inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _fresh(inputs, create_graph, need_graph=True)
    v = _vector(v, inputs, inputs_were_tuple, fn_name, create_graph, _V_NONE_FOR_INPUT)
    outputs = _call_scalar(func, inputs, fn_name, strict)
    gradient = _grad(outputs, inputs, None, create_graph=True)
    _check_requires_grad(gradient, "jacobian", strict)
    return inputs_were_tuple, inputs, v, outputs, gradient


def vhp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), v^T H)`` for a scalar ``func``: the gradient of <grad f, v>.

    ``v`` is shaped as the inputs; it may be None when the input is one element."""
    with enable_grad():
        inputs_were_tuple, inputs, v, outputs, gradient = _gradient_of_scalar(
            func, inputs, v, "vhp", create_graph, strict)
    with _recording(create_graph):
        grads = _grad(gradient, inputs, v, create_graph)
        product = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back")
    return _finished(outputs, False, create_graph), _finished(product, inputs_were_tuple, create_graph)


def hvp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), H v)`` for a scalar ``func``, by the double-backward trick on H^T u.

    ``v`` is shaped as the inputs; it may be None when the input is one element. Equals ``vhp``
    (which is faster) when f is twice continuously differentiable."""
    with enable_grad():
        inputs_were_tuple, inputs, v, outputs, gradient = _gradient_of_scalar(
            func, inputs, v, "hvp", create_graph, strict)
        u = tuple(minigrad.zeros_like(inp, requires_grad=True) for inp in inputs)
        transposed_product = _grad(gradient, inputs, u, create_graph=True)
    with _recording(create_graph):
        grads = _grad(transposed_product, u, v, create_graph)
        product = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back_trick")
    return _finished(outputs, False, create_graph), _finished(product, inputs_were_tuple, create_graph)


# ---- Jacobian and Hessian ----------------------------------------------------------------------

def _check_strategy(strategy: str, message: str) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(message)


def _refuse_forward_mode(inputs, create_graph: bool, strict: bool, vectorize: bool) -> None:
    """PyTorch's errors for the combinations it refuses too, then NotImplementedError."""
    if create_graph:
        raise NotImplementedError(
            "torch.autograd.functional.jacobian: `create_graph=True` and `strategy=\"forward-mode\"` are not "
            "supported together (yet). Please either set `create_graph=False` or `strategy=\"reverse-mode\"`.")
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `strategy=\"forward-mode\"` are not "
            "supported together (yet). Please either set `strict=False` or `strategy=\"reverse-mode\"`.")
    _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:  # PyTorch's message, missing space included
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                  "only implemented for `vectorize=True`.")
    raise NotImplementedError(
        "minigrad.autograd.functional: strategy=\"forward-mode\" (outer_jacobian_strategy for hessian) needs "
        "forward-mode AD and vmap, which minigrad does not have; the default \"reverse-mode\" computes the "
        "same result.")


def _refuse_vectorize(strict: bool) -> None:
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported "
            "together. Please either set `strict=False` or `vectorize=False`.")
    raise NotImplementedError(
        "minigrad.autograd.functional: vectorize=True batches the backward passes with vmap, which minigrad "
        "does not have; vectorize=False (the default) computes the same result with one backward pass per "
        "output element.")


def _jacobian_of_output(index: int, output, inputs: tuple, create_graph: bool, strict: bool) -> tuple:
    """d output / d input for each input, shaped ``output.shape + input.shape``: row k is the
    gradient of ``output.flatten()[k]``."""
    rows = tuple([] for _ in inputs)
    flat = output.reshape(-1)
    for k in range(output.nelement()):
        grads = _grad((flat[k],), inputs, None, create_graph, retain_graph=True)
        for j, (grad, inp) in enumerate(zip(grads, inputs)):
            if grad is None:
                if strict:
                    raise RuntimeError(f"Output {index} of the user-provided function is independent of input "
                                       f"{j}. This is not allowed in strict mode.")
                grad = minigrad.zeros_like(inp)
            elif strict and create_graph and not grad.requires_grad:
                # PyTorch names the output's index here, and so does minigrad, message for message
                raise RuntimeError(_CONSTANT_JACOBIAN.format(i=index))
            rows[j].append(grad)
    return tuple(minigrad.stack(rows_j, 0).view(output.shape + inp.shape) for rows_j, inp in zip(rows, inputs))


def jacobian(func: Callable, inputs: Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian J[i, j] = d output_i / d input_j of ``func`` at ``inputs``.

    One tensor of shape ``output.shape + input.shape`` per (output, input) pair: a Tensor for a
    single input and output, a tuple over whichever of the two is a tuple, a tuple (over
    outputs) of tuples (over inputs) when both are. ``vectorize=True`` and
    ``strategy="forward-mode"`` need vmap and forward-mode AD: NotImplementedError."""
    _check_strategy(strategy, 'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                              'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                              'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        _refuse_forward_mode(inputs, create_graph, strict, vectorize)
    with enable_grad():
        inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _fresh(inputs, create_graph, need_graph=True)
        outputs_were_tuple, outputs = _call(func, inputs, "jacobian", strict)
        if vectorize:
            _refuse_vectorize(strict)
        blocks = tuple(_jacobian_of_output(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
    return _unpacked_nested(_detached(blocks, create_graph), outputs_were_tuple, inputs_were_tuple)


def hessian(func: Callable, inputs: Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian H[i, j] = d^2 f / (d x_i d x_j) of a scalar ``func``: H = J(grad f).

    A Tensor of shape ``x.shape + x.shape`` for a single input; for a tuple of inputs, a tuple of
    tuples with ``H[a][b]`` of shape ``x_a.shape + x_b.shape``."""
    inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    _check_strategy(outer_jacobian_strategy, 'Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar(*xs):
        # 0-d, so that the gradient's jacobian below has shape x.shape, not (1,) + x.shape
        return _call_scalar(func, xs, "hessian", strict)[0].squeeze()

    def gradient(*xs):
        grads = jacobian(scalar, xs, create_graph=True)
        _check_requires_grad(grads, "jacobian", strict)
        return grads

    blocks = jacobian(gradient, inputs, create_graph, strict, vectorize, strategy=outer_jacobian_strategy)
    return _unpacked_nested(blocks, inputs_were_tuple, inputs_were_tuple)
