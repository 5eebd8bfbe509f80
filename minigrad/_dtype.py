"""Data types: PyTorch-style ``minigrad.float32`` objects over numpy dtypes, and type promotion.

PyTorch promotes by *category* (bool < integer < floating) and lets a tensor with dimensions
outrank a zero-dimensional tensor, which outranks a Python scalar, only within the winning
category. ``result_type`` implements that rule, so ``int64_tensor * 2.5`` is float32 (the default
dtype) and ``float32_tensor + float64_scalar_tensor`` stays float32, exactly as in PyTorch.
"""
from __future__ import annotations

import builtins

import numpy as np


class dtype:  # noqa: N801  (PyTorch's name)
    """A tensor element type, e.g. ``minigrad.float32``; ``.numpy`` is the matching numpy dtype."""

    __slots__ = ("name", "numpy", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, numpy_dtype: np.dtype):
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        self.is_floating_point = self.numpy.kind == "f"
        self.is_signed = self.numpy.kind in "fi"
        self.itemsize = self.numpy.itemsize

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    @property
    def is_complex(self) -> bool:
        return False


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001  (PyTorch's name)

# PyTorch's aliases.
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_FROM_NUMPY = {d.numpy: d for d in _ALL}
_NAMES = {d.name: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy_dtype(numpy_dtype) -> dtype:
    """The minigrad dtype for a numpy dtype; TypeError for kinds minigrad has no tensor type for."""
    found = _FROM_NUMPY.get(numpy_dtype) if isinstance(numpy_dtype, np.dtype) else None
    if found is not None:  # the hot path (every ``Tensor.dtype``): skip the np.dtype() call
        return found
    try:
        return _FROM_NUMPY[np.dtype(numpy_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(numpy_dtype)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(value) -> dtype:
    """Accept a minigrad dtype, a numpy dtype or a Python type (``float``, ``int``, ``bool``)."""
    if isinstance(value, dtype):
        return value
    if value is builtins.float:
        return get_default_dtype()
    if value is builtins.int:
        return int64
    if value is builtins.bool:
        return bool
    return from_numpy_dtype(value)


_default_dtype = float32


def get_default_dtype() -> dtype:
    """The dtype of floating tensors created from Python floats (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype; as in PyTorch only float32 and float64 are allowed."""
    global _default_dtype
    if d not in (float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_dtype = d


def _category(d: dtype) -> builtins.int:
    return 2 if d.is_floating_point else (0 if d is bool else 1)


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to without losing their category."""
    return from_numpy_dtype(np.promote_types(a.numpy, b.numpy))


def _scalar_dtype(value) -> dtype:
    if isinstance(value, (builtins.bool, np.bool_)):
        return bool
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    return get_default_dtype()


def result_type(*operands) -> dtype:
    """PyTorch's promotion over tensors and Python scalars (see the module docstring).

    ``operands`` are objects with ``.dtype`` and ``.ndim`` (tensors) or Python numbers.
    """
    ranked: list[list[dtype]] = [[], [], []]  # dimensioned tensors, 0-d tensors, scalars
    for x in operands:
        if hasattr(x, "ndim"):
            ranked[0 if x.ndim > 0 else 1].append(x.dtype)
        else:
            ranked[2].append(_scalar_dtype(x))
    top = max(_category(d) for group in ranked for d in group)
    for group in ranked:
        winners = [d for d in group if _category(d) == top]
        if winners:
            result = winners[0]
            for d in winners[1:]:
                result = promote_types(result, d)
            return result
    raise AssertionError("result_type needs at least one operand")
