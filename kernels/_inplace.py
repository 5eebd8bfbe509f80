"""Flat views for kernels that update arrays in place (the optimizers' parameters and state).

The update kernels loop over one flat index. A C-contiguous float32/float64 array has a flat view
that shares its memory; any other array (a transposed parameter, say, or a float16 one: Numba has no
half type, so it is updated in float32) goes through a flat working copy that is written back
afterwards.
"""
import numpy as np


def flat(array: np.ndarray) -> np.ndarray:
    """A flat view of a C-contiguous array, else a flat working copy, float16 widened to float32
    (give it to ``write_back`` after)."""
    return np.ascontiguousarray(array, np.float32 if array.dtype == np.float16 else None).reshape(-1)


def write_back(array: np.ndarray, updated: np.ndarray) -> None:
    """Copy an updated working copy back into ``array`` (a flat view needs nothing)."""
    if not (array.flags.c_contiguous and array.dtype == updated.dtype):
        array[...] = updated.reshape(array.shape)
