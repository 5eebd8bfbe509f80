"""Module backward hooks (``register_full_backward_hook`` / ``register_full_backward_pre_hook``), as
PyTorch's ``torch.utils.hooks.BackwardHook``.

A module call with backward hooks routes its tensor inputs, and then its tensor outputs, through
``BackwardHookFunction``, an identity autograd Function. Its graph node on the outputs is where
the gradients w.r.t. the outputs arrive (``grad_output``); its node on the inputs is where the
gradients w.r.t. the inputs leave the module (``grad_input``). Their ``backward`` run the hooks::

    outputs' node: grad_output -> pre-hooks(module, grad_output) -> flows into the module's graph
    inputs' node:  grad_input  -> hooks(module, grad_input, grad_output) -> flows on to the inputs

``grad_input`` / ``grad_output`` have one entry per positional argument / output: None for
non-tensors, for outputs that got no gradient, and when the hook returned None for it; a tensor
input that does not require grad gets zeros (PyTorch's materialized gradient of a
non-differentiable output). If no input requires grad, the hooks run at the outputs' node with
``grad_input`` all None and may not return gradients.

Corners that differ from PyTorch: a hook whose result has the wrong shape or dtype is named in the
error (PyTorch names its internal wrapper, ``'hook'``); an in-place change of a hooked module's
output raises minigrad's view + in-place error (same type, RuntimeError); and when a pre-hook
returns None for every ``grad_output``, no gradient enters the module, so the input node does not
run and the hooks are not called (PyTorch runs them with zero ``grad_input``).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable

from ..._tensor import Tensor
from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled
from ...autograd.hooks import checked_hook_result, hook_name


class BackwardHookFunction(Function):
    """Identity on tensors; the node it records runs ``ctx.on_backward(grads)`` in backward."""

    @staticmethod
    def forward(ctx, *tensors):
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        return ctx.on_backward(grads)


def _through_identity(values: tuple, on_backward: Callable, materialize_grads: bool):
    """``values`` with its tensors replaced by ``BackwardHookFunction`` outputs, and the positions of
    the tensors; ``(values, None)`` when no tensor requires grad or grad mode is off."""
    positions = [i for i, value in enumerate(values) if isinstance(value, Tensor)]
    tensors = [values[i] for i in positions]
    if not (any(t.requires_grad for t in tensors) and is_grad_enabled()):
        return values, None
    outputs = BackwardHookFunction.apply(*tensors)
    node = next(out.grad_fn for out in outputs if out.grad_fn is not None)
    node.on_backward = on_backward
    node.set_materialize_grads(materialize_grads)
    for tensor, out in zip(tensors, outputs):
        if not tensor.requires_grad:  # PyTorch marks these outputs non-differentiable
            out._grad_fn, out._output_nr, out.requires_grad_flag = None, 0, False
    replaced = list(values)
    for i, out in zip(positions, outputs):
        replaced[i] = out
    return (tuple(replaced) if type(values) is tuple else type(values)(*replaced)), positions


def _spread(positions: list, values, size: int) -> tuple:
    """``values`` placed at ``positions`` of a ``size``-tuple of None."""
    spread = [None] * size
    for i, value in zip(positions, values):
        spread[i] = value
    return tuple(spread)


def _checked(hook: Callable, incoming: tuple, result, positions: list) -> tuple:
    """A hook's ``result`` as the new gradients, its entries at the tensor ``positions`` checked
    against the ``incoming`` ones as PyTorch checks a node hook's result (other entries are dropped)."""
    result = tuple(result)
    for i in positions:
        new, old = result[i], incoming[i]
        if new is None or (old is None and isinstance(new, Tensor)):
            continue  # an output that got no gradient: the engine checks the new one's shape
        checked_hook_result(hook_name(hook), old, new)
    return result


def _chain(hooks: list, call: Callable, grads: tuple, positions: list, kind: str, what: str) -> tuple:
    """Feed ``grads`` through ``hooks`` in order (``call(hook, current)``); a result that is not None
    replaces them."""
    current = grads
    for hook in hooks:
        result = call(hook, current)
        if result is None:
            continue
        if len(result) != len(grads):
            raise RuntimeError(f"{kind} returned an invalid number of {what}, got {len(result)}, "
                               f"but expected {len(grads)}")
        current = _checked(hook, grads, result, positions)
    return current


class BackwardHook:
    """The backward hooks of one module call: set up in ``Module.__call__``, run by the two
    identity nodes. ``hooks`` and ``pre_hooks`` are the module's hooks at call time."""

    def __init__(self, module, hooks: list, pre_hooks: list):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs = None  # set by the outputs' node, used (and cleared) by the inputs' node
        self.n_inputs = self.n_outputs = 0
        self.input_positions = self.output_positions = None

    def setup_input_hook(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_positions = _through_identity(args, self._at_inputs, materialize_grads=True)
        return args

    def setup_output_hook(self, result):
        """``result`` (a tensor or a tuple) with its tensors routed through the outputs' node."""
        is_tuple = isinstance(result, tuple)
        outputs = result if is_tuple else (result,)
        self.n_outputs = len(outputs)
        outputs, self.output_positions = _through_identity(outputs, self._at_outputs, materialize_grads=False)
        return outputs if is_tuple else outputs[0]

    def _at_outputs(self, grads: tuple) -> tuple:
        """The outputs' node: run the pre-hooks; returns the gradients that flow into the module."""
        self.grad_outputs = _chain(self.pre_hooks, lambda hook, current: hook(self.module, current),
                                   _spread(self.output_positions, grads, self.n_outputs),
                                   self.output_positions, "Backward pre hook", "grad_output")
        flowing = tuple(self.grad_outputs[i] for i in self.output_positions)
        if self.input_positions is None:
            self._run_hooks_without_input_grads()
        return flowing

    def _run_hooks_without_input_grads(self) -> None:
        warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                      "outputs since no inputs require gradients. See "
                      "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook "
                      "for more details.", stacklevel=2)
        grad_inputs = (None,) * self.n_inputs
        for hook in self.hooks:
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is not None and not (isinstance(result, tuple) and all(r is None for r in result)):
                raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                   "always return None or None for all gradients.")
        self.grad_outputs = None

    def _at_inputs(self, grads: tuple) -> tuple:
        """The inputs' node: run the hooks; returns the gradients that flow on to the inputs."""
        if self.grad_outputs is None:  # the gradient reached the inputs without passing the outputs
            return grads
        grad_outputs, self.grad_outputs = self.grad_outputs, None
        grad_inputs = _chain(self.hooks, lambda hook, current: hook(self.module, current, grad_outputs),
                             _spread(self.input_positions, grads, self.n_inputs),
                             self.input_positions, "Backward hook", "grad_input")
        return tuple(grad_inputs[i] for i in self.input_positions)
