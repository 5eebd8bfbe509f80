"""Dropout's keep-mask by its definition: with uniforms u_i ~ U[0, 1) (one per element, C order),

    mask_i = 1 / (1 - p)  if u_i >= p  else 0

so element i survives with probability 1 - p, scaled to keep E[x * mask] = x. The uniforms come
from the generator as the fast kernel draws them (float32 for a float32 mask, else float64), so
both see the same u for the same generator state.

Fast kernel: :mod:`minigrad.kernels.dropout`.
"""
import numpy as np


def dropout_mask(shape: tuple, p: float, dtype, generator: np.random.Generator) -> np.ndarray:
    """The mask, float64, of ``shape``; ``dtype`` is the fast kernel's result dtype (it picks the draws)."""
    uniforms = generator.random(shape, dtype=np.float32 if np.dtype(dtype) == np.float32 else np.float64)
    mask = np.empty(shape)
    for i in np.ndindex(mask.shape):
        mask[i] = 1.0 / (1.0 - p) if uniforms[i] >= p else 0.0
    return mask
