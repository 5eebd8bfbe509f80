"""Every CUDA import of minigrad, in one place.

minigrad's GPU path runs on NVIDIA's ``numba-cuda`` package (the optional extra ``cuda``), which
provides ``from numba import cuda``. The rest of minigrad asks this module — whether CUDA is
usable, how to move arrays between host and device, whether an array lives on the device — and
never imports ``numba.cuda`` itself, so moving to another CUDA binding is a change to this file.

With ``NUMBA_ENABLE_CUDASIM=1`` (set before numba is first imported) numba-cuda's simulator runs
the same code on the CPU with Python threads: the test suite uses it where no GPU exists.
"""
from __future__ import annotations

import numpy as np

_UNLOADED = object()
# numba.cuda, imported on first use (``import minigrad`` loads no numba); None without numba-cuda.
_cuda = _UNLOADED
# The storage types of CUDA tensors: numba-cuda's device array, or its simulator's stand-in (none
# before numba.cuda is loaded: no device array can exist then).
_DEVICE_ARRAY_TYPES: tuple[type, ...] = ()


def _numba_cuda():
    """``numba.cuda``, or None when numba-cuda is not installed."""
    global _cuda, _DEVICE_ARRAY_TYPES
    if _cuda is _UNLOADED:
        try:
            # numba still ships its deprecated built-in CUDA target under the same name: import
            # numba-cuda's own package first, so that without it CUDA is unavailable.
            import numba_cuda  # noqa: F401
            from numba import cuda
        except ImportError:  # numba-cuda is optional; without it the CPU path is all there is
            cuda = None
        if cuda is not None:
            arrays = cuda.devicearray
            _DEVICE_ARRAY_TYPES = ((arrays.FakeCUDAArray,) if hasattr(arrays, "FakeCUDAArray")
                                   else (arrays.DeviceNDArrayBase,))
        _cuda = cuda
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
    """True for a numba-cuda device array (real or simulated); False for numpy arrays and others."""
    return isinstance(array, _DEVICE_ARRAY_TYPES)


def to_device(array: np.ndarray):
    """A device copy of a host array (C-contiguous, as the kernels index it)."""
    return _cuda.to_device(np.ascontiguousarray(array))


def to_host(array) -> np.ndarray:
    """A host (numpy) copy of a device array."""
    return array.copy_to_host()


def synchronize() -> None:
    """Wait for every kernel queued on the current device."""
    _cuda.synchronize()


def device_name(index: int) -> str:
    """The card's name (the simulator's device has none: it is named so)."""
    name = getattr(_cuda.gpus[index], "name", "numba-cuda simulator")
    return name.decode() if isinstance(name, bytes) else name
