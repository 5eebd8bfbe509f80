"""The random stream of minigrad's CUDA kernels (dropout masks): as in PyTorch, the GPU draws from a
generator of its own, seeded by ``minigrad.cuda.manual_seed`` (and ``minigrad.manual_seed``).

State: a seed, and one xoroshiro128+ state (numba-cuda's ``numba.cuda.random``) per thread of the
largest grid (``_backend.MAX_THREADS``), made from the seed when first needed. Thread t of a drawing
kernel draws from state t, which advances with each draw and stays in device memory, so the states
are the stream's running position (what PyTorch's Philox generator keeps as a seed and an offset):
each kernel continues where the last one stopped and draws fresh numbers, and reseeding restarts the
stream. A kernel's draws thus depend on the seed, on the draws since seeding and on its grid size
(``blocks_for``, which differs between a GPU and the simulator).

The states are 128 bits each from numpy's PCG64 seeded with the seed, drawn on the host once per
seed. numba-cuda's ``create_xoroshiro128p_states`` instead jumps each state 2^64 steps past the
previous one, which guarantees disjoint streams but runs serially (131,072 jumps of 128 steps for a
full GPU grid; seconds for the simulator's 512); random starting points on xoroshiro128+'s cycle of
2^128 - 1 overlap with negligible probability.

Importing this module loads no numba-cuda (seeding works without it); the states are made on the
device the first time a kernel asks for them.
"""
from __future__ import annotations

import numpy as np


class CudaGenerator:
    """A seed and the per-thread xoroshiro128+ states drawn from it (see the module docstring)."""

    def __init__(self) -> None:
        self.manual_seed(int(np.random.SeedSequence().entropy % (2 ** 63)))  # unseeded: fresh, as on the CPU

    def manual_seed(self, seed: int) -> "CudaGenerator":
        """Restart the stream from ``seed``; the device states are remade at the next draw."""
        self._seed = int(seed)
        self._states = None
        return self

    def initial_seed(self) -> int:
        return self._seed

    def states(self):
        """The per-thread states, a device array of ``MAX_THREADS`` xoroshiro128+ records; kernels
        advance them in place as they draw."""
        if self._states is None:
            from ._backend import MAX_THREADS, cuda, random  # here, not at import: seeding needs no GPU

            bits = np.random.PCG64(self._seed % 2 ** 64).random_raw(2 * MAX_THREADS)
            self._states = cuda.to_device(bits.view(random.xoroshiro128p_dtype))
        return self._states


#: The generator of the CUDA kernels (one device: ``cuda:0``).
default_generator = CudaGenerator()
