"""``minigrad.cuda``: the GPU, as ``torch.cuda``. Its queries ask minigrad/_cuda_backend.py (numba-cuda).

minigrad uses one CUDA device, ``cuda:0``: the current device is always 0, and ``set_device`` /
``with minigrad.cuda.device(i):`` accept only it. Memory statistics are in ``memory.py``, streams
and events in ``streams.py``, the GPU's random seeds in ``random.py``; ``amp.py`` holds PyTorch's
deprecated ``torch.cuda.amp`` spellings of ``minigrad.amp``.
"""
from __future__ import annotations

from typing import NamedTuple

from .. import _cuda_backend
from . import amp
from ._device_index import device_index
from .memory import (empty_cache, max_memory_allocated, max_memory_reserved, mem_get_info, memory_allocated,
                     memory_reserved, memory_stats, reset_max_memory_allocated, reset_peak_memory_stats)
from .random import initial_seed, manual_seed, manual_seed_all
from .streams import Event, Stream, StreamContext, current_stream, default_stream, stream

__all__ = ["Event", "amp", "Stream", "StreamContext", "current_device", "current_stream", "default_stream", "device",
           "device_count", "empty_cache", "get_device_capability", "get_device_name", "get_device_properties",
           "init", "initial_seed", "is_available", "is_bf16_supported", "is_initialized", "manual_seed",
           "manual_seed_all", "max_memory_allocated", "max_memory_reserved", "mem_get_info", "memory_allocated",
           "memory_reserved", "memory_stats", "reset_max_memory_allocated", "reset_peak_memory_stats",
           "set_device", "stream", "synchronize"]


def is_available() -> bool:
    """True when numba-cuda is installed and finds a GPU (or runs its simulator: NUMBA_ENABLE_CUDASIM=1)."""
    return _cuda_backend.is_available()


def is_initialized() -> bool:
    """True once CUDA is usable (minigrad starts it on the first query: there is nothing to defer)."""
    return is_available()


def init() -> None:
    """Start CUDA, or raise PyTorch's error saying why it cannot be used."""
    _cuda_backend.require()


def device_count() -> int:
    return _cuda_backend.device_count()


def current_device() -> int:
    _cuda_backend.require()
    return 0


def set_device(device) -> None:
    """Select the current device: minigrad has one, ``cuda:0``; another index raises PyTorch's
    ``invalid device ordinal`` error. A negative index is ignored, as in PyTorch."""
    index = device_index(device)
    if index >= 0:
        _cuda_backend.require(index)


class device:
    """``with minigrad.cuda.device(0):``: run the block on a device (minigrad has one: cuda:0)."""

    def __init__(self, device) -> None:
        self.idx = device_index(device) if device is not None else -1

    def __enter__(self) -> None:
        set_device(self.idx)

    def __exit__(self, *exc_info) -> bool:
        return False


def get_device_name(device=None) -> str:
    index = device_index(device)
    _cuda_backend.require(index)
    return _cuda_backend.device_name(index)


class _CudaDeviceProperties(NamedTuple):
    """What ``get_device_properties`` returns (PyTorch's fields of that name; memory in bytes)."""

    name: str
    major: int
    minor: int
    total_memory: int
    multi_processor_count: int
    uuid: str
    L2_cache_size: int
    warp_size: int
    max_threads_per_multi_processor: int

    def __repr__(self) -> str:
        megabytes = 1024 * 1024
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // megabytes}MB, "
                f"multi_processor_count={self.multi_processor_count}, uuid={self.uuid}, "
                f"L2_cache_size={self.L2_cache_size // megabytes}MB)")


def get_device_properties(device=None) -> _CudaDeviceProperties:
    """The card's name, compute capability, memory and multiprocessors (on numba-cuda's simulator,
    whose device has only a compute capability, the host's memory and one multiprocessor)."""
    index = device_index(device)
    _cuda_backend.require(index)
    return _CudaDeviceProperties(**_cuda_backend.device_properties(index))


def get_device_capability(device=None) -> tuple[int, int]:
    """The compute capability ``(major, minor)``: (9, 0) for an H100."""
    properties = get_device_properties(device)
    return properties.major, properties.minor


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: minigrad has no bfloat16 dtype, whatever the card can do."""
    return False


def synchronize(device=None) -> None:
    """Wait until every kernel queued on the device has finished."""
    _cuda_backend.require(device_index(device))
    _cuda_backend.synchronize()
