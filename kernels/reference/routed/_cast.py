"""Results of a reference, float64, back in the dtype the fast kernel returns."""
import numpy as np


def like(result: np.ndarray | None, array: np.ndarray) -> np.ndarray | None:
    """``result`` in ``array``'s dtype (None stays None)."""
    return None if result is None else np.asarray(result).astype(array.dtype, copy=False)
