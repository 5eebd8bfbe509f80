"""The arrays the norm and loss kernels index: flat C-contiguous numba device arrays, and optional
per-channel / per-class parameters (a norm's weight and bias, a loss's class weights) as float64
vectors, a constant where the parameter is None."""
from __future__ import annotations

import numpy as np

from .array import CudaArray


def flat(array: CudaArray, dtype=None):
    """``array`` (cast to ``dtype`` when given) as a flat C-contiguous numba device array: a view of
    its buffer when it is contiguous (so a kernel's writes land in ``array``), else of a copy."""
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return array.reshape(-1).device_array()


def float64_vector(param: CudaArray | None, count: int, default: float):
    """``param`` (``count`` elements, any shape) as a flat float64 device array, or ``default``
    everywhere when None."""
    if param is None:
        vector = CudaArray.empty((count,), np.float64)
        vector.fill(default)
        return vector.device_array()
    return flat(param, np.float64)
