"""Automatic differentiation: ``Function``, ``backward``, ``grad``, grad modes, anomaly mode,
``gradcheck`` and the ``functional`` API (jacobian, hessian, vjp, jvp, hvp, vhp)."""
from __future__ import annotations

import numpy as np

from . import anomaly_mode, functional, hooks
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .engine import run_backward
from .function import AccumulateGrad, Function
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .gradcheck import gradcheck, gradgradcheck
from .recording_array import RecordingArray, recording


def _as_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _root_gradients(outputs: list, grad_outputs: list, create_graph: bool) -> list:
    """The gradients the backward pass starts from: arrays, or under ``create_graph``
    RecordingArrays (of the given tensors themselves, which may require grad)."""
    from .._tensor import Tensor

    grads = []
    for out, grad in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if grad is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            grads.append(np.ones_like(out._data))  # on the output's device
        elif create_graph and isinstance(grad, Tensor):
            _check_root_shape(grad, out)
            grads.append(RecordingArray(grad.to(out.dtype)))
            continue
        else:
            grad = grad._data if isinstance(grad, Tensor) else np.asarray(grad)
            _check_root_shape(grad, out)
            # A view, not a copy: backward functions never write into gradients, and a view does not
            # own its memory, so a leaf copies it before keeping it as .grad (engine._unshared).
            grads.append(grad.astype(out._data.dtype, copy=False).view())
    return [recording(g) for g in grads] if create_graph else grads


def _check_root_shape(grad, out) -> None:
    if tuple(grad.shape) != tuple(out.shape):
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of {list(grad.shape)} and output[0] "
            f"has a shape of {list(out.shape)}."
        )


def _node_of(tensor):
    return (tensor.grad_fn, tensor._output_nr) if tensor.grad_fn is not None else (AccumulateGrad.for_leaf(tensor), 0)


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             inputs=None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``).

    ``create_graph=True`` records the backward pass too, so the ``.grad`` s it leaves have a
    ``grad_fn`` and can be differentiated again; ``retain_graph`` then defaults to True."""
    retain_graph = create_graph if retain_graph is None else retain_graph
    outputs = _as_list(tensors)
    given = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(outputs)
    grads = _root_gradients(outputs, given, create_graph)
    roots = [_node_of(t) for t in outputs]
    if inputs is None:
        run_backward(roots, grads, retain_graph, create_graph)
        return
    targets = _as_list(inputs)
    for tensor in targets:
        if tensor.grad_fn is not None:
            tensor.retain_grad()  # as PyTorch: a non-leaf input's .grad comes from its retains_grad hook
    captured = run_backward_capture(roots, grads, retain_graph, create_graph, targets)
    for tensor, grad in zip(targets, captured):
        if tensor.grad_fn is None and grad is not None:
            hooks.accumulate_into_leaf(AccumulateGrad.for_leaf(tensor), grad)


def run_backward_capture(roots, grads, retain_graph: bool, create_graph: bool, targets: list) -> list:
    slots = [_node_of(t) for t in targets]
    capture = {(id(node), nr): None for node, nr in slots}
    keep_alive = [node for node, _ in slots]  # ids must stay valid while the pass runs
    run_backward(roots, grads, retain_graph, create_graph, capture)
    del keep_alive
    return [capture[(id(node), nr)] for node, nr in slots]


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool | None = None, materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned instead of accumulated.

    ``create_graph=True`` records the backward pass: the returned gradients have a ``grad_fn``
    and can be differentiated again (``retain_graph`` then defaults to True)."""
    from .._tensor import Tensor

    retain_graph = create_graph if retain_graph is None else retain_graph
    outs, targets = _as_list(outputs), _as_list(inputs)
    for t in targets:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    given = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outs)
    grads = _root_gradients(outs, given, create_graph)
    captured = run_backward_capture([_node_of(t) for t in outs], grads, retain_graph, create_graph, targets)
    result = []
    for tensor, g in zip(targets, captured):
        if type(g) is RecordingArray:
            result.append(g.tensor)
            continue
        if g is None:
            if materialize_grads:
                g = np.zeros_like(tensor._data)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        result.append(None if g is None else Tensor._from_storage(g.copy(), tensor.device))
    return tuple(result)


__all__ = ["Function", "backward", "grad", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "detect_anomaly", "set_detect_anomaly"]
