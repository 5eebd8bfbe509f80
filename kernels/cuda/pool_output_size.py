"""Output length of a pooling window along one axis, for CUDA tensors: host arithmetic on sizes.

CPU sibling: :mod:`minigrad.kernels.pool_output_size`, re-exported: the function takes and returns
Python ints (no array crosses), so both devices share one implementation. The argument checks of
pooling look it up per device (``kernel_module("pool_output_size", device)``).
"""
from ..pool_output_size import pool_output_size

__all__ = ["pool_output_size"]
