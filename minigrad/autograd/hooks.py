"""Tensor gradient hooks: ``Tensor.register_hook``, ``register_post_accumulate_grad_hook`` and
``retain_grad``, with PyTorch's semantics.

Where the hooks live (as in PyTorch, hooks belong to graph nodes, not to tensors):

* a non-leaf tensor's hooks to the node that made it, per output: ``grad_fn._hooks[output_nr]``.
  They run when the engine reaches that node, on the summed gradient of that output, before the
  node's ``backward``; a returned tensor replaces the gradient that flows on.
* a leaf's hooks to its ``AccumulateGrad`` node (``_hooks[0]``): they run on the incoming gradient
  before it is added into ``.grad``. The leaf holds that node strongly from then on, so the hooks
  outlive the graphs that use it (otherwise only graphs hold it).
* ``retain_grad()`` is the last hook of its output (PyTorch's "retains_grad hook"), so the retained
  ``.grad`` shows what the other hooks made of the gradient.

``node._hooks`` is None on a node without hooks: the engine pays one attribute check per node.
Hooks run in the backward pass's grad mode (on only under ``create_graph``) and receive gradients as Tensors (``None`` for an output of a
multi-output node that got no gradient, as in PyTorch).
"""
from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable

from .. import _tensor  # the module: _tensor imports this one
from .function import AccumulateGrad
from .grad_mode import no_grad
from .recording_array import RecordingArray


class GradHooks:
    """What runs on the gradient of one node output (one tensor): ``hooks`` (by handle id, in
    registration order), then the write into ``retained``'s ``.grad`` (non-leaf) or, after
    accumulation into ``.grad``, the ``post_accumulate`` hooks (leaf)."""

    __slots__ = ("hooks", "retained", "post_accumulate", "device")

    def __init__(self, device):
        self.hooks: OrderedDict = OrderedDict()  # an OrderedDict: handles hold it weakly
        self.retained = None  # weakref to the tensor that retains its grad
        self.post_accumulate: OrderedDict = OrderedDict()
        self.device = device


class _StrongRef:
    """Takes the place of a leaf's weak reference to its ``AccumulateGrad`` once hooks live there."""

    __slots__ = ("target",)

    def __init__(self, target):
        self.target = target

    def __call__(self):
        return self.target


def _entry(tensor) -> GradHooks:
    """The hooks of ``tensor``'s gradient, created on first use."""
    if tensor.grad_fn is not None:
        node, output_nr = tensor.grad_fn, tensor._output_nr
    else:
        node, output_nr = AccumulateGrad.for_leaf(tensor), 0
        tensor._accumulator = _StrongRef(node)
    if node._hooks is None:
        node._hooks = {}
    entry = node._hooks.get(output_nr)
    if entry is None:
        entry = node._hooks[output_nr] = GradHooks(tensor._device)
    return entry


def _check_requires_grad(tensor) -> None:
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")


def _handle_for(hooks: OrderedDict, hook: Callable):
    from ..utils.hooks import RemovableHandle  # lazily: minigrad.utils loads data, which needs the core

    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def register_hook(tensor, hook: Callable):
    """``Tensor.register_hook``: ``hook(grad) -> Tensor or None`` on every gradient computed for ``tensor``."""
    _check_requires_grad(tensor)
    return _handle_for(_entry(tensor).hooks, hook)


def register_post_accumulate_grad_hook(tensor, hook: Callable):
    """``Tensor.register_post_accumulate_grad_hook``: ``hook(tensor) -> None`` after each update of
    a leaf's ``.grad``."""
    _check_requires_grad(tensor)
    if tensor.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    return _handle_for(_entry(tensor).post_accumulate, hook)


def retain_grad(tensor) -> None:
    """Make the gradient of non-leaf ``tensor`` land in its ``.grad`` (after its hooks ran)."""
    _entry(tensor).retained = weakref.ref(tensor)


def move_retained(tensor, old_node, old_output_nr: int) -> None:
    """After an in-place op re-based ``tensor`` onto a new node, its ``.grad`` follows it (PyTorch
    moves the retains_grad hook); hooks registered before stay with the old value's node."""
    old = old_node._hooks[old_output_nr]
    if old.retained is not None and old.retained() is tensor:
        old.retained = None
    retain_grad(tensor)


def run_hooks(entries: dict, grads: list, seen: set) -> list:
    """Apply each output's hooks to its gradient (a storage array or None), then fill retained
    ``.grad`` s; returns the gradients to use from here on. The ids of the arrays the hooks saw or
    returned go into ``seen``: the caller may keep them, so no leaf may adopt them as its ``.grad``."""
    for output_nr, entry in entries.items():
        if entry.hooks:
            grads[output_nr] = _apply(entry, grads[output_nr], seen)
    for output_nr, entry in entries.items():
        tensor = entry.retained() if entry.retained is not None else None
        if tensor is not None and grads[output_nr] is not None:
            tensor._accumulate_grad(grads[output_nr])
    return grads


def _apply(entry: GradHooks, grad, seen: set):
    """The hooks run on ``grad``: an array, or under ``create_graph`` a RecordingArray, whose tensor
    the hooks see (and may extend the recorded graph of)."""
    recorded = isinstance(grad, RecordingArray)
    value = None if grad is None else grad.tensor if recorded else _tensor.Tensor._from_storage(grad, entry.device)
    for hook in list(entry.hooks.values()):  # a hook may remove hooks; this pass still runs them
        result = hook(value)
        if result is not None:
            value = checked_hook_result(hook_name(hook), value, result)
    if value is None:
        return None
    if recorded:
        return RecordingArray(value)
    seen.add(id(value._data))
    return value._data


def accumulate_into_leaf(accumulator: AccumulateGrad, grad) -> None:
    """Add ``grad`` (or nothing, for None) into the leaf's ``.grad`` as a copy (a hook may hold the
    array), then run the leaf's post-accumulate hooks, which PyTorch runs even for None."""
    tensor = accumulator.variable
    if grad is not None:
        tensor._accumulate_grad(grad)
    entry = accumulator._hooks.get(0) if accumulator._hooks else None
    if entry is None or not entry.post_accumulate:
        return
    with no_grad():
        for hook in list(entry.post_accumulate.values()):
            if hook(tensor) is not None:
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def checked_hook_result(name: str, value, result):
    """``result`` (not None) as the new gradient in place of ``value``, with PyTorch's errors when
    it cannot be one: it must be a Tensor of ``value``'s dtype and shape."""
    if value is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(result, _tensor.Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
    if result.dtype != value.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {value.type()} got {result.type()})")
    if result._data.shape != value._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return result


def hook_name(hook) -> str:
    name = getattr(hook, "__name__", None)
    return name if isinstance(name, str) else "<unknown>"
