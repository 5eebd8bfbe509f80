"""Recording arrays: how one backward formula also builds the graph of the backward pass.

Every built-in op writes its backward once, as numpy on storage arrays::

    class Sin(ArrayFunction):
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * np.cos(x)

``create_graph=True`` asks for the graph of that backward too, so that it can be differentiated
again. Rather than keep a second, Tensor-written copy of every formula, the engine then hands the
formula ``RecordingArray`` s in place of arrays: the gradient, and the saved inputs and outputs
(reconnected to their places in the graph, see ``Function._recording_saved``). A recording array
wraps a Tensor and behaves like a numpy array. numpy passes every call that involves one to it
(numpy's ``__array_ufunc__`` / ``__array_function__`` protocols, NEPs 13 and 18), and it answers by
running the matching minigrad op on the wrapped tensors, which records a node as any op does. So
``grad * np.cos(x)`` computes numbers in a plain backward and records ``CosBackward0`` and
``MulBackward0`` under ``create_graph``. HIPS autograd and JAX trace numpy code the same way.

What a recording array will not do, so that a graph is never cut silently:

* turn into a plain ndarray (``np.asarray(r)``, or ``plain_array[i] = r``): TypeError;
* run a numpy function missing from the tables below: NotImplementedError naming it.

Comparisons give plain boolean arrays (masks are constants of the derivative). Writes into a
recording array (``r[i] = v``, ``np.add.at(r, i, v)``, ``np.put_along_axis``) replace its tensor by
the out-of-place result. A numba kernel cannot take one; a backward that calls a kernel calls it
through ``ArrayFunction.compute`` (function.py), which records the kernel's own Function.
"""
from __future__ import annotations

import numpy as np

from .. import _tensor
from .._cuda_backend import is_device_array
from .._device import as_array


class RecordingArray:
    """A numpy-like array whose arithmetic is recorded into the autograd graph (see the module
    docstring). ``tensor`` is the Tensor it stands for."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor

    def __repr__(self) -> str:
        return f"RecordingArray({self.tensor!r})"

    # ---- what numpy code reads --------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.tensor._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.tensor._data.dtype

    @property
    def ndim(self) -> int:
        return self.tensor._data.ndim

    @property
    def size(self) -> int:
        return self.tensor._data.size

    @property
    def T(self) -> "RecordingArray":  # noqa: N802  (numpy's name)
        return self.transpose()

    def __len__(self) -> int:
        return len(self.tensor)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "a recorded gradient cannot become a numpy array (that would cut the graph that "
            "create_graph=True records); write the backward with numpy functions applied to it"
        )

    # ---- numpy's dispatch protocols ---------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "at" and ufunc is np.add:  # np.add.at(target, index, values)
            target, index, values = inputs
            target.tensor = _index_add(target.tensor, index, values)
            return None
        if method == "accumulate" and ufunc is np.logaddexp:  # a running log-sum-exp
            import minigrad as mg

            return recording(mg.logcumsumexp(as_tensor(inputs[0]), kwargs.get("axis", 0)))
        if method != "__call__" or "out" in kwargs:
            raise NotImplementedError(f"create_graph: numpy.{ufunc.__name__}.{method} is not recorded")
        dtype = kwargs.pop("dtype", None)
        if ufunc in _CONSTANT_UFUNCS:  # comparisons, sign, ...: their derivative is zero
            return ufunc(*[_values(x) for x in inputs], **kwargs)
        op = _ufuncs().get(ufunc)
        if op is None or kwargs:
            raise NotImplementedError(f"create_graph: numpy.{ufunc.__name__} is not recorded")
        result = op(*[as_tensor(x) for x in inputs])
        return recording(result if dtype is None else result.to(_dtype_of(dtype)))

    def __array_function__(self, func, types, args, kwargs):
        handler = _functions().get(func)
        if handler is None:
            raise NotImplementedError(f"create_graph: numpy.{func.__name__} is not recorded")
        return handler(*args, **kwargs)

    # ---- operators (each a ufunc call, answered above) --------------------------------------
    def __add__(self, other): return np.add(self, other)
    def __radd__(self, other): return np.add(other, self)
    def __sub__(self, other): return np.subtract(self, other)
    def __rsub__(self, other): return np.subtract(other, self)
    def __mul__(self, other): return np.multiply(self, other)
    def __rmul__(self, other): return np.multiply(other, self)
    def __truediv__(self, other): return np.divide(self, other)
    def __rtruediv__(self, other): return np.divide(other, self)
    def __pow__(self, other): return np.power(self, other)
    def __rpow__(self, other): return np.power(other, self)
    def __matmul__(self, other): return np.matmul(self, other)
    def __rmatmul__(self, other): return np.matmul(other, self)
    def __neg__(self): return np.negative(self)
    def __gt__(self, other): return np.greater(self, other)
    def __ge__(self, other): return np.greater_equal(self, other)
    def __lt__(self, other): return np.less(self, other)
    def __le__(self, other): return np.less_equal(self, other)
    def __eq__(self, other): return np.equal(self, other)
    def __ne__(self, other): return np.not_equal(self, other)
    __hash__ = None

    def __getitem__(self, index) -> "RecordingArray":
        return recording(self.tensor[_tensor_index(index)])

    def __setitem__(self, index, value) -> None:
        from ..functions.indexing import index_put

        self.tensor = index_put(self.tensor, _tensor_index(index), as_tensor(value))

    # ---- ndarray methods, with numpy's signatures -------------------------------------------
    def reshape(self, *shape) -> "RecordingArray":
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return recording(self.tensor.reshape(*shape))

    def transpose(self, *axes) -> "RecordingArray":
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        return recording(self.tensor.permute(*(axes or reversed(range(self.ndim)))))

    def swapaxes(self, axis1: int, axis2: int) -> "RecordingArray":
        return recording(self.tensor.transpose(axis1, axis2))

    def sum(self, axis=None, dtype=None, keepdims: bool = False) -> "RecordingArray":
        dims = tuple(range(self.ndim)) if axis is None else axis
        summed = self.tensor.sum(dims, keepdim=keepdims) if self.ndim else self.tensor
        return recording(summed if dtype is None else summed.to(_dtype_of(dtype)))

    def mean(self, axis=None, keepdims: bool = False) -> "RecordingArray":
        dims = tuple(range(self.ndim)) if axis is None else axis
        return recording(self.tensor.mean(dims, keepdim=keepdims) if self.ndim else self.tensor)

    def squeeze(self, axis=None) -> "RecordingArray":
        return recording(self.tensor.squeeze() if axis is None else self.tensor.squeeze(axis))

    def astype(self, dtype, copy: bool = True) -> "RecordingArray":
        return recording(self.tensor.to(_dtype_of(dtype)))

    def copy(self) -> "RecordingArray":
        return recording(self.tensor.clone())


def recording(value):
    """A Tensor as a RecordingArray; a plain array as a constant one; anything else as it is."""
    if isinstance(value, _tensor.Tensor):
        return RecordingArray(value)
    if isinstance(value, np.ndarray) or is_device_array(value):
        return RecordingArray(_tensor.Tensor._from_storage(value))
    return value


def as_tensor(value):
    """The Tensor a RecordingArray stands for; an array as a constant tensor; a number as it is."""
    if type(value) is RecordingArray:
        return value.tensor
    if isinstance(value, (np.ndarray, np.generic)) or is_device_array(value):
        return _tensor.Tensor._from_storage(as_array(value))
    return value


def _values(value):
    """The numbers of a recording array (for constants such as masks), else ``value``."""
    return value.tensor._data if type(value) is RecordingArray else value


def _dtype_of(numpy_dtype):
    from .. import _dtype

    return _dtype.from_numpy_dtype(np.dtype(numpy_dtype))


def _tensor_index(index):
    """An index with its recording arrays as tensors (integer index arrays are constants)."""
    if isinstance(index, tuple):
        return tuple(_values(part) for part in index)
    return _values(index)


def _index_add(target, index, values):
    from ..functions.indexing import index_put

    return index_put(target, _tensor_index(index), as_tensor(values), accumulate=True)


# numpy ufuncs whose result is piecewise constant: computed on the numbers, never recorded.
_CONSTANT_UFUNCS = frozenset([
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal, np.logical_and,
    np.logical_or, np.logical_not, np.logical_xor, np.sign, np.isnan, np.isinf, np.isfinite,
    np.floor, np.ceil, np.trunc, np.rint,
])

# numpy ufunc name -> minigrad's function of the same math.
_SAME_MATH = {
    "log1p": "log1p", "expm1": "expm1", "log2": "log2", "log10": "log10", "exp2": "exp2", "tan": "tan",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh",
    "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2", "hypot": "hypot",
    "logaddexp": "logaddexp", "logaddexp2": "logaddexp2",
}

_UFUNC_TABLE: dict | None = None
_FUNCTION_TABLE: dict | None = None


def _ufuncs() -> dict:
    """numpy ufunc -> the minigrad op that records it (built on first use: the ops import autograd)."""
    global _UFUNC_TABLE
    if _UFUNC_TABLE is None:
        import minigrad as mg

        _UFUNC_TABLE = {
            np.add: mg.add, np.subtract: mg.sub, np.multiply: mg.mul, np.divide: mg.div,
            np.negative: mg.neg, np.power: mg.pow, np.matmul: mg.matmul, np.exp: mg.exp,
            np.log: mg.log, np.sqrt: mg.sqrt, np.square: mg.square, np.abs: mg.abs,
            np.sin: mg.sin, np.cos: mg.cos, np.tanh: mg.tanh, np.maximum: _of_tensors(mg.maximum),
            np.minimum: _of_tensors(mg.minimum), np.reciprocal: mg.reciprocal, np.positive: lambda x: x,
        }
        for numpy_name, name in _SAME_MATH.items():
            _UFUNC_TABLE[getattr(np, numpy_name)] = getattr(mg, name)
    return _UFUNC_TABLE


def _of_tensors(binary):
    """``binary(a, b)`` for an op that takes two tensors (``maximum``): a number becomes a 0-d
    tensor of the other operand's dtype, as numpy treats it."""
    def op(a, b):
        if not isinstance(a, _tensor.Tensor):
            a = _tensor.Tensor._from_storage(np.asarray(a, b._data.dtype))
        if not isinstance(b, _tensor.Tensor):
            b = _tensor.Tensor._from_storage(np.asarray(b, a._data.dtype))
        return binary(a, b)
    return op


def _functions() -> dict:
    """numpy function -> a handler with numpy's signature that records it with minigrad ops."""
    global _FUNCTION_TABLE
    if _FUNCTION_TABLE is None:
        import minigrad as mg

        def where(condition, x, y):
            return recording(mg.where(as_tensor(_values(condition)).bool(), as_tensor(x), as_tensor(y)))

        def broadcast_to(array, shape, subok=False):
            return recording(as_tensor(array).expand(*shape))

        def expand_dims(array, axis):
            tensor = as_tensor(array)
            for a in sorted(a % (tensor.ndim + len(_tuple(axis))) for a in _tuple(axis)):
                tensor = tensor.unsqueeze(a)
            return recording(tensor)

        def concatenate(arrays, axis=0):
            return recording(mg.cat([as_tensor(a) for a in arrays], axis))

        def split(array, indices_or_sections, axis=0):
            tensor, bounds = as_tensor(array), list(indices_or_sections)
            sizes = [b - a for a, b in zip([0] + bounds, bounds + [tensor.shape[axis]])]
            return [recording(part) for part in mg.split(tensor, sizes, axis)]

        def constant_like(fill):
            def like(array, dtype=None, shape=None):
                return recording(np.full_like(_values(array), fill, dtype, shape=shape))  # on its device
            return like

        def take(array, indices, axis=None):
            tensor = as_tensor(array) if axis is not None else as_tensor(array).reshape(-1)
            axis, index = axis or 0, np.asarray(_values(indices))
            picked = mg.index_select(tensor, axis, as_tensor(index.reshape(-1)))
            return recording(picked.reshape(*tensor.shape[:axis], *index.shape, *tensor.shape[axis + 1:]))

        def einsum(equation, *operands, optimize=False):
            return recording(mg.einsum(equation, *[as_tensor(a) for a in operands]))

        _FUNCTION_TABLE = {
            np.where: where, np.broadcast_to: broadcast_to, np.expand_dims: expand_dims,
            np.concatenate: concatenate, np.split: split, np.einsum: einsum,
            np.zeros_like: constant_like(0), np.ones_like: constant_like(1),
            np.stack: lambda arrays, axis=0: recording(mg.stack([as_tensor(a) for a in arrays], axis)),
            np.cumsum: lambda a, axis=None, dtype=None: recording(mg.cumsum(as_tensor(a), axis)),
            np.cumprod: lambda a, axis=None, dtype=None: recording(mg.cumprod(as_tensor(a), axis)),
            np.tril: lambda m, k=0: recording(mg.tril(as_tensor(m), k)),
            np.triu: lambda m, k=0: recording(mg.triu(as_tensor(m), k)),
            np.sum: lambda a, axis=None, dtype=None, keepdims=False: a.sum(axis, dtype, keepdims),
            np.mean: lambda a, axis=None, keepdims=False: a.mean(axis, keepdims),
            np.reshape: lambda a, shape: a.reshape(shape),
            np.transpose: lambda a, axes=None: a.transpose(axes or ()),
            np.swapaxes: lambda a, axis1, axis2: a.swapaxes(axis1, axis2),
            np.moveaxis: lambda a, source, destination: recording(mg.movedim(as_tensor(a), source, destination)),
            np.squeeze: lambda a, axis=None: a.squeeze(axis),
            np.flip: lambda a, axis=None: recording(mg.flip(as_tensor(a), _tuple(axis))),
            np.roll: lambda a, shift, axis=None: recording(mg.roll(as_tensor(a), shift, axis)),
            np.diagonal: lambda a, offset=0, axis1=0, axis2=1: recording(
                mg.diagonal(as_tensor(a), offset, axis1, axis2)),
            np.take: take,
            np.take_along_axis: lambda a, indices, axis: recording(
                mg.gather(as_tensor(a), axis, as_tensor(_values(indices)))),
            np.count_nonzero: lambda a, axis=None, keepdims=False: np.count_nonzero(
                _values(a), axis=axis, keepdims=keepdims),
            np.result_type: lambda *values: np.result_type(
                *[v.dtype if type(v) is RecordingArray else v for v in values]),
        }
    return _FUNCTION_TABLE


def _tuple(axis) -> tuple:
    return tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
