"""kernels/gemm.py: numpy's product, on one BLAS thread below the size limit and on all above it."""
import contextlib

import numpy as np
import pytest

from minigrad.kernels import _threads, gemm


@pytest.fixture
def single_threaded_entries(monkeypatch):
    """Count the products that ran inside ``_threads.single_threaded_blas``."""
    entries = []

    @contextlib.contextmanager
    def recording():
        entries.append(True)
        yield

    monkeypatch.setattr(_threads, "single_threaded_blas", recording)
    previous = _threads.get_num_threads()
    _threads.set_num_threads(2)
    yield entries
    _threads.set_num_threads(previous)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 1))])
def test_equals_numpy(shapes):
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(s).astype(np.float32) for s in shapes)
    np.testing.assert_array_equal(gemm.matmul(a, b), np.matmul(a, b))


def test_small_products_run_on_one_blas_thread_and_large_ones_on_all(single_threaded_entries):
    small = np.ones((64, 3136), np.float32), np.ones((3136, 10), np.float32)  # the MNIST CNN's head
    large = np.ones((64, 784), np.float32), np.ones((784, 300), np.float32)  # an MLP's first layer
    gemm.matmul(*small)
    assert len(single_threaded_entries) == 1
    gemm.matmul(*large)
    assert len(single_threaded_entries) == 1


def test_single_threaded_blas_restores_the_count():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    previous = _threads.get_num_threads()
    _threads.set_num_threads(2)
    try:
        with _threads.single_threaded_blas():
            with _threads.single_threaded_blas():  # nested, as when two Python threads overlap
                pass
            inside = [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
        after = [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
        assert set(inside) <= {1} and set(after) <= {2}
    finally:
        _threads.set_num_threads(previous)
