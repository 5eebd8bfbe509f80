"""Shared helpers for the data tests."""
import numpy as np
import pytest


def _plain(value):
    """A structure with tensors (minigrad's or torch's) replaced by (dtype name, shape, nested lists),
    containers by (type name, items): comparable across the two libraries."""
    if hasattr(value, "dtype") and hasattr(value, "shape") and not isinstance(value, (np.ndarray, np.generic)):
        return ("tensor", str(value.dtype).split(".")[-1], list(value.shape), value.tolist())
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return (type(value).__name__, tuple(_plain(item) for item in value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_plain(item) for item in value])
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.name, value.tolist())
    return value


@pytest.fixture
def plain():
    return _plain
