"""Test-wide settings.

Numba fixes its thread pool size when it first loads, so the pool is sized here, before any test
imports numba: kernel tests run each kernel under 1, 2 and 4 threads and compare the results to
catch data races in ``prange`` loops.

Numba also reads NUMBA_ENABLE_CUDASIM when it loads: the CUDA tests (tests/cuda) run on numba-cuda's
simulator unless a developer with a GPU runs ``NUMBA_ENABLE_CUDASIM=0 pytest``. The simulator
affects numba's CUDA target only; the CPU kernels compile as before.
"""
import os

os.environ.setdefault("NUMBA_NUM_THREADS", "4")
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")  # as kernels/__init__.py; numba loads first here
os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")

import numba  # noqa: E402  (must come after the environment variable above)

try:
    # numba.cuda chooses the simulator or the driver when it is first imported, from numba's config,
    # which numba re-reads from the environment at each compilation: import it now, while the
    # variable says "simulator", not later inside a test that hides CUDA (cuda_hidden below).
    import numba_cuda  # noqa: E402, F401
    from numba import cuda as _cuda  # noqa: E402, F401
except ImportError:  # numba-cuda is optional: tests/cuda then skip
    pass
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def thread_counts():
    """Run a kernel under each thread count (set with ``_threads.set_num_threads``, which sets
    minigrad's pool, numba's and BLAS's count alike); restores the count afterwards."""
    from minigrad.kernels import _threads

    previous = _threads.get_num_threads()
    counts = [n for n in (1, 2, 4) if n <= numba.config.NUMBA_NUM_THREADS]
    yield counts
    _threads.set_num_threads(previous)


@pytest.fixture(params=["channels_first", "channels_last", "direct"])
def conv_path(request, monkeypatch):
    """Run a convolution test through each algorithm of kernels/conv2d.py, which picks one by the
    input channels per group; the thresholds are forced here so every config takes each path:
    the GEMM with either unfold layout, or the direct loops for every grouped convolution."""
    from minigrad.kernels import conv2d

    huge = 1 << 30
    direct_max, channels_last_min = {"channels_first": (0, huge), "channels_last": (0, 1),
                                     "direct": (huge, huge)}[request.param]
    monkeypatch.setattr(conv2d, "DIRECT_MAX_GROUP_CHANNELS", direct_max)
    monkeypatch.setattr(conv2d, "CHANNELS_LAST_MIN_CHANNELS", channels_last_min)
    return request.param


@pytest.fixture
def check_thread_counts(thread_counts):
    """``check(run)``: ``run()`` returns a tuple of arrays. At each thread count two runs must agree
    bit for bit (parallel sums are reduced in a fixed order); different counts may differ in the last
    bits (the weight gradient's partial sums are grouped by thread), so they agree within float32
    rounding."""
    return lambda run: _same_bits_per_count_and_close_across(run, thread_counts)


def _same_bits_per_count_and_close_across(run, thread_counts):
    from minigrad.kernels import _threads

    first = None
    for count in thread_counts:
        _threads.set_num_threads(count)
        results, again = run(), run()
        for a, b in zip(results, again):
            assert np.array_equal(a, b), f"two runs differ at {count} threads"
        if first is None:
            first = results
        for a, b in zip(results, first):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(b).max(), err_msg=f"{count} threads")


@pytest.fixture(autouse=True)
def cuda_hidden(monkeypatch):
    """Outside tests/cuda, minigrad sees no CUDA (as without numba-cuda), even on the simulator: scripts
    that pick the accelerator by themselves (the examples, pytorch/examples' mnist) must keep training
    on the CPU here, since the simulator runs each CUDA thread as a Python thread. Subprocesses see no simulator and
    no GPU. tests/cuda/conftest.py overrides this fixture."""
    from minigrad import _cuda_backend

    monkeypatch.setattr(_cuda_backend, "_cuda", None)
    monkeypatch.setenv("NUMBA_ENABLE_CUDASIM", "0")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
