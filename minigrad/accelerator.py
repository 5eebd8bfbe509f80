"""``minigrad.accelerator``: the device-agnostic accelerator queries of PyTorch 2.6+."""
from __future__ import annotations

from . import cuda
from ._device import device


def is_available() -> bool:
    """True when an accelerator (CUDA) is present."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False) -> device | None:
    """The accelerator device, ``device(type='cuda')``, or None when there is none (training then
    runs on the CPU)."""
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    return cuda.device_count()


def synchronize(device=None) -> None:
    """Wait for the accelerator's queued work."""
    cuda.synchronize(device)
