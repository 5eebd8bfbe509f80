"""Shared argument handling: turning operands into tensors, dtype promotion and dims."""
from __future__ import annotations

import numbers

import numpy as np

from .._device import as_array
from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._messages import typename


PYTHON_NUMBERS = (int, float, bool)  # checked by type first: isinstance with numbers.Number is slow


def operands(fn: str, input, other, other_name: str = "other", position: int = 1) -> tuple:
    """The two operands of a binary op, each a Tensor or a number, or PyTorch's TypeError naming
    the other argument (a numpy array, a list); ``position``: input's. Operators (``t + array``)
    convert arrays first (``as_operand``)."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):  # the common case, decided at once
        return input, other
    return _operand(input, fn, "input", position), _operand(other, fn, other_name, position + 1)


def _operand(value, fn: str, name: str, position: int):
    if isinstance(value, Tensor) or type(value) in PYTHON_NUMBERS:
        return value
    if isinstance(value, np.generic):  # a numpy scalar counts as the Python number it holds, as in PyTorch
        return value.item()
    if isinstance(value, numbers.Number):
        return value
    raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {typename(value)}")


def as_operand(value):
    """Tensors and Python numbers pass as they are; array-likes become tensors."""
    if isinstance(value, (Tensor, numbers.Number)):
        return value
    if isinstance(value, (np.ndarray, np.generic, list, tuple)):
        return Tensor._from_storage(as_array(value))
    raise TypeError(f"unsupported operand type: expected Tensor or a number, but got {type(value).__name__}")


def result_dtype(*operands) -> np.dtype:
    """The numpy dtype of an op's result, by PyTorch's promotion rules (shapes checked too)."""
    if len(operands) == 2:
        check_broadcast(*operands)
        same = _same_kind_fast_path(*operands)
        if same is not None:
            return same
    return _dtype.result_type(*operands).numpy


def _same_kind_fast_path(a, b) -> np.dtype | None:
    """The result dtype of the two commonest binary operations, without the general promotion
    (which costs more than a small op itself): two tensors of one dtype keep it, and a floating
    tensor keeps its dtype with a Python int or float. None for every other case."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            return a._data.dtype if a._data.dtype == b._data.dtype else None
        return a._data.dtype if type(b) in (int, float) and a._data.dtype.kind == "f" else None
    if isinstance(b, Tensor) and type(a) in (int, float) and b._data.dtype.kind == "f":
        return b._data.dtype
    return None


def floating_dtype(*operands) -> np.dtype:
    """Like ``result_dtype``, but integers and bools promote to the default float (true division, exp)."""
    if len(operands) == 2:
        check_broadcast(*operands)
    d = _dtype.result_type(*operands)
    return (d if d.is_floating_point else _dtype.get_default_dtype()).numpy


def cast_operands(dtype: np.dtype, *values) -> tuple:
    """Tensors among ``values`` cast to the numpy ``dtype`` (a recorded cast: the Function then
    saves its inputs as they are, which a second derivative needs); numbers unchanged."""
    target = _dtype.from_numpy_dtype(dtype)
    return tuple(v.to(target) if isinstance(v, Tensor) and v._data.dtype != dtype else v for v in values)


def check_broadcast(a, b) -> None:
    """PyTorch's error for operands whose shapes do not broadcast."""
    shape_a = a._data.shape if isinstance(a, Tensor) else getattr(a, "shape", ())
    shape_b = b._data.shape if isinstance(b, Tensor) else getattr(b, "shape", ())
    if shape_a == shape_b:
        return
    for offset in range(1, min(len(shape_a), len(shape_b)) + 1):
        x, y = shape_a[-offset], shape_b[-offset]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                f"dimension {max(len(shape_a), len(shape_b)) - offset}"
            )


def wrap_dim(dim: int, ndim: int) -> int:
    return _wrap_dim(_as_int(dim, "dim"), ndim)


def wrap_dims(dim, ndim: int) -> tuple:
    """``dim`` (None, int, or a tuple/list of ints) as a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    if not dims:  # PyTorch: an empty dim list reduces over everything
        return tuple(range(ndim))
    axes = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return tuple(sorted(axes))


def _as_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be int, but got {type(value).__name__}")
    return int(value)


def shape_arg(size, infer: bool = False) -> tuple:
    """PyTorch's ``*size`` convention: ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])`` all mean (2, 3).

    With ``infer`` (reshape, view), -1 is allowed and resolved later by the caller.
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(_as_int(s, "size") for s in size)
    if not infer and any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return shape
