"""Devices and the device table.

A tensor's storage is a numpy array on ``'cpu'``. Each autograd Function finds the kernels for its
inputs' device through :func:`kernel_module`, a lookup in ``_KERNEL_PACKAGES``; elementwise math is
written with numpy calls, which other array types can take over through numpy's
``__array_ufunc__`` / ``__array_function__`` protocols. Supporting CUDA therefore means adding a
row to the table below (kernels with the same names and signatures) and a storage converter in
``to_storage`` — not rewriting the Functions.

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

_KERNEL_PACKAGES = {"cpu": "minigrad.kernels"}
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


CPU = device("cpu")


def as_device(value: "str | device | int | None") -> device:
    """Normalise a device argument (a string, a device, or an int meaning ``cuda:<int>``)."""
    if value is None:
        return CPU
    if isinstance(value, int):
        return device("cuda", value)
    return value if isinstance(value, device) else device(value)


def to_storage(array: np.ndarray, target: device) -> np.ndarray:
    """Move an array's storage to ``target``; only the CPU exists until a CUDA table row is added."""
    if target.type != "cpu":
        raise RuntimeError(
            "Torch not compiled with CUDA enabled: minigrad has no CUDA kernels yet "
            "(minigrad.cuda.is_available() is False)"
        )
    return array


def storage_device(arrays) -> device:
    """The device whose storage arrays are among ``arrays`` (numpy arrays: the CPU)."""
    return CPU


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
        module = loaded[qualified] = importlib.import_module(source)
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
