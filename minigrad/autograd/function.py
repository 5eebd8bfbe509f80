"""Graph nodes: ``Function`` (PyTorch's public API over tensors) and ``ArrayFunction`` (ours, over arrays).

Calling ``SomeFunction.apply(*args)`` runs ``forward`` with recording off and, when grad mode is on
and an input requires grad, makes the instance (the ``ctx``) a node of the graph: every output
tensor gets ``grad_fn = ctx``, and ``ctx`` keeps one *edge* per argument — the node that produced
that input (a Function, or an ``AccumulateGrad`` for a leaf) — never the input tensors themselves,
so intermediate activations die as soon as nothing else holds them. What backward needs is kept
with ``ctx.save_for_backward`` and freed by the engine after it is used (see ``engine.py``).

``Function`` subclasses (user code, exactly as in PyTorch) receive and return Tensors.
``ArrayFunction`` subclasses (every built-in op) receive and return raw storage arrays, so their
forward and backward read as plain numpy math or a kernel call.
"""
from __future__ import annotations

import weakref

import numpy as np

from .. import _float_errors
from .. import _tensor  # the module, not the class: the two modules import each other
from .grad_mode import is_grad_enabled, no_grad


class AccumulateGrad:
    """The sink node of a leaf tensor: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("variable", "_hooks", "__weakref__")

    def __init__(self, variable):
        self.variable = variable
        self._hooks = None  # the leaf's gradient hooks (see hooks.py)

    def name(self) -> str:
        return "AccumulateGrad"

    @staticmethod
    def for_leaf(tensor) -> "AccumulateGrad":
        """One accumulator per leaf, held weakly by the leaf and strongly by the graph's edges."""
        accumulator = tensor._accumulator() if tensor._accumulator is not None else None
        if accumulator is None:
            accumulator = AccumulateGrad(tensor)
            tensor._accumulator = weakref.ref(accumulator)
        return accumulator


class Function:
    """Base class of differentiable operations; subclass it and define two static methods.

    ``forward(ctx, *args)`` computes the outputs; ``backward(ctx, *grad_outputs)`` returns one
    gradient per forward argument (``None`` for non-tensor or non-differentiable ones)::

        class Exp(minigrad.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad):
                (y,) = ctx.saved_tensors
                return grad * y

        y = Exp.apply(x)
    """

    # Bookkeeping lives in slots; whatever forward stores as attributes goes in ``__dict__``.
    __slots__ = ("needs_input_grad", "_edges", "_num_outputs", "_saved", "_saved_versions",
                 "_output_meta", "_hooks", "_freed", "__dict__", "__weakref__")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    # ---- the ctx API used inside forward/backward -------------------------------------------
    def save_for_backward(self, *values) -> None:
        """Keep tensors (or, in ArrayFunction, arrays) for backward; freed after backward runs."""
        self._saved = values

    #: Whether the engine passes zeros (True) or None (False) to ``backward`` for outputs that got
    #: no gradient; set per node with ``ctx.set_materialize_grads``.
    _materialize_grads = True

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` receives None instead of zeros for outputs that got no gradient."""
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED_MESSAGE)
        return self._saved

    def name(self) -> str:
        return f"{type(self).__name__}Backward"

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def next_functions(self) -> tuple:
        """((node, output_nr), ...) per forward argument, as PyTorch's ``grad_fn.next_functions``."""
        return tuple((None, 0) if e is None else (e[0], e[1]) for e in self._edges)

    # ---- running ------------------------------------------------------------------------------
    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = object.__new__(cls)
        tensor_type = _tensor.Tensor
        needs = tuple([isinstance(a, tensor_type) and a.requires_grad_flag for a in args])
        ctx.needs_input_grad = needs
        ctx._saved, ctx._hooks, ctx._freed = (), None, False
        raw = cls._call_forward(ctx, args, kwargs)
        if True in needs and is_grad_enabled():
            outputs = raw if isinstance(raw, tuple) else (raw,)
            ctx._num_outputs = len(outputs)
            # Only a node with several outputs can run with some of their gradients missing; the
            # engine then passes zeros of these shapes and dtypes (see engine._run_node).
            ctx._output_meta = () if len(outputs) == 1 else tuple(
                [(o._data.shape, o._data.dtype) if isinstance(o, tensor_type) else ((), np.float32) for o in outputs])
            ctx._edges = tuple([_edge_to(a) if need else None for a, need in zip(args, needs)])
            for index, out in enumerate(outputs):
                if isinstance(out, tensor_type) and out._data.dtype.kind == "f":
                    out.grad_fn, out._output_nr, out.requires_grad_flag = ctx, index, True
            ctx._saved_versions = _versions_of_saved(ctx._saved, args, outputs) if ctx._saved else ()
        else:
            ctx._saved = ()  # nothing will run backward: drop what forward saved at once
        return raw

    @classmethod
    def _call_forward(cls, ctx, args, kwargs):
        """Run the user's forward with recording off; an input returned as is gets a new identity."""
        with no_grad():
            raw = cls.forward(ctx, *args, **kwargs)
        if isinstance(raw, tuple):
            return tuple(cls._as_output(r, args) for r in raw)
        return cls._as_output(raw, args)

    @staticmethod
    def _as_output(value, args):
        if not isinstance(value, _tensor.Tensor):
            return value
        if any(value is a for a in args):  # an input returned as is: give the output its own identity
            return value.detach()
        return value

    def _call_backward(self, grads: tuple) -> tuple:
        """Engine entry: storage arrays in, storage arrays (or None) out, one per forward argument."""
        with no_grad():
            result = type(self).backward(self, *(None if g is None else _tensor.Tensor._from_storage(g) for g in grads))
        result = result if isinstance(result, tuple) else (result,)
        return tuple(r._data if isinstance(r, _tensor.Tensor) else r for r in result)


class ArrayFunction(Function):
    """A Function whose forward and backward work on storage arrays (numpy on the CPU).

    Tensor arguments arrive as their arrays; every other argument arrives unchanged. The output
    (an array, or a tuple of arrays) is wrapped into tensors on the inputs' device. ``ctx.device``
    tells which kernels to use.
    """

    __slots__ = ()

    #: PyTorch's name for the backward node, shown in reprs as ``grad_fn=<AddBackward0>``.
    backward_name: str | None = None
    #: True for ops whose output may share the first input's storage (view, transpose, basic
    #: indexing). Such an output shares the input's version counter, so in-place changes through
    #: either are seen by the saved-value check.
    is_view: bool = False
    #: True for ops whose Numba kernels have no half type: float16 arrays are widened to float32
    #: for forward and backward and the outputs narrowed back to float16 (PyTorch's CPU kernels
    #: also compute half in float32; the engine casts the gradients to each input's dtype).
    computes_half_in_float32: bool = False

    def name(self) -> str:
        return self.backward_name or f"{type(self).__name__}Backward0"

    @classmethod
    def _call_forward(cls, ctx, args, kwargs):
        tensor_type, device = _tensor.Tensor, None
        arrays = [a._data if isinstance(a, tensor_type) else a for a in args]
        for a in args:
            if isinstance(a, tensor_type):
                device = a._device
                break
        ctx.device = device
        half = cls.computes_half_in_float32 and any([_is_half(a) for a in arrays])
        if half:
            arrays = [_widened(a) for a in arrays]
        silenced = _float_errors.ignore()  # inf and nan arise silently, as in PyTorch (log(0), 0 / 0)
        try:
            raw = cls.forward(ctx, *arrays, **kwargs)
        finally:
            _float_errors.restore(silenced)
        if half:
            raw = tuple(_narrowed(r) for r in raw) if isinstance(raw, tuple) else _narrowed(raw)
        if isinstance(raw, tuple):
            return tuple([_tensor.Tensor._from_storage(r, device) for r in raw])
        out = _tensor.Tensor._from_storage(raw, device)
        if cls.is_view and np.may_share_memory(raw, arrays[0]):
            out._become_view_of(args[0])
        return out

    def _call_backward(self, grads: tuple) -> tuple:
        if self.computes_half_in_float32:
            grads = tuple(_widened(g) for g in grads)
        result = type(self).backward(self, *grads)
        return result if isinstance(result, tuple) else (result,)


def _is_half(value) -> bool:
    return isinstance(value, np.ndarray) and value.dtype == np.float16


def _widened(value):
    """A float16 array as float32; anything else as it is."""
    return value.astype(np.float32) if _is_half(value) else value


def _narrowed(value):
    """A float32 kernel result back to float16; anything else (indices, ...) as it is."""
    return value.astype(np.float16) if isinstance(value, np.ndarray) and value.dtype == np.float32 else value


_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


def _edge_to(tensor) -> tuple:
    """(node, output_nr, dtype, shape): where the gradient for ``tensor`` goes, and its expected
    numpy dtype and shape."""
    node = tensor.grad_fn if tensor.grad_fn is not None else AccumulateGrad.for_leaf(tensor)
    return (node, tensor._output_nr, tensor._data.dtype, tensor._data.shape)


def _versions_of_saved(saved: tuple, args: tuple, outputs: tuple) -> tuple:
    """(version counter, its value now, (shape, numpy dtype)) of each input/output tensor whose
    storage was saved.

    Backward compares the counters again: an in-place change in between would make the gradient
    silently wrong, so the engine raises instead, as PyTorch does. Only what the error message
    needs is kept, not the tensors themselves. A saved value is matched to the first input or
    output that is it, or whose storage it is (a handful of identity tests: no lookup table pays).
    """
    tensor_type = _tensor.Tensor
    tensors = [t for t in (*args, *outputs) if isinstance(t, tensor_type)]
    versions = []
    for value in saved:
        for t in tensors:
            if t is value or t._data is value:
                counter = t._version_counter
                versions.append((counter, counter.value, (t._data.shape, t._data.dtype)))
                break
    return tuple(versions)
