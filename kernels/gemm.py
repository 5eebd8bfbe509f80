"""Dense matrix products on numpy's BLAS, each on as many BLAS threads as it is worth.

``matmul(a, b)`` is ``np.matmul(a, b)``. Only the thread count differs: a product of fewer than
``SINGLE_THREAD_MAX_MACS`` (2^21) multiply-adds runs with BLAS on one thread. Why: OpenBLAS wakes its
worker threads for any product above about 2^18 multiply-adds, and after the call they spin for about
0.1 s (its default thread timeout) waiting for more work. A small product gains microseconds from
them, but everything parallel that follows in that tenth of a second (the convolution engine's
threads, numba's kernels) shares its cores with a spinning thread: on the 2-core target the MNIST
CNN's training step took 89 ms with its 64x3136x10 head on two BLAS threads and 59 ms with OpenBLAS's
spinning switched off. Large products (an MLP's 64x784x300) keep every thread.

The count goes through ``_threads`` (reference-counted, so it is safe from several Python threads).

Reference: :mod:`minigrad.kernels.reference.gemm`.
"""
import numpy as np

from . import _threads

# Products below this many multiply-adds run on one BLAS thread (see the module docstring).
SINGLE_THREAD_MAX_MACS = 1 << 21


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.matmul(a, b)`` for arrays of at least 2 dimensions, with the thread count chosen above."""
    macs = a.size * b.shape[-1]  # batch * M * K * N for (.., M, K) @ (.., K, N), up to broadcasting
    if macs < SINGLE_THREAD_MAX_MACS and _threads.get_num_threads() > 1:
        with _threads.single_threaded_blas():
            return np.matmul(a, b)
    return np.matmul(a, b)
