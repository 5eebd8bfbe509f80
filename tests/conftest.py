"""Test-wide settings.

Numba fixes its thread pool size when it first loads, so the pool is sized here, before any test
imports numba: kernel tests run each kernel under 1, 2 and 4 threads and compare the results to
catch data races in ``prange`` loops.
"""
import os

os.environ.setdefault("NUMBA_NUM_THREADS", "4")
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")  # as kernels/__init__.py; numba loads first here

import numba  # noqa: E402  (must come after the environment variable above)
import pytest  # noqa: E402


@pytest.fixture
def thread_counts():
    """Run a kernel under each thread count; restores the pool size afterwards."""
    previous = numba.get_num_threads()
    counts = [n for n in (1, 2, 4) if n <= numba.config.NUMBA_NUM_THREADS]
    yield counts
    numba.set_num_threads(previous)
