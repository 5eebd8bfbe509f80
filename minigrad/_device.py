"""Devices and the device table.

A tensor's storage is a numpy array on ``'cpu'`` and a numba-cuda device array on ``'cuda'``
(``cuda:0``, the one CUDA device minigrad uses; every CUDA call goes through _cuda_backend.py).
Each autograd Function finds the kernels for its inputs' device through :func:`kernel_module`, a
lookup in ``_KERNEL_PACKAGES``: the CUDA kernels in ``minigrad.kernels.cuda`` have the names and
signatures of the CPU ones. An ArrayFunction runs on CUDA only when it says so (``runs_on_cuda``);
the others raise NotImplementedError there rather than compute on the host behind the user's back.

The same seam routes the layers to the naive-loop reference kernels: inside
:func:`use_reference_kernels` the table reads ``minigrad.kernels.reference.routed`` (the references
behind the fast kernels' names and signatures) for the current thread or asyncio task only.
"""
from __future__ import annotations

import contextlib
import contextvars
import importlib
from collections.abc import Iterator
from types import ModuleType

import numpy as np

from . import _cuda_backend

_KERNEL_PACKAGES = {"cpu": "minigrad.kernels", "cuda": "minigrad.kernels.cuda"}
_REFERENCE_PACKAGE = "minigrad.kernels.reference.routed"
# Two caches keyed alike, by the fast module's qualified name; the context variable says which one
# this thread (or task) reads, so switching costs the hot path one ContextVar.get and nothing else.
_loaded_kernels: dict[str, ModuleType] = {}
_loaded_references: dict[str, ModuleType] = {}
_active_kernels: contextvars.ContextVar[dict[str, ModuleType]] = contextvars.ContextVar(
    "minigrad_active_kernels", default=_loaded_kernels)


class device:  # noqa: N801  (PyTorch's name)
    """Where a tensor's storage lives: ``device('cpu')``, ``device('cuda:0')``, ``device('cuda', 0)``."""

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string or a device, but got {type.__class__.__name__}")
        if ":" in type:
            if index is not None:
                raise ValueError(f"type (string) must not include an index because index was passed explicitly: {type}")
            type, _, text = type.partition(":")
            if not text.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{text}'")
            index = int(text)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}"
            )
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> "device":
        """``with device('cuda'):`` makes it the default device of the tensors created inside (in this
        thread), as :func:`set_default_device` does until the block ends."""
        _outer_defaults.set(_outer_defaults.get() + (_default_device.get(),))
        _default_device.set(self)
        return self

    def __exit__(self, *exc_info) -> None:
        outer = _outer_defaults.get()
        _default_device.set(outer[-1])
        _outer_defaults.set(outer[:-1])


CPU = device("cpu")
CUDA = device("cuda", 0)  # the device of every CUDA tensor (minigrad uses one CUDA device)

# Where tensors created without ``device=`` go, per thread (a new thread starts on the CPU, as in
# PyTorch), and the defaults that enclosing ``with device(...)`` blocks restore on exit.
_default_device: contextvars.ContextVar[device] = contextvars.ContextVar("minigrad_default_device", default=CPU)
_outer_defaults: contextvars.ContextVar[tuple] = contextvars.ContextVar("minigrad_outer_defaults", default=())


def set_default_device(value: "str | device | int | None") -> None:
    """The device of tensors created without ``device=`` from now on in this thread (creation
    functions, ``nn`` layers' parameters): ``torch.set_default_device``. None means the CPU."""
    _default_device.set(CPU if value is None else as_device(value))


def get_default_device() -> device:
    """``torch.get_default_device``: where a tensor created without ``device=`` goes (a CUDA default
    as ``cuda:0``)."""
    default = _default_device.get()
    return CUDA if default.type == "cuda" else default


def as_device(value: "str | device | int | None") -> device:
    """Normalise a device argument (a string, a device, or an int meaning ``cuda:<int>``); None is
    the default device."""
    if value is None:
        return _default_device.get()
    if isinstance(value, int):
        return device("cuda", value)
    return value if isinstance(value, device) else device(value)


def placement(target: device) -> device:
    """The device a tensor asked to live on ``target`` gets: ``cpu``, or ``cuda:0`` for ``cuda`` and
    ``cuda:0`` (PyTorch's errors when CUDA cannot be used or the index does not exist)."""
    if target.type == "cpu":
        return CPU
    _cuda_backend.require(target.index)
    return CUDA


def to_storage(array, target: device):
    """``array`` (numpy or device array) as the storage of a tensor on ``target`` (a copy when it
    crosses between host and device; the array itself when it is already there)."""
    on_device = _cuda_backend.is_device_array(array)
    if placement(target) is CPU:
        return _cuda_backend.to_host(array) if on_device else array
    return array if on_device else _cuda_backend.to_device(array)


def storage_device(arrays) -> device:
    """The device whose storage arrays are among ``arrays``: ``cuda:0`` if any is a device array."""
    return CUDA if any([_cuda_backend.is_device_array(a) for a in arrays]) else CPU


def as_array(value, dtype=None):
    """``np.asarray`` for storage of either device: a numpy scalar (what numpy's reductions return
    for a full reduction) becomes a 0-d array; CUDA storage stays on the device (cast to ``dtype``
    when given). numpy's own ``asarray`` would copy device arrays to the host, which CUDA storage
    refuses."""
    if _cuda_backend.is_device_array(value):
        return value if dtype is None else value.astype(dtype, copy=False)
    return np.asarray(value, dtype)


def mixed_devices_error(first: device, second: device) -> RuntimeError:
    """PyTorch's error for tensors of one op on two devices."""
    return RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                        f"{first} and {second}!")


def no_cuda_kernel_error(name: str) -> NotImplementedError:
    """The error of an op that has no CUDA kernel yet (rather than computing on the host)."""
    return NotImplementedError(f"minigrad has no CUDA kernel for {name} yet; move the tensor to the CPU "
                               f"with .cpu()")


def kernel_module(name: str, dev: device) -> ModuleType:
    """The kernel module ``name`` (e.g. ``'softmax'``) for a device: the device table's lookup
    (the reference kernel of that name inside :func:`use_reference_kernels`)."""
    qualified = f"{_KERNEL_PACKAGES[dev.type]}.{name}"
    loaded = _active_kernels.get()
    module = loaded.get(qualified)  # the lookup is the hot path
    if module is None:
        # import_module waits while another thread is still importing the module; sys.modules would
        # hand out the half-initialised module. Only fully imported modules enter the cache.
        source = qualified if loaded is _loaded_kernels else f"{_REFERENCE_PACKAGE}.{name}"
        try:
            module = loaded[qualified] = importlib.import_module(source)
        except ModuleNotFoundError as error:
            if dev.type == "cuda" and error.name == source:  # callers outside an ArrayFunction: optimizers
                raise no_cuda_kernel_error(name) from None
            raise
    return module


@contextlib.contextmanager
def use_reference_kernels() -> Iterator[None]:
    """Run the layers, losses and optimizers on the naive-loop reference kernels inside the block.

    ``with minigrad.use_reference_kernels(): loss = model(x) ...`` computes every kernel by its
    plain loops in ``minigrad.kernels.reference`` instead of the fast Numba / BLAS kernel: much
    slower, the same numbers up to rounding (the references compute in float64). Run the forward
    and its ``backward()`` inside the block: each node calls the kernels of the moment it runs.
    Only the calling thread (or asyncio task) is switched; the fast kernels come back when the
    block ends, normally or by an exception.
    """
    token = _active_kernels.set(_loaded_references)
    try:
        yield
    finally:
        _active_kernels.reset(token)
