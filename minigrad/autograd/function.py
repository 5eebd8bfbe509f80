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

import functools
import weakref
from typing import NamedTuple

import numpy as np

from .. import _float_errors
from .. import _tensor  # the module, not the class: the two modules import each other
from .._cuda_backend import is_device_array
from .._device import CPU, CUDA, mixed_devices_error, no_cuda_kernel_error, storage_device
from . import anomaly_mode
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .recording_array import RecordingArray, recording


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


class Edge(NamedTuple):
    """Where the gradient of one forward argument goes: ``node``'s output ``output_nr`` (a Function,
    or the ``AccumulateGrad`` of a leaf), with the argument's numpy ``dtype`` and ``shape``, to
    which the engine fits the gradient."""

    node: object
    output_nr: int
    dtype: np.dtype
    shape: tuple


class SavedVersion(NamedTuple):
    """A saved value that is an input or output tensor's storage: its version ``counter``, the
    ``version`` it had when saved, its ``shape`` and numpy ``dtype`` (for the error message),
    ``index`` in the saved values and ``source``, the position of that tensor in
    (*forward arguments, *outputs)."""

    counter: object
    version: int
    shape: tuple
    dtype: np.dtype
    index: int
    source: int


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
        return tuple((None, 0) if e is None else (e.node, e.output_nr) for e in self._edges)

    def _output_written_into(self, output, tensor) -> None:
        """An in-place op wrote this node's ``output`` into ``tensor``'s storage: what the node
        saved of the output is now that storage, watched by ``tensor``'s version counter, as in
        PyTorch (where the output of ``exp_`` is the tensor itself, so changing it again before
        backward raises). Frees the output's own copy too."""
        if not self._saved_versions:
            return
        counter = tensor._version_counter
        self._saved = tuple(tensor._data if value is output._data else value for value in self._saved)
        self._saved_versions = tuple(
            saved._replace(counter=counter, version=counter.value) if saved.counter is output._version_counter
            else saved for saved in self._saved_versions)

    # ---- running ------------------------------------------------------------------------------
    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = object.__new__(cls)
        tensor_type = _tensor.Tensor
        # A view requires grad when its base does (a view made before its base required grad).
        needs = tuple([isinstance(a, tensor_type) and (
            a.requires_grad_flag or a._base is not None and a._base.requires_grad_flag) for a in args])
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
                    out._grad_fn, out._output_nr, out.requires_grad_flag = ctx, index, True
            ctx._saved_versions = _versions_of_saved(ctx._saved, args, outputs) if ctx._saved else ()
            if anomaly_mode.state.enabled:
                anomaly_mode.record_forward_trace(ctx)
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
        if any(value is a for a in args):  # an input returned as is: a view of it with its own identity
            alias = value.detach()
            alias._become_view_of(value)
            value = alias
        if value._base is not None:  # PyTorch forbids changing it in place: that would bypass this backward
            from .copy_slices import CUSTOM_FUNCTION

            value._view_creation = CUSTOM_FUNCTION
        return value

    def _call_backward(self, grads: tuple) -> tuple:
        """Engine entry: storage arrays in, storage arrays (or None) out, one per forward argument."""
        with no_grad():
            result = type(self).backward(self, *(None if g is None else _tensor.Tensor._from_storage(g) for g in grads))
        result = result if isinstance(result, tuple) else (result,)
        return tuple(r._data if isinstance(r, _tensor.Tensor) else r for r in result)

    def _call_backward_recording(self, grads: tuple) -> tuple:
        """Engine entry under ``create_graph``: RecordingArrays in and out. A Tensor-written
        backward simply runs with grad mode on, so its ops record as any ops do; what it saved
        are the tensors themselves, already in the graph."""
        with enable_grad():
            result = type(self).backward(self, *(None if g is None else g.tensor for g in grads))
        result = result if isinstance(result, tuple) else (result,)
        return tuple(recording(r) for r in result)


def once_differentiable(backward):
    """Decorate a custom Function's ``backward`` that cannot itself be differentiated (it leaves
    autograd, e.g. through numpy): it runs with grad mode off, and under ``create_graph`` its
    results get an ``Error`` node that raises if a second derivative reaches it, as in PyTorch."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            outputs = backward(ctx, *grads)
        graph_grads = [g for g in grads if isinstance(g, _tensor.Tensor) and g.requires_grad]
        if not (is_grad_enabled() and graph_grads):
            return outputs
        results = outputs if isinstance(outputs, tuple) else (outputs,)
        marked = tuple(_DelayedError.apply(r, *graph_grads) if isinstance(r, _tensor.Tensor) else r
                       for r in results)
        return marked if isinstance(outputs, tuple) else marked[0]

    return wrapper


class _DelayedError(Function):
    """Passes a value on; its backward raises: what ``once_differentiable`` puts on its results."""

    @staticmethod
    def forward(ctx, value, *grads):
        return value

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")

    def name(self) -> str:
        return "Error"


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
    #: True for ops whose forward and backward run on CUDA storage (their kernels exist in
    #: ``minigrad.kernels.cuda``). The others raise NotImplementedError on CUDA tensors: numpy
    #: would otherwise copy the device arrays to the host and compute there behind the user's back.
    runs_on_cuda: bool = False
    #: True for indexing ops, whose index arrays may stay on the host when the data is on the GPU
    #: (PyTorch indexes a CUDA tensor with a list or a CPU index tensor). Any other op given a host
    #: array beside CUDA tensors (a loss's CPU target, say) raises PyTorch's device error.
    takes_host_indices: bool = False

    def name(self) -> str:
        return self.backward_name or f"{type(self).__name__}Backward0"

    @classmethod
    def _call_forward(cls, ctx, args, kwargs):
        tensor_type, device, cpu_scalar, host_array, device_array = _tensor.Tensor, None, False, False, False
        arrays = [a._data if isinstance(a, tensor_type) else a for a in args]
        for a in args:
            if isinstance(a, tensor_type):
                if a._device.type == "cpu" and a._data.ndim == 0:  # PyTorch: a 0-d CPU tensor joins
                    cpu_scalar = True                             # any device's op as a scalar
                elif device is None:
                    device = a._device
                elif a._device.type != device.type:  # one CUDA device: the type tells devices apart
                    raise mixed_devices_error(device, a._device)
            elif type(a) is np.ndarray:  # the storage of a target, weight or index tensor
                host_array = host_array or a.ndim > 0
            elif is_device_array(a):
                device_array = True
        if device is None and cpu_scalar:
            device = CPU
        if device is not None and (host_array and not cls.takes_host_indices if device.type == "cuda"
                                   else device_array):
            raise mixed_devices_error(device, CPU if device.type == "cuda" else CUDA)
        cls._check_runs_on(device)
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
        if isinstance(raw, tuple):  # None: an output not asked for (see ConvolutionBackward)
            return tuple([None if r is None else _tensor.Tensor._from_storage(r, device) for r in raw])
        out = _tensor.Tensor._from_storage(raw, device)
        if cls.is_view and np.may_share_memory(raw, arrays[0]):
            out._become_view_of(args[0])
        return out

    #: True for ops that save arrays, other than their inputs and outputs, that the recorded
    #: backward may take as constants: values that do not depend on the inputs (dropout's mask, a
    #: loss's class weights), or caches of functions of the inputs that backward hands only to a
    #: backward op of its own whose derivative recomputes them from the inputs (the norms'
    #: statistics, cross-entropy's log-sum-exp). Under ``create_graph`` they enter the recorded
    #: backward as they are. For every other op such an array makes ``create_graph`` raise, since
    #: treating a function of the inputs as a constant would make the second derivative silently wrong.
    saves_constants: bool = False

    def _call_backward(self, grads: tuple) -> tuple:
        if self.computes_half_in_float32:
            grads = tuple(_widened(g) for g in grads)
        result = type(self).backward(self, *grads)
        return result if isinstance(result, tuple) else (result,)

    def _call_backward_recording(self, grads: tuple) -> tuple:
        """Engine entry under ``create_graph``: the same numpy formula as ``_call_backward``, given
        RecordingArrays for the gradients and for the saved inputs and outputs, so that it records
        its own graph (recording_array.py)."""
        ctx = _RecordingContext(self, self._recording_saved())
        with enable_grad():
            result = type(self).backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        return tuple(recording(r) for r in result)

    def _recording_saved(self) -> tuple:
        """The saved values as the recorded backward sees them: an input that requires grad as a
        tensor at its place in the graph (its edge), an output as this node's output, anything
        else as it is. Not-floating arrays (masks, indices) are constants of the derivative."""
        sources = {saved.index: saved.source for saved in self._saved_versions}
        values = []
        for index, value in enumerate(self._saved):
            source = sources.get(index)
            if source is not None and value.dtype.kind != "f":  # an index output or input: a constant
                values.append(value)
            elif source is None:
                if isinstance(value, np.ndarray) and value.dtype.kind == "f" and not self.saves_constants:
                    raise RuntimeError(
                        f"{self.name()} does not support create_graph=True: its backward reads a value "
                        "computed in forward, which the recorded graph would treat as a constant")
                values.append(value)
            elif source < len(self._edges):
                edge = self._edges[source]
                values.append(value if edge is None else RecordingArray(_input_tensor(edge, value)))
            else:
                values.append(RecordingArray(_output_tensor(self, source - len(self._edges), value)))
        return tuple(values)

    @classmethod
    def compute(cls, *args):
        """Run this op inside another op's backward: on arrays, ``forward`` runs directly (the fast
        path: no node, no tensors); when an argument is a RecordingArray (``create_graph``), the op
        is applied as a recorded node. This is how a backward that calls a kernel becomes
        differentiable: the kernel's call is an op of its own, with its own backward."""
        if any([type(a) is RecordingArray for a in args]):
            result = cls.apply(*[a.tensor if type(a) is RecordingArray else _constant(a) for a in args])
            return tuple(recording(r) for r in result) if isinstance(result, tuple) else recording(result)
        ctx = object.__new__(cls)
        ctx._saved, ctx.needs_input_grad = (), (False,) * len(args)
        ctx.device = storage_device(args)
        cls._check_runs_on(ctx.device)
        return cls.forward(ctx, *args)

    @classmethod
    def _check_runs_on(cls, device) -> None:
        """A clear error, before any kernel runs, for a CUDA tensor given to an op without CUDA kernels."""
        if device is not None and device.type == "cuda" and not cls.runs_on_cuda:
            raise no_cuda_kernel_error(cls.__name__)


class _RecordingContext:
    """The ``ctx`` an ArrayFunction's backward gets under ``create_graph``: the node's attributes,
    with its saved values as RecordingArrays. (A view rather than a change to the node, so other
    threads may run the node's plain backward meanwhile.)"""

    def __init__(self, node: ArrayFunction, saved: tuple):
        self._node, self.saved_tensors = node, saved

    def __getattr__(self, name: str):
        return getattr(self._node, name)


def _is_array(value) -> bool:
    """Storage of either device."""
    return isinstance(value, np.ndarray) or is_device_array(value)


def _is_half(value) -> bool:
    return _is_array(value) and value.dtype == np.float16


def _widened(value):
    """A float16 array as float32; anything else as it is."""
    return value.astype(np.float32) if _is_half(value) else value


def _narrowed(value):
    """A float32 kernel result back to float16; anything else (indices, ...) as it is."""
    return value.astype(np.float16) if _is_array(value) and value.dtype == np.float32 else value


_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


def _edge_to(tensor) -> Edge:
    """Where the gradient for ``tensor`` goes: the node that made it, or its leaf's accumulator."""
    # A view's ``grad_fn`` may need regenerating after an in-place change of its base (copy_slices.py).
    node = tensor._grad_fn if tensor._base is None else tensor.grad_fn
    if node is None:
        node = AccumulateGrad.for_leaf(tensor)
    return _new_tuple(Edge, (node, tensor._output_nr, tensor._data.dtype, tensor._data.shape))


# A named tuple built from a tuple in C: its generated ``__new__`` runs Python code, which costs
# more than the rest of an edge's bookkeeping on every recorded op.
_new_tuple = tuple.__new__


def _versions_of_saved(saved: tuple, args: tuple, outputs: tuple) -> tuple:
    """A SavedVersion for each saved value that is an input or output tensor or its storage.

    Backward compares the counters again: an in-place change in between would make the gradient
    silently wrong, so the engine raises instead, as PyTorch does. Only what the error message
    and ``create_graph`` need is kept, not the tensors themselves. A saved value is matched to the
    first input or output that is it, or whose storage it is (a handful of identity tests: no
    lookup table pays).
    """
    tensor_type = _tensor.Tensor
    tensors = [(source, t) for source, t in enumerate((*args, *outputs)) if isinstance(t, tensor_type)]
    versions = []
    for index, value in enumerate(saved):
        for source, t in tensors:
            if t is value or t._data is value:
                counter = t._version_counter
                versions.append(_new_tuple(SavedVersion, (counter, counter.value, t._data.shape, t._data.dtype,
                                                          index, source)))
                break
    return tuple(versions)


def _input_tensor(edge: Edge, storage):
    """A tensor standing for a forward argument at its place in the graph: the leaf itself, or a
    tensor with the argument's storage made by the same node output."""
    if isinstance(edge.node, AccumulateGrad):
        return edge.node.variable
    return _graph_tensor(storage, edge.node, edge.output_nr)


def _output_tensor(node: Function, output_nr: int, storage):
    """A tensor standing for ``node``'s output ``output_nr`` (a saved output is kept as its
    storage, not as the tensor, which would hold its own node in a reference cycle)."""
    return _graph_tensor(storage, node, output_nr)


def _graph_tensor(storage, node, output_nr: int):
    tensor = _tensor.Tensor._from_storage(storage)
    tensor._grad_fn, tensor._output_nr, tensor.requires_grad_flag = node, output_nr, True
    return tensor


def _constant(value):
    """An argument of ``compute`` as ``apply`` takes it: arrays become tensors outside the graph."""
    return _tensor.Tensor._from_storage(value) if isinstance(value, np.ndarray) or is_device_array(value) else value
