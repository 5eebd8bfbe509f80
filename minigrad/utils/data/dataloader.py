"""``DataLoader``: iterate over a dataset in (shuffled) batches, as ``torch.utils.data.DataLoader``."""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Callable

from ... import accelerator
from ..._random import Generator, numpy_generator
from ._collate import default_collate, default_convert
from ._fetch import make_fetcher
from ._worker import ThreadDataLoaderIter, _WorkerSetup
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


class _InfiniteConstantSampler(Sampler):
    """``None`` forever: the requests for an iterable dataset, whose fetcher decides when to stop."""

    def __iter__(self):
        while True:
            yield None


class SingleProcessDataLoaderIter:
    """One epoch of batches, loaded in the calling thread when they are asked for."""

    def __init__(self, loader: "DataLoader") -> None:
        self._loader = loader
        self._requests = iter(loader._index_sampler)
        self._fetcher = make_fetcher(loader)

    def __iter__(self) -> "SingleProcessDataLoaderIter":
        return self

    def __next__(self):
        return self._fetcher.fetch(next(self._requests))

    def __len__(self) -> int:
        return len(self._loader)


class DataLoader:
    """Combines a dataset and a sampler and iterates over the dataset in batches.

    Each epoch (``for batch in loader``) the batch sampler yields lists of ``batch_size`` indices
    (``shuffle=True``: a fresh random permutation drawn from ``generator``, or from minigrad's
    default generator, so ``manual_seed`` repeats the order), the samples are read and merged by
    ``collate_fn`` (``default_collate``: samples stacked on a new first dim). ``drop_last`` drops a
    final batch shorter than ``batch_size``; ``len(loader)`` is the number of batches.
    ``batch_size=None`` turns batching off: each sample is converted by ``default_convert``.

    For an ``IterableDataset`` the dataset's own iterator gives the samples (no sampler, no
    shuffle), grouped into batches of ``batch_size``.

    ``num_workers > 0`` loads batches in ONE background thread, in order, up to
    ``prefetch_factor * num_workers`` batches ahead (see ``_worker.py`` for why a thread and how
    seeding stays repeatable); ``timeout`` bounds the wait for a batch, ``worker_init_fn(0)`` runs
    in the thread before it loads (once per epoch, or once in all with ``persistent_workers``), and
    :func:`get_worker_info` describes it. ``multiprocessing_context`` is validated as PyTorch's but
    there are no processes to start; ``in_order`` is always honoured. ``pin_memory=True`` copies
    each batch's tensors to page-locked memory when an accelerator exists (``_pin_memory.py``), and
    without one it warns, as PyTorch does.

    Fast path: with the default ``collate_fn``, datasets offering ``_collated_batch`` (``TensorDataset``,
    a ``Subset`` of one, MNIST without transforms or with deterministic ones such as
    ``Compose([ToTensor(), Normalize(...)])``) are read one whole batch at a time: an epoch of
    MNIST's 60 000 images in batches of 64 takes about 0.1 s on a 2-core machine, against
    1.5-2 s when each sample goes through Python (random augmentation, custom ``collate_fn``).
    """

    _WATCHED_ATTRIBUTES = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")
    __initialized = False

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable | None = None, batch_sampler: Sampler | Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Callable | None = None,
                 multiprocessing_context=None, generator: Generator | None = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        prefetch_factor = _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers,
                                                multiprocessing_context)
        if isinstance(dataset, IterableDataset):
            _check_iterable_options(shuffle, sampler, batch_sampler)
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None:
            if isinstance(dataset, IterableDataset):
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self.persistent_workers = persistent_workers
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if batch_sampler is not None else default_convert)
        self._worker_setup: _WorkerSetup | None = None
        self.__initialized = True

    def __setattr__(self, attr: str, value) -> None:
        if self.__initialized and attr in self._WATCHED_ATTRIBUTES:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> SingleProcessDataLoaderIter | ThreadDataLoaderIter:
        if self.pin_memory and not accelerator.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device "
                          "pinned memory won't be used.", stacklevel=2)
        # Drawn every epoch, workers or not (as PyTorch), so the shuffle order does not depend on num_workers.
        worker_seed = int(numpy_generator(self.generator).integers(0, 2 ** 63))
        if self.num_workers == 0:
            return SingleProcessDataLoaderIter(self)
        if self._worker_setup is None or not self.persistent_workers:
            self._worker_setup = _WorkerSetup(self, worker_seed)
        return ThreadDataLoaderIter(self, self._worker_setup)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            return length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
        return len(self._index_sampler)


def _check_worker_options(num_workers: int, timeout: float, prefetch_factor: int | None,
                          persistent_workers: bool, multiprocessing_context) -> int | None:
    """PyTorch's checks of the worker options; returns the effective ``prefetch_factor``."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                         "to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if multiprocessing_context is not None and num_workers == 0:
        raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                         f"but got num_workers={num_workers}")
    return 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor


def _check_iterable_options(shuffle, sampler, batch_sampler) -> None:
    """An iterable dataset decides its own order: no shuffle, sampler or batch sampler."""
    if shuffle not in (False, None):
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
    if sampler is not None:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
    if batch_sampler is not None:
        raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                         f"batch_sampler={batch_sampler}")
