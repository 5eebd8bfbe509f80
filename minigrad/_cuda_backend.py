"""The framework's side of CUDA: availability, device queries, moving storage between host and device.

minigrad's GPU path runs on NVIDIA's ``numba-cuda`` package (the optional extra ``cuda``). Its one
import lives in ``kernels/cuda/_backend.py`` (with the kernels, which need it to compile); this
module loads it on first use, so ``import minigrad`` loads no numba, and the rest of minigrad asks
here whether CUDA is usable, how to move arrays, and whether an array lives on the device.

A CUDA tensor's storage is a ``CudaArray`` (``kernels/cuda/array.py``): a view of a flat numba-cuda
device array that speaks numpy's protocols, so the autograd Functions' numpy formulas run on it.

With ``NUMBA_ENABLE_CUDASIM=1`` (set before numba is first imported) numba-cuda's simulator runs
the same code on the CPU with Python threads: the test suite uses it where no GPU exists.
"""
from __future__ import annotations

import os
import time

import numpy as np

_UNLOADED = object()
# numba.cuda, imported on first use; None without numba-cuda.
_cuda = _UNLOADED
# The storage type of CUDA tensors (none before the CUDA kernels' package is loaded: no device
# array can exist then).
_DEVICE_ARRAY_TYPES: tuple[type, ...] = ()


def _numba_cuda():
    """``numba.cuda``, or None when numba-cuda is not installed."""
    global _cuda, _DEVICE_ARRAY_TYPES
    if _cuda is _UNLOADED:
        from .kernels.cuda import _backend

        if _backend.cuda is not None:
            from .kernels.cuda.array import CudaArray

            _DEVICE_ARRAY_TYPES = (CudaArray,)
        _cuda = _backend.cuda
    return _cuda


INSTALL_HINT = ('minigrad runs on CUDA through the optional numba-cuda package: pip install -e ".[cuda]" '
                '(or pip install "numba-cuda[cu12]" for a CUDA 12 GPU); without a GPU, set '
                'NUMBA_ENABLE_CUDASIM=1 before importing minigrad to run on numba-cuda\'s simulator')


def is_available() -> bool:
    """True when numba-cuda is installed and finds a GPU (or runs its simulator)."""
    cuda = _numba_cuda()
    return cuda is not None and cuda.is_available()


def device_count() -> int:
    return len(_cuda.gpus) if is_available() else 0


def require(index: int | None = None) -> None:
    """Raise PyTorch's errors when CUDA device ``index`` (None: the current one) cannot be used."""
    if not is_available():
        raise AssertionError(f"Torch not compiled with CUDA enabled. {INSTALL_HINT}")
    if index is not None and not 0 <= index < device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal (cuda:{index} was asked for, and "
                           f"{device_count()} CUDA device(s) exist, numbered from cuda:0)")


def is_device_array(array) -> bool:
    """True for CUDA storage (a CudaArray); False for numpy arrays and anything else."""
    return isinstance(array, _DEVICE_ARRAY_TYPES)


def to_device(array: np.ndarray):
    """A device copy (a CudaArray) of a host array."""
    return _DEVICE_ARRAY_TYPES[0].from_host(array)


def pinned_copy(array: np.ndarray) -> np.ndarray:
    """A copy of a host array in page-locked memory, from which copies to the GPU run faster."""
    from .kernels.cuda import memory

    return memory.pinned_copy(array)


def is_pinned(array: np.ndarray) -> bool:
    """Whether a host array lies in page-locked memory (none exists before CUDA is first used)."""
    if _cuda is _UNLOADED or _cuda is None:
        return False
    from .kernels.cuda import memory

    return memory.is_pinned(array)


def to_host(array) -> np.ndarray:
    """A host (numpy) copy of CUDA storage."""
    return array.to_host()


def synchronize() -> None:
    """Wait for every kernel queued on the current device."""
    _cuda.synchronize()


def is_simulator() -> bool:
    """True when numba-cuda runs its simulator (NUMBA_ENABLE_CUDASIM=1) rather than a GPU."""
    from .kernels.cuda import _backend

    return _backend.SIMULATED


def device_name(index: int) -> str:
    """The card's name (the simulator's device has none: it is named so)."""
    name = getattr(_cuda.gpus[index], "name", "numba-cuda simulator")
    return name.decode() if isinstance(name, bytes) else name


def device_properties(index: int) -> dict:
    """The properties ``torch.cuda.get_device_properties`` reports, read from the driver.

    The simulator's device has only a compute capability (5.2); there the memory is the host's
    (the simulator's device arrays are host arrays), one multiprocessor, and CUDA's fixed warp size
    and thread limit.
    """
    gpu = _cuda.gpus[index]
    major, minor = gpu.compute_capability
    properties = dict(name=device_name(index), major=major, minor=minor, total_memory=memory_info()[1],
                      uuid=getattr(gpu, "uuid", ""))
    if is_simulator():
        return properties | dict(multi_processor_count=1, L2_cache_size=0, warp_size=32,
                                 max_threads_per_multi_processor=1024)
    return properties | dict(multi_processor_count=gpu.MULTIPROCESSOR_COUNT, L2_cache_size=gpu.L2_CACHE_SIZE,
                             warp_size=gpu.WARP_SIZE,
                             max_threads_per_multi_processor=gpu.MAX_THREADS_PER_MULTIPROCESSOR)


def memory_info() -> tuple[int, int]:
    """``(free, total)`` bytes of the current device's memory, from the driver (on the simulator,
    whose device memory is host memory: the host's)."""
    if is_simulator():
        page = os.sysconf("SC_PAGE_SIZE")
        return os.sysconf("SC_AVPHYS_PAGES") * page, os.sysconf("SC_PHYS_PAGES") * page
    free, total = _cuda.current_context().get_memory_info()
    return int(free), int(total)


def new_event(timing: bool):
    """A CUDA event (``record``, ``wait``, ``query``, ``synchronize``, ``elapsed_time``): numba-cuda's,
    or on the simulator a :class:`_HostClockEvent`, since the simulator's events record no time."""
    return _HostClockEvent() if is_simulator() else _cuda.event(timing=timing)


class _HostClockEvent:
    """An event of the simulator, which runs every kernel before its launch returns: the host's
    clock at ``record`` is the time the device reached it, so timings mean what they say."""

    def __init__(self):
        self._time = None

    def record(self, stream=0) -> None:
        self._time = time.perf_counter()

    def wait(self, stream=0) -> None:
        """Nothing to wait for: the work before the event has run."""

    def query(self) -> bool:
        return True

    def synchronize(self) -> None:
        """Nothing to wait for: the work before the event has run."""

    def elapsed_time(self, end: "_HostClockEvent") -> float:
        return (end._time - self._time) * 1e3
