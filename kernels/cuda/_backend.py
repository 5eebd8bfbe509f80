"""Every import of numba-cuda in minigrad, and the launch sizes of the CUDA kernels.

minigrad's GPU path runs on NVIDIA's ``numba-cuda`` package (the optional extra ``cuda``), which
provides ``from numba import cuda`` and its random number generators, ``numba.cuda.random``
(xoroshiro128+ states that device code draws from). Every other file asks this one for ``cuda`` and
``random``, so moving to another CUDA binding is a change here (and in the kernels' decorators).
``minigrad/_cuda_backend.py`` reads it for the framework side (availability, device queries).

With ``NUMBA_ENABLE_CUDASIM=1`` (set before numba is first imported) numba-cuda's simulator runs
the same kernels on the CPU, one Python thread per CUDA thread: the test suite uses it where no GPU
exists.
"""
from __future__ import annotations

try:
    # numba still ships its deprecated built-in CUDA target under the same name: import numba-cuda's
    # own package first, so that without it CUDA is unavailable rather than half there.
    import numba_cuda  # noqa: F401
    from numba import cuda
    from numba.cuda import random
except ImportError:  # numba-cuda is optional; without it the CPU path is all there is
    cuda = random = None

#: True on numba-cuda's simulator.
SIMULATED = cuda is not None and cuda.jit.__module__.startswith("numba.cuda.simulator")

# A grid-stride loop lets a kernel cover any size with any grid. A GPU gets 128-thread blocks and
# enough of them to fill its multiprocessors; the simulator, which runs each CUDA thread as a Python
# thread, gets a few small blocks (still more than one, so that races between blocks would show).
#: Threads per block of the one-dimensional (grid-stride) kernels.
THREADS = 16 if SIMULATED else 128
_MAX_BLOCKS = 4 if SIMULATED else 1024
#: Threads of the largest grid :func:`blocks_for` gives.
MAX_THREADS = _MAX_BLOCKS * THREADS


def blocks_for(count: int, threads: int = THREADS) -> int:
    """Blocks of ``threads`` for a grid-stride loop over ``count`` items (at least one)."""
    return max(1, min(_MAX_BLOCKS, -(-count // threads)))
