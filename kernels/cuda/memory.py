"""The device memory CudaArrays hold: the counters behind ``minigrad.cuda.memory_allocated``.

Every CudaArray's buffer is made by :func:`allocate` or :func:`copy_to_device` (``CudaArray.empty``
and ``CudaArray.from_host``), which count its bytes and register a finalizer that uncounts them
when the last view of the buffer is gone. So the count is the bytes of live tensors and
temporaries, as PyTorch's ``memory_allocated`` counts the bytes of its caching allocator's
blocks in use. The peak is the largest count since the start or the last :func:`reset_peak`.

numba-cuda frees a device buffer a little later than its finalizer runs (it defers frees and
flushes them in batches: :func:`flush_deferred_frees`), so the driver may show the memory in use
for a while after the count has dropped.

Page-locked ("pinned") host memory, which the GPU's copy engine reads directly, is allocated by
:func:`pinned_copy`; :func:`is_pinned` recognises any array (or view) lying inside such a buffer.

The counters are shared by every thread and guarded by one lock. The lock is re-entrant because
a finalizer can run on the thread that holds it (when a garbage collection happens to start
inside a guarded section).
"""
from __future__ import annotations

import threading
import weakref

import numpy as np

from ._backend import cuda

_lock = threading.RLock()
_allocated = 0  # bytes of live buffers
_peak = 0  # the largest _allocated since the start or the last reset_peak
_buffers = 0  # live buffers
_pinned: dict[int, int] = {}  # the first address of each live page-locked host buffer -> one past its last


def allocate(count: int, dtype: np.dtype):
    """An uninitialised flat device array of ``count`` elements, counted."""
    return _counted(cuda.device_array(count, dtype=dtype))


def copy_to_device(flat: np.ndarray):
    """A device copy of a flat host array, counted."""
    return _counted(cuda.to_device(flat))


def pinned_copy(host: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of a host array in page-locked memory (at least one element is
    allocated: the driver refuses an empty page-locked buffer)."""
    buffer = cuda.pinned_array(max(host.size, 1), host.dtype)
    start = buffer.ctypes.data
    with _lock:
        _pinned[start] = start + buffer.nbytes
    weakref.finalize(buffer, _unpin, start)
    pinned = buffer[:host.size].reshape(host.shape)
    pinned[...] = host
    return pinned


def is_pinned(host: np.ndarray) -> bool:
    """Whether ``host``'s first element lies in a live page-locked buffer of :func:`pinned_copy`."""
    address = host.__array_interface__["data"][0]
    with _lock:
        return any(start <= address < end for start, end in _pinned.items())


def allocated() -> int:
    """Bytes held by live CudaArray buffers."""
    return _allocated


def peak() -> int:
    """The most bytes held at once since the start or the last :func:`reset_peak`."""
    return _peak


def buffers() -> int:
    """The number of live CudaArray buffers."""
    return _buffers


def reset_peak() -> None:
    """Start the peak afresh from the bytes held now."""
    global _peak
    with _lock:
        _peak = _allocated


def flush_deferred_frees() -> None:
    """Free now the buffers numba-cuda has queued to free later (the simulator frees at once)."""
    context = cuda.current_context()
    if hasattr(context, "deallocations"):  # the simulator's context has no queue
        context.deallocations.clear()


def _counted(buffer):
    global _allocated, _peak, _buffers
    size = int(buffer.nbytes)
    with _lock:
        _allocated += size
        _buffers += 1
        _peak = max(_peak, _allocated)
    weakref.finalize(buffer, _release, size)
    return buffer


def _release(size: int) -> None:
    global _allocated, _buffers
    with _lock:
        _allocated -= size
        _buffers -= 1


def _unpin(start: int) -> None:
    with _lock:
        del _pinned[start]
