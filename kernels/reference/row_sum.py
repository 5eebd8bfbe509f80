"""Row sums and their adjoint, the fill of each row with one value, by their definitions::

    forward:   out[r]       = (sum_s x[r, s]) / divisor          (divisor 1: a sum; S: a mean)
    backward:  grad_x[r, s] = grad_out[r] / divisor

Fast kernel: :mod:`minigrad.kernels.row_sum`.
"""
import math

import numpy as np


def row_sums(x: np.ndarray, divisor: float = 1.0) -> np.ndarray:
    """x (R, S) -> (R,) float64, each row summed exactly (``math.fsum``) then divided."""
    return np.array([math.fsum(float(v) for v in row) / divisor for row in x], np.float64)


def row_fill(values: np.ndarray, shape: tuple, divisor: float = 1.0) -> np.ndarray:
    """An array of ``shape`` (R rows of S contiguous values, R = values.size), float64, with row r
    equal to ``values[r] / divisor`` everywhere."""
    values = np.ravel(values)
    rows = np.empty((values.size, math.prod(shape) // values.size if values.size else 0))
    for r, s in np.ndindex(rows.shape):
        rows[r, s] = float(values[r]) / divisor
    return rows.reshape(shape)
