"""Dropout's mask by :mod:`minigrad.kernels.reference.dropout`, in the fast kernel's dtype."""
import numpy as np

from .. import dropout as reference


def dropout_mask(shape, p, dtype, generator):
    return reference.dropout_mask(shape, p, dtype, generator).astype(np.dtype(dtype), copy=False)
