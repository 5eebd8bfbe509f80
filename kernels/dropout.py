"""Dropout's scaled keep-mask, drawn from a numpy generator (PyTorch's inverted dropout):

    mask[i] = scale if u_i >= p else 0,   u_i ~ U[0, 1) in C order,   scale = 1 / (1 - p)  (0 when p = 1)

so each element is kept with probability 1 - p. The uniforms are drawn in float32 for a float32 mask
(half the memory and time of float64 draws), in float64 otherwise, and p is compared in that dtype.
numpy does it in one draw and one select: no loop to write.

Reference: :mod:`minigrad.kernels.reference.dropout`.
"""
import numpy as np


def dropout_mask(shape: tuple, p: float, dtype, generator: np.random.Generator) -> np.ndarray:
    """The scaled keep-mask of dropout with probability ``p``: an array of ``shape`` and ``dtype``,
    1 / (1 - p) where an element is kept and 0 where it is dropped (module docstring); draws
    ``prod(shape)`` uniforms from ``generator``."""
    dtype = np.dtype(dtype)
    keep = generator.random(shape, dtype=np.float32 if dtype == np.float32 else np.float64) >= p  # P(keep) = 1 - p
    scale = 1.0 / (1.0 - p) if p < 1 else 0.0
    return np.where(keep, dtype.type(scale), dtype.type(0))
