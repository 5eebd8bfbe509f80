"""The GPU's random seeds, as ``torch.cuda``'s: the generator the CUDA kernels draw from.

The stream itself is described in ``kernels/cuda/generator.py``; dropout's masks draw from it.
Tensors made by ``rand`` / ``randn`` on CUDA are drawn on the host (by the CPU generator) and copied.
"""
from __future__ import annotations

from ..kernels.cuda.generator import default_generator as cuda_generator


def manual_seed(seed: int) -> None:
    """Seed the GPU's generator. Works without a GPU, as in PyTorch: scripts seed it
    unconditionally. ``minigrad.manual_seed`` seeds it too."""
    cuda_generator.manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every GPU's generator; minigrad has one GPU: :func:`manual_seed`."""
    manual_seed(seed)


def initial_seed() -> int:
    """The seed of the GPU's generator."""
    return cuda_generator.initial_seed()
