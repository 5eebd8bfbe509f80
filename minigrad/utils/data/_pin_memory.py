"""Pinning a batch: ``DataLoader(pin_memory=True)`` copies each batch's tensors to page-locked memory.

From there ``batch.to('cuda')`` copies faster: the driver reads the pages directly instead of first
staging them through a page-locked buffer of its own. The batch keeps its structure (tensors inside
dicts, lists, tuples and named tuples are pinned; other values pass through), as PyTorch's
``pin_memory`` does. The loading thread pins, so with ``num_workers > 0`` it overlaps training.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..._tensor import Tensor


def pin_batch(data):
    """``data`` with every tensor in it pinned."""
    if isinstance(data, Tensor):
        return data.pin_memory()
    if isinstance(data, Mapping):
        return type(data)({key: pin_batch(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a named tuple
        return type(data)(*(pin_batch(value) for value in data))
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        pinned = [pin_batch(value) for value in data]
        return tuple(pinned) if isinstance(data, tuple) else pinned
    return data


class PinningFetcher:
    """A fetcher whose batches come pinned."""

    def __init__(self, fetcher) -> None:
        self._fetcher = fetcher

    def fetch(self, request):
        return pin_batch(self._fetcher.fetch(request))
