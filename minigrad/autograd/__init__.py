"""Automatic differentiation: ``Function``, ``backward``, ``grad``, grad modes, anomaly mode and
``gradcheck``."""
from __future__ import annotations

import numpy as np

from . import anomaly_mode, hooks
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .engine import run_backward
from .function import AccumulateGrad, Function
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .gradcheck import gradcheck, gradgradcheck


def _as_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _root_gradients(outputs: list, grad_outputs: list) -> list:
    from .._tensor import Tensor

    grads = []
    for out, grad in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if grad is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            grads.append(np.ones(out.shape, out._data.dtype))
        else:
            grad = grad._data if isinstance(grad, Tensor) else np.asarray(grad)
            if grad.shape != out.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of {list(grad.shape)} and output[0] "
                    f"has a shape of {list(out.shape)}."
                )
            # A view, not a copy: backward functions never write into gradients, and a view does not
            # own its memory, so a leaf copies it before keeping it as .grad (engine._unshared).
            grads.append(grad.astype(out._data.dtype, copy=False).view())
    return grads


def _node_of(tensor):
    return (tensor.grad_fn, tensor._output_nr) if tensor.grad_fn is not None else (AccumulateGrad.for_leaf(tensor), 0)


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             inputs=None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    if create_graph:
        raise NotImplementedError("minigrad does not support higher-order gradients (create_graph=True)")
    outputs = _as_list(tensors)
    grads = _root_gradients(outputs, _as_list(grad_tensors) if grad_tensors is not None else [None] * len(outputs))
    roots = [_node_of(t) for t in outputs]
    if inputs is None:
        run_backward(roots, grads, bool(retain_graph))
        return
    targets = _as_list(inputs)
    for tensor in targets:
        if tensor.grad_fn is not None:
            tensor.retain_grad()  # as PyTorch: a non-leaf input's .grad comes from its retains_grad hook
    captured = run_backward_capture(roots, grads, bool(retain_graph), targets)
    for tensor, grad in zip(targets, captured):
        if tensor.grad_fn is None and grad is not None:
            hooks.accumulate_into_leaf(AccumulateGrad.for_leaf(tensor), grad)


def run_backward_capture(roots, grads, retain_graph: bool, targets: list) -> list:
    slots = [_node_of(t) for t in targets]
    capture = {(id(node), nr): None for node, nr in slots}
    keep_alive = [node for node, _ in slots]  # ids must stay valid while the pass runs
    run_backward(roots, grads, retain_graph, capture)
    del keep_alive
    return [capture[(id(node), nr)] for node, nr in slots]


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool | None = None, materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned instead of accumulated."""
    from .._tensor import Tensor

    if create_graph:
        raise NotImplementedError("minigrad does not support higher-order gradients (create_graph=True)")
    outs, targets = _as_list(outputs), _as_list(inputs)
    for t in targets:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_gradients(outs, _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outs))
    captured = run_backward_capture([_node_of(t) for t in outs], grads, bool(retain_graph), targets)
    result = []
    for tensor, g in zip(targets, captured):
        if g is None:
            if materialize_grads:
                g = np.zeros(tensor.shape, tensor._data.dtype)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        result.append(None if g is None else Tensor._from_storage(np.array(g), tensor.device))
    return tuple(result)


__all__ = ["Function", "backward", "grad", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "detect_anomaly", "set_detect_anomaly"]
