"""Flat views for kernels that update arrays in place (the optimizers' parameters and state).

The update kernels loop over one flat index. A C-contiguous array has a flat view that shares its
memory; any other array (a transposed parameter, say) is updated through a flat copy that is
written back afterwards.
"""
import numpy as np


def flat(array: np.ndarray) -> np.ndarray:
    """A flat view of a C-contiguous array, else a flat copy (give it to ``write_back`` after)."""
    return np.ascontiguousarray(array).reshape(-1)


def write_back(array: np.ndarray, updated: np.ndarray) -> None:
    """Copy an updated flat copy back into a non-contiguous ``array`` (a flat view needs nothing)."""
    if not array.flags.c_contiguous:
        array[...] = updated.reshape(array.shape)
