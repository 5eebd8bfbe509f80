"""``num_workers > 0``: one background thread that loads batches ahead of the training loop.

PyTorch starts ``num_workers`` processes. minigrad starts a single thread instead: numpy and the
BLAS matmuls release the GIL, so reading, transforming and collating the next batches overlaps
with much of a training step, without the cost of copying batches between processes. Up to
``prefetch_factor * num_workers`` batches are requested ahead; they come back in order.

Repeatability follows PyTorch's design. The main thread draws the indices (so shuffling uses
the loader's generator in a fixed order) and hands them to the worker. The worker gets its own
seed, drawn from the loader's generator (or the default one) when the epoch starts, and random
data transforms inside it draw from a generator seeded with it (see :func:`data_rng`), so
``minigrad.manual_seed`` repeats a run with random augmentation too. Other random ops called
from dataset code draw from minigrad's default generator in whichever thread runs them.
"""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

import numpy as np

from ..._random import Generator, numpy_generator
from ._fetch import make_fetcher

_thread_state = threading.local()

# Messages from the worker thread to the main thread.
_BATCH, _END, _ERROR = "batch", "end", "error"
_SHUTDOWN = object()


@dataclass(frozen=True)
class WorkerInfo:
    """Describes the loading worker the calling code runs in (see :func:`get_worker_info`)."""

    id: int
    num_workers: int
    seed: int
    dataset: object


def get_worker_info() -> WorkerInfo | None:
    """Inside a DataLoader worker thread: its ``WorkerInfo``; anywhere else ``None``.

    ``num_workers`` is always 1 here (minigrad loads with one thread), so an ``IterableDataset``
    that splits its data by ``id`` and ``num_workers`` yields every sample exactly once.
    """
    return getattr(_thread_state, "info", None)


def data_rng() -> np.random.Generator:
    """The numpy generator that random data transforms draw from: the worker's own inside a
    DataLoader worker thread, minigrad's default generator anywhere else."""
    return numpy_generator(getattr(_thread_state, "generator", None))


class _WorkerSetup:
    """The worker's identity and random generator; kept across epochs with ``persistent_workers``."""

    def __init__(self, loader, seed: int) -> None:
        self.info = WorkerInfo(id=0, num_workers=1, seed=seed, dataset=loader.dataset)
        self.generator = Generator().manual_seed(seed)
        self.needs_init = True


def _worker_loop(loader, setup: _WorkerSetup, tasks: queue.SimpleQueue, results: queue.SimpleQueue,
                 stop: threading.Event) -> None:
    _thread_state.info, _thread_state.generator = setup.info, setup.generator
    try:
        if setup.needs_init and loader.worker_init_fn is not None:
            loader.worker_init_fn(setup.info.id)
        setup.needs_init = False
        fetcher = make_fetcher(loader)
    except BaseException as error:  # noqa: BLE001  (handed to the main thread, which re-raises it)
        results.put((_ERROR, error))
        return
    while (request := tasks.get()) is not _SHUTDOWN and not stop.is_set():
        try:
            results.put((_BATCH, fetcher.fetch(request)))
        except StopIteration:
            results.put((_END, None))
        except BaseException as error:  # noqa: BLE001
            results.put((_ERROR, error))


class ThreadDataLoaderIter:
    """One epoch of batches, loaded by a background thread (see the module docstring)."""

    def __init__(self, loader, setup: _WorkerSetup) -> None:
        # Queues and flags first: __del__ must be able to shut down whatever got started.
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._pending = 0
        self._loader = loader
        self._requests = iter(loader._index_sampler)
        thread = threading.Thread(target=_worker_loop, name="minigrad-DataLoader-worker-0", daemon=True,
                                  args=(loader, setup, self._tasks, self._results, self._stop))
        thread.start()
        for _ in range(max(1, loader.prefetch_factor * loader.num_workers)):
            self._request_next()

    def _request_next(self) -> None:
        # Indices are drawn here, in the main thread, so shuffling is repeatable.
        request = next(self._requests, _SHUTDOWN)
        if request is not _SHUTDOWN:
            self._tasks.put(request)
            self._pending += 1

    def _shutdown(self) -> None:
        if not self._stop.is_set():
            self._stop.set()
            self._tasks.put(_SHUTDOWN)
        self._pending = 0

    def __iter__(self) -> "ThreadDataLoaderIter":
        return self

    def __next__(self):
        if self._pending == 0:
            self._shutdown()
            raise StopIteration
        timeout = self._loader.timeout
        try:
            kind, value = self._results.get(timeout=timeout if timeout > 0 else None)
        except queue.Empty:
            self._shutdown()
            raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None
        self._pending -= 1
        if kind == _BATCH:
            self._request_next()
            return value
        self._shutdown()
        if kind == _END:
            raise StopIteration
        raise value

    def __len__(self) -> int:
        return len(self._loader)

    def __del__(self) -> None:
        self._shutdown()
