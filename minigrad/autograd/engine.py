"""The backward pass: walk the graph from the roots in topological order, without recursion.

1. Count, for every node reachable from the roots, how many edges point at it (its dependencies).
2. Kahn's algorithm: a node runs once all of its consumers have delivered their gradients, so
   each node's ``backward`` runs exactly once with the *sum* of its output gradients. An explicit
   stack replaces recursion, so a 100,000-op chain needs no recursion limit.
3. Each gradient is checked against the input it belongs to: a gradient of a broadcast operand
   is summed back to the operand's shape here (``sum_to``), so no Function has to do it, and its
   dtype is cast to the input's.
4. Unless ``retain_graph``, each node's saved values are freed right after it runs.
5. A node's gradient hooks (``node._hooks``, see ``hooks.py``) run on its summed output gradients
   before anything else uses them.
6. ``autograd.grad`` (``capture``) runs, as PyTorch, only the nodes through which a gradient flows
   to a captured slot; a captured node's hooks run, then its gradient is taken. Which nodes those
   are is decided before the loop starts.
7. ``create_graph=True`` records the backward pass itself. The loop does not change: the
   gradients it carries are then RecordingArrays (``recording_array.py``), numpy-like wrappers of
   tensors, instead of arrays, and grad mode is on. Every sum of gradients, every fit to an
   input's shape and every node's backward formula (the same numpy formula as always) then records
   nodes, so the gradients that come out have a graph of their own and can be differentiated
   again. Without it, nothing records and nothing is wrapped: the fast path is untouched.
"""
from __future__ import annotations

import sys

import numpy as np

from .. import _dtype
from . import anomaly_mode, hooks
from .function import _FREED_MESSAGE, AccumulateGrad, Edge, Function
from .grad_mode import set_grad_enabled
from .recording_array import RecordingArray, recording


def sum_to(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes along which an operand of ``shape`` was broadcast."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    summed = grad.sum(axis=axes, keepdims=True) if axes else grad
    return summed.reshape(shape)


def _checked(grad, node, index: int, edge: Edge) -> np.ndarray:
    """``grad`` summed to its input's shape (broadcast operands) and cast to its dtype, or an
    error when the shapes are incompatible."""
    dtype, shape = edge.dtype, edge.shape
    if grad.shape != shape:
        try:
            np.broadcast_shapes(shape, grad.shape)
        except ValueError:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - got "
                f"{list(grad.shape)} but expected shape compatible with {list(shape)}"
            ) from None
        grad = sum_to(np.broadcast_to(grad, np.broadcast_shapes(shape, grad.shape)), shape)
    return grad if grad.dtype == dtype else grad.astype(dtype)


def _dependencies(roots) -> dict:
    """id(node) -> number of edges pointing at it, over the nodes reachable from ``roots``."""
    counts = {id(r): 0 for r in roots}
    stack, seen = list(roots), {id(r) for r in roots}
    while stack:
        node = stack.pop()
        for edge in getattr(node, "_edges", ()):
            if edge is None:
                continue
            parent = edge.node
            counts[id(parent)] = counts.get(id(parent), 0) + 1
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return counts


def _needed(roots, captured: set) -> set:
    """ids of the nodes from which an edge path leads to a node in ``captured`` (ids): the nodes
    whose backward must run for ``autograd.grad``. An iterative post-order walk (the graph is a
    DAG, so a node's parents are finished before the node itself is decided)."""
    needed, visited = set(), set()
    stack = [(node, False) for node in roots]
    while stack:
        node, parents_done = stack.pop()
        parents = [e.node for e in getattr(node, "_edges", ()) if e is not None]
        if parents_done:
            if any(id(p) in captured or id(p) in needed for p in parents):
                needed.add(id(node))
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in parents if id(p) not in visited)
    return needed


def run_backward(roots: list, root_grads: list, retain_graph: bool, create_graph: bool = False,
                 capture: dict | None = None) -> None:
    """Propagate ``root_grads`` from ``roots`` ((node, output_nr) pairs) to the leaves.

    With ``capture`` (``{(id(node), output_nr): None}``), gradients reaching those slots are stored
    there instead of being accumulated into leaves' ``.grad`` (this is ``autograd.grad``).
    With ``create_graph`` the gradients are RecordingArrays: the same loop then records the graph
    of everything it computes (sums, fits to the inputs' shapes, each node's backward).
    """
    nodes = [node for node, _ in roots]
    dependencies = _dependencies(nodes)
    # Which nodes run: all of them for backward(); for grad(), only those through which a gradient
    # reaches a captured slot (their hooks run too, and so do the captured nodes' hooks).
    runs = hooked = None
    if capture is not None:
        captured = {node_id for node_id, _ in capture}
        runs = _needed(nodes, captured)
        hooked = runs | captured
    buffers: dict[int, list] = {}
    for (node, output_nr), grad in zip(roots, root_grads):
        _accumulate(buffers, node, output_nr, grad)
    ready = list({id(n): n for n in nodes if dependencies[id(n)] == 0}.values())
    given_to_leaves: set = set()
    # Backward formulas meet inf and nan silently, as in PyTorch (the derivative of log at 0).
    with set_grad_enabled(create_graph), np.errstate(all="ignore"):
        while ready:
            node = ready.pop()
            grads = buffers.pop(id(node), None)  # None: no gradient reached this node
            if node._hooks and (hooked is None or id(node) in hooked):
                grads = hooks.run_hooks(node._hooks, grads or [None] * _num_outputs(node), given_to_leaves)
                grads = grads if any([g is not None for g in grads]) else None
            if capture is not None and grads is not None:
                _capture(capture, node, grads)
            if isinstance(node, AccumulateGrad):
                if capture is None:
                    _accumulate_into_leaf(node, grads, given_to_leaves)
                continue
            input_grads = ()
            if grads is not None and (runs is None or id(node) in runs):
                input_grads = _run_node(node, grads, retain_graph, create_graph)
            _deliver(node, input_grads, buffers, dependencies, ready)


def _deliver(node: Function, input_grads: tuple, buffers: dict, dependencies: dict, ready: list) -> None:
    """Send each input gradient along its edge, fitted to the input's shape and dtype, and mark
    each parent ready once every one of its consumers has delivered (Kahn's algorithm)."""
    count = len(input_grads)
    for index, edge in enumerate(node._edges):
        if edge is None:
            continue
        grad = input_grads[index] if index < count else None
        if grad is not None:
            if grad.shape != edge.shape or grad.dtype != edge.dtype:
                grad = _checked(grad, node, index, edge)
            _accumulate(buffers, edge.node, edge.output_nr, grad)
        key = id(edge.node)
        dependencies[key] -= 1
        if dependencies[key] == 0:
            ready.append(edge.node)


def _accumulate(buffers: dict, node, output_nr: int, grad) -> None:
    """Add ``grad`` into ``node``'s gradient for output ``output_nr`` (a node's gradients are the
    sum over its consumers)."""
    buffer = buffers.get(id(node))
    if buffer is None:
        buffers[id(node)] = buffer = [None] * _num_outputs(node)
    buffer[output_nr] = grad if buffer[output_nr] is None else buffer[output_nr] + grad


def _capture(capture: dict, node, grads: list) -> None:
    for output_nr, grad in enumerate(grads):
        if (id(node), output_nr) in capture:
            capture[(id(node), output_nr)] = grad


def _accumulate_into_leaf(node: AccumulateGrad, grads: list | None, given_to_leaves: set) -> None:
    grad = None if grads is None else grads[0]
    if node._hooks:
        hooks.accumulate_into_leaf(node, grad)
    elif grad is not None:
        owned = isinstance(grad, np.ndarray) and _unshared(grad, given_to_leaves)
        node.variable._accumulate_grad(grad, owned=owned)


def _unshared(grad: np.ndarray, given_to_leaves: set) -> bool:
    """Whether a leaf may keep ``grad`` itself as its ``.grad`` instead of a copy.

    Backward functions never modify gradient arrays, so an array that owns its memory (not a view
    or a broadcast), has not been handed to another leaf in this pass and was not seen by a hook
    (whose caller may keep it; ``hooks.run_hooks`` adds those ids) belongs to no one else. So does
    a reshaped view of such an array that nothing else references (a kernel's result that its
    Function reshaped to the input's shape): PyTorch's AccumulateGrad likewise steals a gradient
    whose reference count says no one else holds it. Saves copying every parameter's (and leaf
    input's) gradient on every step.
    """
    if not grad.flags.writeable or id(grad) in given_to_leaves:
        return False
    if not (grad.flags.owndata or _is_sole_view(grad)):
        return False
    given_to_leaves.add(id(grad))
    return True


def _base_references(view: np.ndarray) -> int:
    base = view.base
    return sys.getrefcount(base)


def _is_sole_view(grad: np.ndarray) -> bool:
    """Whether ``grad`` is a C-contiguous view of a whole array that nothing but ``grad`` holds."""
    base = grad.base
    if not (type(base) is np.ndarray and base.flags.owndata and base.size == grad.size and grad.flags.c_contiguous):
        return False
    del base  # our own reference would be counted
    return _base_references(grad) == _SOLE_VIEW_REFERENCES


# What ``_base_references`` counts for a view whose base nothing else holds (the view's own
# reference plus the ones the call makes): measured once rather than assumed, as the count of
# the call's own references is an interpreter detail.
_SOLE_VIEW_REFERENCES = _base_references(np.empty(1).reshape(1))


def _num_outputs(node) -> int:
    return 1 if isinstance(node, AccumulateGrad) else node._num_outputs


def _run_node(node: Function, grads: list, retain_graph: bool, create_graph: bool) -> tuple:
    if node._freed:
        raise RuntimeError(_FREED_MESSAGE)
    for saved in node._saved_versions:
        if saved.counter.value != saved.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{_dtype.from_numpy_dtype(saved.dtype)} {list(saved.shape)}], which is "
                f"used by {node.name()}; is at version {saved.counter.value}; expected version "
                f"{saved.version} instead."
                + anomaly_mode.inplace_error_hint(node)
            )
    # A node with several outputs may get gradients for only some: the rest are zeros.
    if node._num_outputs > 1 and any([g is None for g in grads]) and node._materialize_grads:
        came = next(g for g in grads if g is not None)
        grads = [_zeros(out_shape, out_dtype, came) if g is None else g
                 for g, (out_shape, out_dtype) in zip(grads, node._output_meta)]
    backward = node._call_backward_recording if create_graph else node._call_backward
    if anomaly_mode.state.enabled:  # warns the forward trace on failure, refuses NaN gradients
        result = anomaly_mode.call_checked(node, backward, tuple(grads))
    else:
        result = backward(tuple(grads))
    if not retain_graph and node._saved:
        node._saved, node._freed = (), True
    return result


def _zeros(shape: tuple, dtype: np.dtype, came):
    """The gradient of an output that got none: zeros on the device of ``came``, a gradient that did
    (recorded under ``create_graph``, where gradients are RecordingArrays)."""
    if type(came) is RecordingArray:
        return recording(np.zeros_like(came.tensor._data, shape=shape, dtype=dtype))
    return np.zeros_like(came, shape=shape, dtype=dtype)
