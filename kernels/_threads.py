"""minigrad's threads: one thread count for every parallel kernel and for BLAS, and the worker pool
that runs the convolutions' batch slices.

**One count, PyTorch's meaning.** ``set_num_threads(n)`` (``minigrad.set_num_threads``) sets how many
threads one operator may use: the convolution engine splits its batch over ``n`` threads, numba's
``prange`` kernels run on ``n`` threads, and numpy's BLAS is told ``n`` as well. The setting is
process-wide, as PyTorch's is; numba keeps its own count per calling thread, so every parallel launch
re-applies it (``_parallel.launch``).

**The pool.** A convolution is a loop over images, each image an unfold (a serial numba kernel) and a
GEMM (numpy's ``matmul``). ``run_split`` cuts the batch into one contiguous slice per thread and runs
the slices at once on plain Python threads: the numba kernels are compiled ``nogil=True`` and numpy
releases the GIL inside ``matmul``, so the slices really run in parallel, each on data that stays in
its core's cache. Inside such a region BLAS must run single-threaded, or each slice's GEMM would try
to use every core too (n x n threads fighting for n cores); ``run_split`` lowers BLAS to one thread
while any region runs and restores the configured count when the last one ends.

**Safe from several Python threads.** Any number of user threads may call ``run_split`` at once: each
call gets its own futures on the shared pool (a queue), and the BLAS count is reference-counted under a
lock. Numba's ``workqueue`` layer is not re-entrant, so its launches are serialised by ``_parallel``.

BLAS is reached through ``threadpoolctl`` (it finds numpy's OpenBLAS, MKL or BLIS and calls their
``set_num_threads``); without a BLAS it can control, the count only applies to minigrad's own threads.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Callable, TypeVar

Result = TypeVar("Result")

_lock = threading.Lock()
_num_threads = max(1, int(os.environ.get("NUMBA_NUM_THREADS") or os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None
_regions = 0  # single-threaded BLAS regions in flight, over all Python threads
_blas = None  # threadpoolctl's controller for BLAS, created on first use (it scans the loaded libraries)


def get_num_threads() -> int:
    """The number of threads a parallel operator uses (PyTorch's ``get_num_threads``)."""
    return _num_threads


def set_num_threads(count: int) -> None:
    """Use ``count`` threads in every parallel operator: minigrad's pool, numba's kernels, BLAS."""
    global _num_threads
    if isinstance(count, bool) or not isinstance(count, int):  # PyTorch's messages and type
        raise RuntimeError(f"set_num_threads expects an int, but got {type(count).__name__}")
    if count <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    import numba  # imported on first use, so that loading this module never loads numba

    count = min(count, numba.config.NUMBA_NUM_THREADS)  # numba's pool size is fixed when it loads
    with _lock:
        _num_threads = count
        numba.set_num_threads(count)
        if _regions == 0:
            _set_blas_threads(count)


def _set_blas_threads(count: int) -> None:
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController().select(user_api="blas")
    for library in _blas.lib_controllers:
        library.set_num_threads(count)


def _enter_region() -> None:
    global _regions
    with _lock:
        _regions += 1
        if _regions == 1:
            _set_blas_threads(1)


def _leave_region() -> None:
    global _regions
    with _lock:
        _regions -= 1
        if _regions == 0:
            _set_blas_threads(_num_threads)


@contextmanager
def single_threaded_blas():
    """Run the block with BLAS on one thread; nests and overlaps safely across Python threads."""
    _enter_region()
    try:
        yield
    finally:
        _leave_region()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(thread_name_prefix="minigrad")
        return _pool


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into ``min(parts, count)`` contiguous ``(start, stop)`` slices whose sizes
    differ by at most one, first to last."""
    parts = max(1, min(parts, count))
    bounds = [count * p // parts for p in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def run_split(task: Callable[[int, int], Result], count: int) -> list[Result]:
    """Call ``task(start, stop)`` on ``split(count, get_num_threads())``, the slices at once (the first
    on the calling thread, the others on the pool), with BLAS single-threaded meanwhile; return the
    results in slice order. With one slice the task runs directly and BLAS keeps all its threads.

    The slicing depends only on ``count`` and the thread count, so a caller that reduces the results
    in order gets the same bits at a given thread count, whichever thread ran which slice.
    """
    slices = split(count, _num_threads)
    if len(slices) == 1:
        return [task(*slices[0])]
    with single_threaded_blas():
        futures = [_executor().submit(task, *bounds) for bounds in slices[1:]]
        try:
            first = task(*slices[0])
        finally:
            wait(futures)  # never leave the region (and restore BLAS) while a slice still runs
        return [first] + [future.result() for future in futures]
