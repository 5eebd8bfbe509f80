"""The Tensor: a storage array plus what autograd needs to know about it.

A tensor holds its values in ``_data`` (a numpy array on the CPU, a numba-cuda device array on
CUDA) and, when it takes part in autograd, ``requires_grad``, ``grad_fn`` (the graph node that made
it; ``None`` for leaves) and ``grad``. Math methods (``+``, ``exp``, ``sum``, ...) are attached
from the function modules by ``_tensor_methods.py``, so this file holds only what *is* a tensor:
its attributes, conversions, in-place updates and ``backward``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import _dtype
from ._device import CPU, as_array, as_device, device, placement, storage_device, to_storage
from .autograd import hooks
from .autograd.grad_mode import is_grad_enabled, no_grad
from .autograd.recording_array import RecordingArray

if TYPE_CHECKING:
    from .utils.hooks import RemovableHandle


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``minigrad.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"

    def __getitem__(self, index):
        """An element, or for a slice a Size again (``x.size()[2:]``), as ``torch.Size``."""
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


class _VersionCounter:
    """Counts in-place changes to a storage; shared by a tensor and its views."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


class Tensor:
    """A multi-dimensional array with autograd, as ``torch.Tensor``.

    ``Tensor(data)`` (the legacy constructor) makes a float32 tensor from nested sequences;
    ``Tensor(2, 3)`` an uninitialised 2x3 one. Prefer :func:`minigrad.tensor`.
    """

    # ``_base``, ``_view_version`` and ``_view_creation`` are a view's (see autograd/copy_slices.py);
    # the last two are set only on views.
    __slots__ = ("_data", "_device", "requires_grad_flag", "_grad", "_grad_fn", "_output_nr",
                 "_version_counter", "_base", "_view_version", "_view_creation", "_accumulator",
                 "_retains_grad", "__weakref__")

    # numpy must hand binary operators over to Tensor (``array * tensor`` -> ``Tensor.__rmul__``).
    __array_ufunc__ = None

    def __init__(self, *args, device=None):
        if len(args) == 1 and not isinstance(args[0], int):
            data = args[0]
            array = np.asarray(data._data if isinstance(data, Tensor) else data, dtype=np.float32)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            array = np.empty(tuple(shape), dtype=np.float32)
        dev = placement(as_device(device))
        self._init(to_storage(array, dev), dev)

    def _init(self, array: np.ndarray, dev: device) -> None:
        self._data = array
        self._device = dev
        self.requires_grad_flag = False
        self._grad = None
        self._grad_fn = None
        self._output_nr = 0
        self._version_counter = _VersionCounter()
        self._base = None
        self._accumulator = None
        self._retains_grad = False

    @classmethod
    def _from_storage(cls, array: np.ndarray, dev: device | None = None) -> "Tensor":
        """Wrap a storage array without copying (internal constructor); ``dev`` defaults to the
        device the storage lives on."""
        tensor = cls.__new__(cls)
        tensor._init(array, dev or storage_device((array,)))
        return tensor

    def _become_view_of(self, other: "Tensor") -> None:
        """Make this tensor (whose storage lies in ``other``'s) a view of ``other``'s base."""
        if other._base is None:
            self._base, creation = other, None
        else:
            self._base, creation = other._base, other._view_creation
        if creation is not None or not is_grad_enabled():
            from .autograd.copy_slices import creation_of_view_of

            creation = creation_of_view_of(creation)
        self._view_creation = creation
        self._version_counter = other._version_counter
        self._view_version = other._version_counter.value

    # ---- attributes -------------------------------------------------------------------------
    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> device:
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf). A view whose base changed in place
        since it was made gets its history regenerated here, as in PyTorch (copy_slices.py)."""
        if self._base is not None and self._view_version != self._version_counter.value:
            from .autograd.copy_slices import refresh_history

            refresh_history(self)
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        """Whether autograd tracks this tensor; a view does when its base does, as in PyTorch."""
        return self.requires_grad_flag or (self._base is not None and self._base.requires_grad_flag)

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        value = bool(value)
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        if not value and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self.requires_grad_flag = value

    @property
    def grad(self) -> "Tensor | None":
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: expected {list(self.shape)}, got {list(value.shape)}"
                )
            if value.dtype != self.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: expected {self.dtype}, got {value.dtype}")
        self._grad = value

    @property
    def data(self) -> "Tensor":
        """The same storage as a tensor outside autograd (changes through it are not tracked)."""
        return Tensor._from_storage(self._data, self._device)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, but got {type(value).__name__}")
        self._data = value._data
        self._device = value._device

    @property
    def T(self) -> "Tensor":  # noqa: N802  (PyTorch's name)
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> "Tensor":  # noqa: N802
        return self.transpose(-2, -1)

    @property
    def _version(self) -> int:
        return self._version_counter.value

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def size(self, dim: int | None = None):
        if dim is None:
            return self.shape
        return self._data.shape[_wrap_dim(dim, self.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim: int | None = None):
        strides = self._data.strides  # a CudaArray counts them in elements, numpy in bytes
        if isinstance(self._data, np.ndarray):
            strides = tuple(s // self._data.itemsize for s in strides)
        return strides if dim is None else strides[_wrap_dim(dim, self.ndim)]

    # ---- conversions -------------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The storage array itself (shared, as in PyTorch); ``force=True``: a host copy from any device."""
        if force:
            return to_storage(self._data, CPU).copy()
        self._check_numpy_allowed()
        return self._data

    def __array__(self, dtype=None, copy=None):
        self._check_numpy_allowed()
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def _check_numpy_allowed(self) -> None:
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self._device.type != "cpu":
            raise TypeError(f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to copy "
                            "the tensor to host memory first.")

    def _host_data(self) -> np.ndarray:
        """The values as a numpy array: the storage on the CPU, a host copy of a CUDA tensor's."""
        return to_storage(self._data, CPU)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._host_data().reshape(()).item()

    def tolist(self):
        return self._host_data().tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))  # as PyTorch: so the rows, views of one call, are not changed in place

    def __hash__(self) -> int:
        return id(self)

    def __format__(self, spec: str) -> str:
        return format(self.item(), spec) if self.ndim == 0 and spec else str(self)

    def __repr__(self) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment."
            )
        return (_rebuild_tensor, (type(self), self._data, self.requires_grad))

    # ---- autograd ----------------------------------------------------------------------------
    def detach(self) -> "Tensor":
        """A tensor sharing this storage and its version counter, with no autograd history.

        Not a view for autograd (no ``_base``, as in PyTorch): changing it in place changes this
        tensor's values without touching its history (``w.detach().uniform_()``), and a backward
        that saved this tensor raises, as the shared version counter moved.
        """
        out = Tensor._from_storage(self._data, self._device)
        out._version_counter = self._version_counter
        return out

    def detach_(self) -> "Tensor":
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
                "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
                "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn, self._output_nr, self.requires_grad_flag = None, 0, False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Ask backward to fill ``.grad`` of this non-leaf tensor too (after its hooks ran)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        hooks.retain_grad(self)
        self._retains_grad = True

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]) -> "RemovableHandle":
        """Run ``hook(grad)`` on each gradient computed for this tensor; a returned Tensor replaces
        it (in ``.grad`` for a leaf, in what flows on for a non-leaf). Returns a handle whose
        ``remove()`` unregisters the hook. See ``autograd/hooks.py``."""
        return hooks.register_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[["Tensor"], None]) -> "RemovableHandle":
        """Run ``hook(self)`` after each update of this leaf's ``.grad`` by backward."""
        return hooks.register_post_accumulate_grad_hook(self, hook)

    def _accumulate_grad(self, grad: np.ndarray, owned: bool = False) -> None:
        """Add ``grad`` into ``.grad``. ``owned`` says no one else holds ``grad``, so the first
        gradient can be kept as it is; otherwise it is copied (the same array may also flow to
        other tensors, e.g. both sides of ``+``, and ``.grad`` is later updated in place).
        Under ``create_graph`` ``grad`` is a RecordingArray: ``.grad`` keeps its graph and is
        summed out of place, as in PyTorch."""
        if isinstance(grad, RecordingArray):
            recorded = grad.tensor
            self._grad = recorded if self._grad is None else self._grad + recorded
            return
        if self._grad is None:
            kept = grad if owned and grad.dtype == self._data.dtype else grad.astype(self._data.dtype)  # a copy
            self._grad = Tensor._from_storage(kept, self._device)
        else:
            self._grad._data += grad

    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (see ``autograd/engine.py``)."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ---- copies and casts --------------------------------------------------------------------
    def to(self, *args, **kwargs) -> "Tensor":
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)``; returns self if nothing changes."""
        target_device, target_dtype, copy = _parse_to(self, args, kwargs)
        target_device = None if target_device is None else placement(target_device)
        out = self
        # To the CPU first, so the cast runs there; to CUDA last, for the same reason.
        if target_device is CPU and self._device.type != "cpu":
            out = out._moved(CPU)
        if target_dtype is not None and target_dtype != self.dtype:
            from .functions.conversion import to_dtype

            out = to_dtype(out, target_dtype)
        if target_device is not None and target_device != out._device:
            out = out._moved(target_device)
        if copy and out is self:
            out = self.clone()
        return out

    def _moved(self, target: device) -> "Tensor":
        """A copy of this tensor's values on ``target`` (a placement: ``cpu`` or ``cuda:0``),
        recorded in the graph as PyTorch's ``ToCopyBackward0``."""
        from .functions.conversion import ToDevice

        return ToDevice.apply(self, target)

    def type(self, dtype=None):
        if dtype is None:
            module = "minigrad.cuda" if self._device.type == "cuda" else "minigrad"
            return f"{module}.{_LEGACY_NAMES.get(self.dtype.name, 'Tensor')}"
        return self.to(_dtype.to_dtype(dtype))

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.to(other.dtype)

    def float(self) -> "Tensor":
        return self.to(_dtype.float32)

    def double(self) -> "Tensor":
        return self.to(_dtype.float64)

    def half(self) -> "Tensor":
        return self.to(_dtype.float16)

    def long(self) -> "Tensor":
        return self.to(_dtype.int64)

    def int(self) -> "Tensor":
        return self.to(_dtype.int32)

    def bool(self) -> "Tensor":
        return self.to(_dtype.bool)

    def cpu(self) -> "Tensor":
        return self.to(CPU)

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> "Tensor":
        """A copy on the GPU (self if there already); the copy is synchronous whatever ``non_blocking`` says."""
        return self.to(as_device(device if device is not None else "cuda"))

    def contiguous(self) -> "Tensor":
        return self if self._data.flags.c_contiguous else self.clone()

    # ---- in-place updates --------------------------------------------------------------------
    def _inplace_is_recorded(self, args: tuple) -> bool:
        """Whether autograd records an in-place op on this tensor with ``args``: grad mode is on and
        this tensor or a tensor argument requires grad (then call ``_check_inplace`` first)."""
        if not is_grad_enabled():
            return False
        if self.requires_grad:
            return True
        return any([isinstance(a, Tensor) and a.requires_grad for a in args]) if args else False

    def _check_inplace(self) -> None:
        """Raise PyTorch's error where autograd forbids recording an in-place op on this tensor: a
        leaf that requires grad, and the view cases of autograd/copy_slices.py. Reading ``is_leaf``
        also brings a view's history up to date before the write moves the version counter."""
        if self._base is not None:
            from .autograd.copy_slices import check_inplace_on_view

            check_inplace_on_view(self)
        if self.requires_grad and self.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")

    def _inplace(self, fn, *args, **kwargs) -> "Tensor":
        """Run the out-of-place ``fn(self, *args)`` and write its result into this storage.

        When autograd records, this tensor is re-based onto the result's graph node; the node
        sees a copy of the old values, since the write below overwrites the storage.
        """
        recording = self._inplace_is_recorded(args)
        if recording:
            self._check_inplace()
            before = Tensor._from_storage(self._data.copy(), self._device)
            before._grad_fn, before._output_nr, before.requires_grad_flag = self.grad_fn, self._output_nr, self.requires_grad
            result = fn(before, *args, **kwargs)
        else:
            with no_grad():
                result = fn(self, *args, **kwargs)
        self._write(result)
        if recording:
            if result._grad_fn is not None:
                result._grad_fn._output_written_into(result, self)
            self._rebase(result)
        return self

    def _inplace_function(self, function, *args) -> "Tensor":
        """Apply an ArrayFunction whose forward writes its result into its first argument's
        storage itself (``relu_``): no copy of the old values and no write-back, as ``_inplace``
        needs for an out-of-place function. Only for a function whose backward does not read
        this tensor's old values; when autograd records, this tensor is re-based onto its node.
        """
        recording = self._inplace_is_recorded(args)
        if recording:
            self._check_inplace()
        # Counted before the write (which happens inside apply), so the node saves the new version.
        self._version_counter.value += 1
        result = function.apply(self, *args)
        if recording:
            self._rebase(result)
        return self

    def _rebase(self, result: "Tensor") -> None:
        """Make this tensor the output of ``result``'s graph node (after an in-place op). A view's
        base takes the change instead, and the view follows it (autograd/copy_slices.py)."""
        if self._base is not None:
            from .autograd.copy_slices import record_on_base

            record_on_base(self, result)
            return
        old_node, old_output_nr = self._grad_fn, self._output_nr
        self._grad_fn, self._output_nr, self.requires_grad_flag = result._grad_fn, result._output_nr, True
        if self._retains_grad:
            hooks.move_retained(self, old_node, old_output_nr)

    def _write(self, result: "Tensor") -> None:
        """Store ``result`` into this tensor's storage, with PyTorch's shape and cast rules."""
        if result.shape != self.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(result.shape)}"
            )
        if _dtype._category(result.dtype) > _dtype._category(self.dtype):
            raise RuntimeError(
                f"result type {_LEGACY_NAMES[result.dtype.name][:-6]} can't be cast to the desired "
                f"output type {_LEGACY_NAMES[self.dtype.name][:-6]}"
            )
        self._store(result._data)

    def _store(self, values, index=Ellipsis) -> None:
        """Write ``values`` into ``storage[index]`` (numpy broadcasts and casts) and count the change."""
        try:
            self._data[index] = values
        except ValueError:
            if self._data.flags.writeable:
                raise
            raise RuntimeError(  # an expanded tensor: numpy's broadcast views are read-only
                "unsupported operation: more than one element of the written-to tensor refers to a single "
                "memory location. Please clone() the tensor before performing the operation."
            ) from None
        self._version_counter.value += 1

    def _overwrite(self, values) -> "Tensor":
        """Write ``values`` (a number, or an array that does not depend on the old values) in place:
        ``fill_``, ``zero_``, ``uniform_`` and the other random fills. When autograd records, the op's
        gradient for the old values is zero, as PyTorch's; otherwise the values go straight in."""
        if not self._inplace_is_recorded(()):
            self._store(values)
            return self
        from .functions.selection import where

        replacement = Tensor._from_storage(to_storage(as_array(values, self._data.dtype), self.device))
        return self._inplace(lambda old: where(Tensor._from_storage(_KEEP_NOTHING), old, replacement))

    def copy_(self, src, non_blocking: bool = False) -> "Tensor":
        src = src if isinstance(src, Tensor) else Tensor._from_storage(np.asarray(src))
        if src.dtype != self.dtype:
            from .functions.conversion import to_dtype

            src = to_dtype(src, self.dtype)
        return self._inplace(_copied, src)

    def fill_(self, value) -> "Tensor":
        return self._overwrite(value.item() if isinstance(value, Tensor) else value)

    def zero_(self) -> "Tensor":
        return self._overwrite(0)

    def __setitem__(self, index, value) -> None:
        """``self[index] = value``. Written straight into the storage when autograd records nothing;
        otherwise a basic index (ints, slices, None, ...) writes through the view ``self[index]``, as
        PyTorch does, so the change is recorded as CopySlices, and an advanced one (masks, integer
        arrays) as IndexPut."""
        from .functions.indexing import checked_indexing, index_put, is_basic_index, to_numpy_index

        numpy_index = to_numpy_index(index)
        if not self._inplace_is_recorded((value,)):
            checked_indexing(lambda: self._store(value._data if isinstance(value, Tensor) else value, numpy_index))
            return
        if not is_basic_index(numpy_index):
            self._inplace(index_put, index, value)
            return
        region = self[index]
        value = value if isinstance(value, Tensor) else Tensor._from_storage(np.asarray(value))
        extra = value.ndim - region.ndim
        if extra > 0 and all(n == 1 for n in value.shape[:extra]):  # PyTorch drops leading 1s of the value
            value = value.reshape(value.shape[extra:])
        region.copy_(value)


_KEEP_NOTHING = np.zeros((), dtype=bool)  # ``where``'s condition that takes every value from the replacement


def _copied(old: Tensor, src: Tensor) -> Tensor:
    """What ``old.copy_(src)`` leaves: ``src`` broadcast to ``old``'s shape. When autograd records,
    ``old`` is an input with a zero gradient, so the result keeps a history even if ``src`` has none."""
    from .functions.shape import expand

    values = expand(src, old.shape)
    if not (old.requires_grad and is_grad_enabled()):
        return values
    from .functions.selection import where

    return where(Tensor._from_storage(_KEEP_NOTHING), old, values)


_LEGACY_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
    "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
}


def _rebuild_tensor(cls, array: np.ndarray, requires_grad: bool) -> Tensor:
    tensor = cls.__new__(cls)
    tensor._init(array, CPU)
    tensor.requires_grad_flag = requires_grad
    return tensor


def _wrap_dim(dim: int, ndim: int) -> int:
    """A possibly negative dim as an index in ``range(ndim)``; IndexError as PyTorch otherwise."""
    bound = max(ndim, 1)  # a 0-d tensor accepts dim 0 and -1, as in PyTorch
    if not -bound <= dim < bound:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got {dim})"
        )
    return dim % bound


def _parse_to(tensor: Tensor, args: tuple, kwargs: dict):
    """Sort ``Tensor.to``'s PyTorch overloads into (device, dtype, copy)."""
    target_device, target_dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for arg in args:
        if isinstance(arg, Tensor):
            target_device, target_dtype = arg.device, arg.dtype
        elif isinstance(arg, (_dtype.dtype, type)) or (arg is not None and not isinstance(arg, (str, device, int))):
            target_dtype = arg
        elif isinstance(arg, bool):
            continue
        elif arg is not None:
            target_device = arg
    return (as_device(target_device) if target_device is not None else None,
            _dtype.to_dtype(target_dtype) if target_dtype is not None else None, copy)
