"""``CudaArray``: the n-dimensional array of minigrad's CUDA kernels, as ``numpy.ndarray`` is the CPU's.

Its data is a flat numba-cuda device array (``buffer``); the array itself is a *view* of it: a
``shape``, ``strides`` counted in elements (not bytes) and an ``offset`` of its first element, so

    element [i_0, ..., i_{n-1}]  lives at  buffer[offset + i_0 * strides[0] + ... + i_{n-1} * strides[n-1]]

Reshaping a contiguous array, transposing, slicing and broadcasting (stride 0) only make a new
view; nothing moves in GPU memory. Kernels that want a plain C-contiguous numba array ask
:meth:`CudaArray.device_array`, which copies a view that is not contiguous.

The type speaks numpy's protocols, as CuPy's arrays do: ``np.exp(a)``, ``a * 2``, ``a.sum(axis=0)``,
``np.where(m, a, b)``, ``a @ b`` run CUDA kernels (``elementwise.py``, ``reduction.py``,
``matmul.py``; the numpy functions in ``numpy_api.py``). So an autograd Function's numpy formula
runs unchanged on the GPU, and a host array never enters a device computation silently: mixing
one in raises TypeError.
"""
from __future__ import annotations

import operator
from types import SimpleNamespace as _Flags

import numpy as np

from . import memory


def contiguous_strides(shape: tuple) -> tuple:
    """Row-major strides, in elements, of an array of ``shape``."""
    strides, step = [], 1
    for extent in reversed(shape):
        strides.append(step)
        step *= max(extent, 1)
    return tuple(reversed(strides))


class CudaArray:
    """A view ``(shape, strides, offset)`` of a flat device array ``buffer`` (see the module doc)."""

    __slots__ = ("buffer", "shape", "strides", "offset", "dtype", "__weakref__")
    # numpy defers to this type's operators and ufunc overrides before trying its own.
    __array_priority__ = 1000

    def __init__(self, buffer, shape: tuple, strides: tuple | None = None, offset: int = 0):
        self.buffer = buffer
        self.shape = tuple(int(extent) for extent in shape)
        self.strides = contiguous_strides(self.shape) if strides is None else tuple(int(s) for s in strides)
        self.offset = int(offset)
        self.dtype = np.dtype(buffer.dtype)

    # ---- making arrays ---------------------------------------------------------------------
    @classmethod
    def empty(cls, shape, dtype=np.float32) -> "CudaArray":
        """An uninitialised C-contiguous array."""
        shape = _as_shape(shape)
        return cls(memory.allocate(max(_product(shape), 1), np.dtype(dtype)), shape)

    @classmethod
    def zeros(cls, shape, dtype=np.float32) -> "CudaArray":
        array = cls.empty(shape, dtype)
        array.fill(0)
        return array

    @classmethod
    def from_host(cls, array) -> "CudaArray":
        """A device copy of a host (numpy) array."""
        host = np.asarray(array, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
        flat = host.reshape(-1) if host.size else np.zeros(1, host.dtype)
        return cls(memory.copy_to_device(flat), host.shape)

    def to_host(self) -> np.ndarray:
        """A host (numpy) copy."""
        if self.size == 0:
            return np.empty(self.shape, self.dtype)
        return self.device_array().copy_to_host().reshape(self.shape)

    def device_array(self):
        """The elements as a C-contiguous numba-cuda device array of this shape, for a kernel to
        index directly: a view of ``buffer`` when this array is contiguous, else of a copy."""
        source = self if self.is_contiguous() else self.copy()
        flat = source.buffer[source.offset:source.offset + max(source.size, 1)]
        return flat.reshape(source.shape) if source.size else flat[:0].reshape(source.shape)

    # ---- what it is --------------------------------------------------------------------------
    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return _product(self.shape)

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.itemsize

    def is_contiguous(self) -> bool:
        """True when the elements lie in row-major order without gaps (extent-1 dims ignored)."""
        expected = contiguous_strides(self.shape)
        return all(extent == 1 or stride == want
                   for extent, stride, want in zip(self.shape, self.strides, expected))

    @property
    def flags(self) -> _Flags:
        """numpy's contiguity flags (read by code that picks a fast path for contiguous arrays)."""
        contiguous = self.is_contiguous()
        return _Flags(c_contiguous=contiguous, contiguous=contiguous, writeable=True)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self) -> str:
        return f"CudaArray(shape={self.shape}, dtype={self.dtype})"

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous. "
                             "Use a.any() or a.all()")
        return bool(self.to_host().reshape(()))

    def item(self):
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.to_host().reshape(()).item()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self.item())

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a CudaArray lives in GPU memory: copy it to the host with .to_host() first "
                        "(numpy will not do it implicitly)")

    # ---- views: new metadata, no copy --------------------------------------------------------
    def _view(self, shape, strides, offset=None) -> "CudaArray":
        return CudaArray(self.buffer, shape, strides, self.offset if offset is None else offset)

    def reshape(self, *shape, order: str = "C", copy: bool | None = None) -> "CudaArray":
        """numpy's ``reshape``: a view where the strides allow one (``copy=None``), else a copy;
        ``copy=False`` raises numpy's ValueError where a view is impossible, ``copy=True`` copies."""
        if order != "C":
            raise NotImplementedError("CudaArray.reshape supports order='C' only")
        shape = _resolve_reshape(_as_shape(shape[0] if len(shape) == 1 else shape), self.size)
        strides = None if copy else _view_strides(self.shape, self.strides, shape)
        if strides is not None:
            return self._view(shape, strides)
        if copy is False:
            raise ValueError("Unable to avoid creating a copy while reshaping.")  # numpy's words
        return self.copy()._view(shape, contiguous_strides(shape))

    def view(self, dtype=None) -> "CudaArray":
        """Another view of the same elements (numpy's ``a.view()``; reinterpreting dtypes is not supported)."""
        if dtype is not None and np.dtype(dtype) != self.dtype:
            raise NotImplementedError("CudaArray.view(dtype) is not supported")
        return self._view(self.shape, self.strides)

    def ravel(self) -> "CudaArray":
        return self.reshape(-1)

    def flatten(self) -> "CudaArray":
        return self.copy().reshape(-1)

    def transpose(self, *axes) -> "CudaArray":
        axes = tuple(reversed(range(self.ndim))) if not axes or axes == (None,) else _as_shape(
            axes[0] if len(axes) == 1 else axes)
        axes = tuple(_normalize_axis(a, self.ndim) for a in axes)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError("axes don't match array")
        return self._view([self.shape[a] for a in axes], [self.strides[a] for a in axes])

    @property
    def T(self) -> "CudaArray":  # noqa: N802  (numpy's name)
        return self.transpose()

    def swapaxes(self, first: int, second: int) -> "CudaArray":
        axes = list(range(self.ndim))
        first, second = _normalize_axis(first, self.ndim), _normalize_axis(second, self.ndim)
        axes[first], axes[second] = axes[second], axes[first]
        return self.transpose(axes)

    def squeeze(self, axis=None) -> "CudaArray":
        if axis is None:
            drop = {d for d, extent in enumerate(self.shape) if extent == 1}
        else:
            drop = {_normalize_axis(a, self.ndim) for a in (axis if isinstance(axis, tuple) else (axis,))}
            if any(self.shape[d] != 1 for d in drop):
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        keep = [d for d in range(self.ndim) if d not in drop]
        return self._view([self.shape[d] for d in keep], [self.strides[d] for d in keep])

    def broadcast_to(self, shape) -> "CudaArray":
        """This array seen with ``shape`` (numpy's broadcasting rules): repeated dims get stride 0."""
        shape = _as_shape(shape)
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ValueError("cannot broadcast a non-scalar to a scalar array")
        strides = [0] * lead
        for extent, have, stride in zip(shape[lead:], self.shape, self.strides):
            if have == extent:
                strides.append(stride)
            elif have == 1:
                strides.append(0)
            else:
                raise ValueError(f"operands could not be broadcast together with remapped shapes "
                                 f"[original->remapped]: {self.shape} and requested shape {shape}")
        return self._view(shape, strides)

    def __getitem__(self, key) -> "CudaArray":
        from .indexing import get_item

        return get_item(self, key)

    def __setitem__(self, key, value) -> None:
        from .indexing import set_item

        set_item(self, key, value)

    # ---- copies ------------------------------------------------------------------------------
    def copy(self, order: str = "C") -> "CudaArray":
        from .elementwise import assign

        out = CudaArray.empty(self.shape, self.dtype)
        assign(out, self)
        return out

    def astype(self, dtype, copy: bool = True) -> "CudaArray":
        dtype = np.dtype(dtype)
        if dtype == self.dtype and not copy:
            return self
        from .elementwise import assign

        out = CudaArray.empty(self.shape, dtype)
        assign(out, self)
        return out

    def fill(self, value) -> None:
        from .elementwise import assign

        assign(self, value)

    # ---- numpy's protocols: ufuncs, functions and the operators ----------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from . import elementwise, matmul, reduction, scan

        if any(_foreign(type(v)) and hasattr(v, "__array_ufunc__") for v in inputs + kwargs.get("out", ())):
            return NotImplemented  # NEP 13: another array type (minigrad's RecordingArray) answers
        if ufunc is np.matmul and method == "__call__":  # a generalized ufunc: the tiled kernel
            return matmul.matmul(*inputs, **kwargs)
        if method == "__call__":
            return elementwise.apply_ufunc(ufunc, inputs, **kwargs)
        if method == "reduce":
            return reduction.reduce_ufunc(ufunc, *inputs, **kwargs)
        if method == "accumulate":
            return scan.accumulate_ufunc(ufunc, *inputs, **kwargs)
        if method == "at":  # np.add.at(a, key, values): unbuffered, repeated indices each count
            from .advanced_indexing import accumulate

            return accumulate(ufunc, *inputs, **kwargs)
        return NotImplemented

    def __array_function__(self, func, types, args, kwargs):
        from .numpy_api import IMPLEMENTATIONS

        if any(_foreign(t) for t in types):
            return NotImplemented  # NEP 18: as above
        implementation = IMPLEMENTATIONS.get(func)
        if implementation is None:
            raise NotImplementedError(f"numpy.{func.__name__} has no CUDA implementation in minigrad yet")
        return implementation(*args, **kwargs)

    # Reductions as methods, with numpy's keywords.
    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.sum(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.mean(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def max(self, axis=None, out=None, keepdims=False):
        return np.max(self, axis=axis, out=out, keepdims=keepdims)

    def min(self, axis=None, out=None, keepdims=False):
        return np.min(self, axis=axis, out=out, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.prod(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def argmax(self, axis=None, out=None, keepdims=False):
        return np.argmax(self, axis=axis, out=out, keepdims=keepdims)

    def argmin(self, axis=None, out=None, keepdims=False):
        return np.argmin(self, axis=axis, out=out, keepdims=keepdims)

    def any(self, axis=None, out=None, keepdims=False):
        return np.any(self, axis=axis, out=out, keepdims=keepdims)

    def all(self, axis=None, out=None, keepdims=False):
        return np.all(self, axis=axis, out=out, keepdims=keepdims)


def _operator(ufunc, reflected: bool = False):
    """``a <op> b`` as numpy defines it: the ufunc, which numpy hands to ``__array_ufunc__``."""
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


def _in_place_operator(ufunc):
    def operate(self, other):
        ufunc(self, other, out=(self,))
        return self
    return operate


for _name, _ufunc in {"add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.true_divide,
                      "floordiv": np.floor_divide, "mod": np.remainder, "pow": np.power,
                      "matmul": np.matmul, "and": np.bitwise_and, "or": np.bitwise_or,
                      "xor": np.bitwise_xor}.items():
    setattr(CudaArray, f"__{_name}__", _operator(_ufunc))
    setattr(CudaArray, f"__r{_name}__", _operator(_ufunc, reflected=True))
    setattr(CudaArray, f"__i{_name}__", _in_place_operator(_ufunc))
for _name, _ufunc in {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
                      "eq": np.equal, "ne": np.not_equal}.items():
    setattr(CudaArray, f"__{_name}__", _operator(_ufunc))
CudaArray.__neg__ = lambda self: np.negative(self)
CudaArray.__pos__ = lambda self: np.positive(self)
CudaArray.__abs__ = lambda self: np.absolute(self)
CudaArray.__invert__ = lambda self: np.invert(self)
CudaArray.__hash__ = None  # mutable and compared elementwise, as ndarray


# ---- shape arithmetic ----------------------------------------------------------------------
def _foreign(array_type: type) -> bool:
    """An array type neither CudaArray nor numpy's (whose arrays raise TypeError here instead)."""
    return not (issubclass(array_type, (CudaArray, np.ndarray)))


def _product(shape) -> int:
    result = 1
    for extent in shape:
        result *= extent
    return result


def _as_shape(shape) -> tuple:
    """An int or a sequence of ints (numpy accepts both) as a tuple of ints."""
    if isinstance(shape, (int, np.integer)):
        return (operator.index(shape),)
    return tuple(operator.index(extent) for extent in shape)


def _view_strides(old_shape: tuple, old_strides: tuple, shape: tuple) -> tuple | None:
    """Strides that show the elements of a view (old_shape, old_strides) in row-major order as
    ``shape`` without moving them, or None where none exist (numpy's ``_attempt_nocopy_reshape``):
    each group of old dims whose product matches a group of new dims must be one run (each dim's
    stride the next one's times its extent); the new group's strides then follow from its last."""
    if _product(shape) == 0:
        return contiguous_strides(shape)
    old = [(extent, stride) for extent, stride in zip(old_shape, old_strides) if extent != 1]
    strides = [0] * len(shape)
    old_index, new_index = 0, 0
    while new_index < len(shape) and old_index < len(old):
        old_end, new_end = old_index + 1, new_index + 1
        old_size, new_size = old[old_index][0], shape[new_index]
        while old_size != new_size:
            if new_size < old_size:
                new_size *= shape[new_end]
                new_end += 1
            else:
                old_size *= old[old_end][0]
                old_end += 1
        for k in range(old_index, old_end - 1):
            if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                return None
        strides[new_end - 1] = old[old_end - 1][1]
        for k in range(new_end - 1, new_index, -1):
            strides[k - 1] = strides[k] * shape[k]
        old_index, new_index = old_end, new_end
    for k in range(new_index, len(shape)):  # trailing extent-1 dims
        strides[k] = strides[new_index - 1] if new_index else 1
    return tuple(strides)


def _resolve_reshape(shape: tuple, size: int) -> tuple:
    """``shape`` with its one ``-1`` filled in, checked against ``size`` (numpy's errors)."""
    if shape.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension")
    known = _product(extent for extent in shape if extent != -1)
    if -1 in shape:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
        shape = tuple(size // known if extent == -1 else extent for extent in shape)
    if _product(shape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
    return shape


def _normalize_axis(axis: int, ndim: int) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < max(ndim, 1):
        raise np.exceptions.AxisError(axis, ndim)
    return axis % max(ndim, 1)
