"""Random number generators: ``Generator``, ``manual_seed`` and the default generator.

Every random op (``rand``, ``randn``, dropout masks, ``randperm``, DataLoader shuffling) draws from
a ``Generator`` — the default one unless a ``generator=`` is passed — so ``manual_seed(s)`` makes a
whole run repeat. The CUDA kernels' draws (dropout masks on the GPU) come from the GPU's own
generator (``kernels/cuda/generator.py``), which ``manual_seed`` seeds too, as in PyTorch.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._device import to_storage
from .kernels.cuda.generator import default_generator as cuda_generator

if TYPE_CHECKING:
    from ._tensor import Tensor


class Generator:
    """A seeded stream of random numbers (numpy's PCG64 inside), as ``torch.Generator``."""

    def __init__(self, device="cpu"):
        self.device = device
        self._initial_seed = int(np.random.SeedSequence().entropy % (2 ** 63))
        self._numpy = np.random.Generator(np.random.PCG64(self._initial_seed))

    def manual_seed(self, seed: int) -> "Generator":
        seed = int(seed)
        self._initial_seed = seed
        self._numpy = np.random.Generator(np.random.PCG64(seed % (2 ** 64)))
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy % (2 ** 63)))
        return self._initial_seed

    def initial_seed(self) -> int:
        return self._initial_seed

    def get_state(self) -> dict:
        return self._numpy.bit_generator.state

    def set_state(self, state: dict) -> "Generator":
        self._numpy.bit_generator.state = state
        return self

    @property
    def numpy(self) -> np.random.Generator:
        """The numpy generator that does the drawing."""
        return self._numpy


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator and the GPU's (``minigrad.cuda.manual_seed``); returns the
    default generator, as PyTorch."""
    cuda_generator.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator from fresh entropy, and the GPU's with the same seed."""
    new_seed = default_generator.seed()
    cuda_generator.manual_seed(new_seed)
    return new_seed


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def numpy_generator(generator: Generator | None) -> np.random.Generator:
    """The numpy generator to draw from: ``generator``'s, or the default one's."""
    return (generator or default_generator).numpy


def kernel_generator(dev):
    """The generator a kernel on device ``dev`` draws from: the default generator's numpy one on
    the CPU, the GPU's own (``kernels/cuda/generator.py``) on CUDA."""
    return cuda_generator if dev.type == "cuda" else default_generator.numpy


def _draw_dtype(tensor) -> np.dtype:
    """Draw float32 tensors' samples in float32: half the memory and time of float64 draws
    (a VGG-16 classifier weight has 100 million elements)."""
    return tensor._data.dtype if tensor._data.dtype in (np.float32, np.float64) else np.float64


def uniform_(tensor, a: float = 0.0, b: float = 1.0, *, generator=None):
    values = numpy_generator(generator).random(tensor.shape, dtype=_draw_dtype(tensor))
    values *= b - a
    values += a
    return tensor._overwrite(values)


def normal_(tensor, mean: float = 0.0, std: float = 1.0, *, generator=None):
    values = numpy_generator(generator).standard_normal(tensor.shape, dtype=_draw_dtype(tensor))
    values *= std
    values += mean
    return tensor._overwrite(values)


def bernoulli_(tensor, p: float | Tensor = 0.5, *, generator=None):
    """1 with probability ``p`` (a number or a tensor of probabilities), else 0. The uniform draws
    are made on the host and, for a CUDA tensor, copied to it, as ``rand``'s."""
    draws = to_storage(numpy_generator(generator).random(tensor.shape), tensor.device)
    return tensor._overwrite(draws < getattr(p, "_data", p))


def random_(tensor, low: int = 0, high: int | None = None, *, generator=None):
    if high is None:
        low, high = 0, low if low else 2 ** 24
    return tensor._overwrite(numpy_generator(generator).integers(low, high, tensor.shape))


def exponential_(tensor, lambd: float = 1.0, *, generator=None):
    return tensor._overwrite(numpy_generator(generator).exponential(1 / lambd, tensor.shape))
