"""``minigrad.cuda``: GPU queries, as ``torch.cuda``. They ask minigrad/_cuda_backend.py (numba-cuda).

minigrad uses one CUDA device, ``cuda:0``: there is no ``set_device``, so the current device is
always 0.
"""
from __future__ import annotations

from . import _cuda_backend
from ._device import as_device
from .kernels.cuda.generator import default_generator as cuda_generator


def is_available() -> bool:
    """True when numba-cuda is installed and finds a GPU (or runs its simulator: NUMBA_ENABLE_CUDASIM=1)."""
    return _cuda_backend.is_available()


def device_count() -> int:
    return _cuda_backend.device_count()


def current_device() -> int:
    _cuda_backend.require()
    return 0


def get_device_name(device=None) -> str:
    index = _index(device)
    _cuda_backend.require(index)
    return _cuda_backend.device_name(index)


def synchronize(device=None) -> None:
    """Wait until every kernel queued on the device has finished."""
    _cuda_backend.require(_index(device))
    _cuda_backend.synchronize()


def manual_seed(seed: int) -> None:
    """Seed the GPU's generator, from which the CUDA kernels draw (dropout masks; the stream is
    described in ``kernels/cuda/generator.py``). Works without a GPU, as in PyTorch: scripts seed
    it unconditionally. ``minigrad.manual_seed`` seeds it too. Tensors made by ``rand``/``randn``
    on CUDA are drawn on the host (by the CPU generator) and copied."""
    cuda_generator.manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every GPU's generator; minigrad has one GPU: :func:`manual_seed`."""
    manual_seed(seed)


def initial_seed() -> int:
    """The seed of the GPU's generator."""
    return cuda_generator.initial_seed()


def _index(device) -> int:
    """The device index of ``None`` (the current device), an int, a string or a device."""
    if device is None:
        return 0
    dev = as_device(device)
    if dev.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {dev}")
    return dev.index or 0
