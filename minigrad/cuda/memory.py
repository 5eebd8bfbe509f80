"""GPU memory statistics, as ``torch.cuda``'s: bytes held by CUDA tensors, their peak, the card's free memory.

The counts come from ``kernels/cuda/memory.py``, which counts every CudaArray buffer from its
allocation to its release. minigrad keeps no cache of freed blocks, as PyTorch's caching allocator
does: so *reserved* equals *allocated*, and :func:`empty_cache` only makes numba-cuda free at once
the buffers it has queued to free (``mem_get_info`` then shows them free). As in PyTorch, the
statistics are zero, rather than an error, where CUDA was never usable.
"""
from __future__ import annotations

import warnings

from .. import _cuda_backend
from ._device_index import device_index


def memory_allocated(device=None) -> int:
    """Bytes of GPU memory held by tensors (and temporaries) now."""
    return memory_stats(device).get("allocated_bytes.all.current", 0)


def max_memory_allocated(device=None) -> int:
    """The most bytes tensors held at once since the start or :func:`reset_peak_memory_stats`:
    measure one training step's peak by resetting before it."""
    return memory_stats(device).get("allocated_bytes.all.peak", 0)


def memory_reserved(device=None) -> int:
    """Bytes the allocator holds: those of :func:`memory_allocated` (minigrad caches no freed blocks)."""
    return memory_stats(device).get("reserved_bytes.all.current", 0)


def max_memory_reserved(device=None) -> int:
    """The peak of :func:`memory_reserved`: that of :func:`max_memory_allocated`."""
    return memory_stats(device).get("reserved_bytes.all.peak", 0)


def memory_stats(device=None) -> dict[str, int]:
    """PyTorch's allocator statistics that minigrad keeps: ``allocated_bytes``, ``reserved_bytes``
    and ``active_bytes`` (``.all.current`` / ``.all.peak``) and ``allocation.all.current`` (live
    buffers); empty where CUDA is not usable."""
    if not _usable(device):
        return {}
    from ..kernels.cuda import memory

    current, peak = memory.allocated(), memory.peak()
    stats = {"allocation.all.current": memory.buffers()}
    for kind in ("allocated_bytes", "reserved_bytes", "active_bytes"):
        stats[f"{kind}.all.current"], stats[f"{kind}.all.peak"] = current, peak
    return stats


def reset_peak_memory_stats(device=None) -> None:
    """Start the peaks afresh from the memory held now."""
    if _usable(device):
        from ..kernels.cuda import memory

        memory.reset_peak()


def reset_max_memory_allocated(device=None) -> None:
    """Deprecated in PyTorch for :func:`reset_peak_memory_stats`, which it calls."""
    warnings.warn("torch.cuda.reset_max_memory_allocated now calls torch.cuda.reset_peak_memory_stats, "
                  "which resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def empty_cache() -> None:
    """Free at once the device buffers numba-cuda has queued to free later (it frees in batches)."""
    if _cuda_backend.is_available():
        from ..kernels.cuda import memory

        memory.flush_deferred_frees()


def mem_get_info(device=None) -> tuple[int, int]:
    """``(free, total)`` bytes of the card's memory, as the driver reports them (all processes'
    use counted); on numba-cuda's simulator, the host's memory."""
    _cuda_backend.require(device_index(device))
    return _cuda_backend.memory_info()


def _usable(device) -> bool:
    """Whether CUDA is usable; for a device that does not exist, PyTorch's error."""
    if not _cuda_backend.is_available():
        return False
    _cuda_backend.require(device_index(device))
    return True
