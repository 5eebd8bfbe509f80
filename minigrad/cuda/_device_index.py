"""The CUDA device index a ``device=`` argument of ``minigrad.cuda``'s functions names."""
from __future__ import annotations

from .._device import as_device


def device_index(device) -> int:
    """The index of ``None`` (the current device, 0), an int, a string such as ``'cuda:0'`` or a
    device; a CPU device raises PyTorch's ValueError."""
    if device is None:
        return 0
    if isinstance(device, int):
        return device
    dev = as_device(device)
    if dev.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {dev}")
    return dev.index or 0
