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
   to a captured slot; a captured node's hooks run, then its gradient is taken.
"""
from __future__ import annotations

import sys

import numpy as np

from .. import _dtype
from . import hooks
from .function import _FREED_MESSAGE, AccumulateGrad, Function


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


def _checked(grad, node, index: int, edge) -> np.ndarray:
    """``grad`` summed to its input's shape (broadcast operands) and cast to its dtype, or an
    error when the shapes are incompatible."""
    _, _, dtype, shape = edge
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
            parent = edge[0]
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
        edges = [e for e in getattr(node, "_edges", ()) if e is not None]
        if parents_done:
            if any(id(e[0]) in captured or id(e[0]) in needed for e in edges):
                needed.add(id(node))
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((e[0], False) for e in edges if id(e[0]) not in visited)
    return needed


def _accumulate(buffer: list, index: int, grad) -> None:
    buffer[index] = grad if buffer[index] is None else buffer[index] + grad


@np.errstate(all="ignore")  # backward formulas meet inf and nan silently, as in PyTorch (d log(x) at 0)
def run_backward(roots: list, root_grads: list, retain_graph: bool, capture: dict | None = None) -> None:
    """Propagate ``root_grads`` (arrays) from ``roots`` ((node, output_nr) pairs) to the leaves.

    With ``capture`` (``{(id(node), output_nr): None}``), gradients reaching those slots are stored
    there instead of being accumulated into leaves' ``.grad`` (this is ``autograd.grad``).
    """
    nodes = [node for node, _ in roots]
    dependencies = _dependencies(nodes)
    buffers: dict[int, list] = {}
    for (node, nr), grad in zip(roots, root_grads):
        buffer = buffers.setdefault(id(node), [None] * _num_outputs(node))
        _accumulate(buffer, nr, grad)
    ready = list({id(n): n for n in nodes if dependencies[id(n)] == 0}.values())
    given_to_leaves: set = set()
    if capture is not None:
        captured = {key[0] for key in capture}
        needed = _needed(nodes, captured)
    while ready:
        node = ready.pop()
        # A node has a buffer only once a gradient (never None) was put in it.
        buffer = buffers.pop(id(node), None)
        grads = buffer or [None] * _num_outputs(node)
        node_hooks = node._hooks
        if node_hooks and (capture is None or id(node) in needed or id(node) in captured):
            grads = hooks.run_hooks(node_hooks, grads, given_to_leaves)
        if capture is not None:
            for nr, grad in enumerate(grads):
                if (id(node), nr) in capture:
                    capture[(id(node), nr)] = grad
        if isinstance(node, AccumulateGrad):
            if capture is None:
                if node_hooks:
                    hooks.accumulate_into_leaf(node, grads[0])
                elif grads[0] is not None:
                    node.variable._accumulate_grad(grads[0], owned=_unshared(grads[0], given_to_leaves))
            continue
        if node_hooks:  # a hook may have replaced every gradient by None
            runs = any([g is not None for g in grads])
        else:
            runs = buffer is not None
        if capture is not None:
            runs = runs and id(node) in needed
        input_grads = _run_node(node, grads, retain_graph) if runs else ()
        count = len(input_grads)
        for index, edge in enumerate(node._edges):
            if edge is None:
                continue
            parent, key = edge[0], id(edge[0])
            grad = input_grads[index] if index < count else None
            if grad is not None:
                if grad.shape != edge[3] or grad.dtype != edge[2]:
                    grad = _checked(grad, node, index, edge)
                parent_buffer = buffers.get(key)
                if parent_buffer is None:
                    buffers[key] = parent_buffer = [None] * _num_outputs(parent)
                _accumulate(parent_buffer, edge[1], grad)
            dependencies[key] -= 1
            if dependencies[key] == 0:
                ready.append(parent)


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


def _run_node(node: Function, grads: list, retain_graph: bool) -> tuple:
    if node._freed:
        raise RuntimeError(_FREED_MESSAGE)
    for counter, version, (shape, dtype) in node._saved_versions:
        if counter.value != version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{_dtype.from_numpy_dtype(dtype)} {list(shape)}], which is used by "
                f"{node.name()}; is at version {counter.value}; expected version {version} instead."
            )
    # A node with several outputs may get gradients for only some: the rest are zeros.
    if node._num_outputs > 1 and any([g is None for g in grads]) and node._materialize_grads:
        grads = [np.zeros(out_shape, out_dtype) if g is None else g
                 for g, (out_shape, out_dtype) in zip(grads, node._output_meta)]
    result = node._call_backward(tuple(grads))
    if not retain_graph and node._saved:
        node._saved, node._freed = (), True
    return result
