"""Fetchers: turn one request from the index sampler into one batch.

A request is a list of indices (map-style, batched), one index (map-style, ``batch_size=None``),
or a list of ``None`` whose length is the batch size (iterable-style). The fetcher reads the
samples and applies ``collate_fn``; an iterable fetcher raises ``StopIteration`` when the
dataset runs dry.
"""
from __future__ import annotations

import itertools

from ... import accelerator
from ._collate import default_collate
from ._pin_memory import PinningFetcher
from .dataset import IterableDataset


class MapDatasetFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn

    def fetch(self, request):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[request])
        # Read per call: a dataset's fast path may depend on settings changed between epochs.
        collated_batch = getattr(self.dataset, "_collated_batch", None)
        if collated_batch is not None and self.collate_fn is default_collate:
            return collated_batch(request)
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(request) if callable(getitems) else [self.dataset[i] for i in request]
        return self.collate_fn(samples)


class IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, request):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        samples = list(itertools.islice(self.dataset_iter, len(request)))
        self.ended = len(samples) < len(request)
        if not samples or (self.drop_last and self.ended):
            raise StopIteration
        return self.collate_fn(samples)


def make_fetcher(loader) -> MapDatasetFetcher | IterableDatasetFetcher | PinningFetcher:
    """The fetcher for ``loader``'s dataset kind (an iterable one starts a fresh pass over the data),
    pinning its batches when ``pin_memory`` is asked for and an accelerator exists."""
    kind = IterableDatasetFetcher if isinstance(loader.dataset, IterableDataset) else MapDatasetFetcher
    fetcher = kind(loader.dataset, loader._auto_collation, loader.collate_fn, loader.drop_last)
    return PinningFetcher(fetcher) if loader.pin_memory and accelerator.is_available() else fetcher
