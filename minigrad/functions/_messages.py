"""PyTorch's wording for bad arguments, in one place: the type names it prints and the checks
that raise its TypeError for a non-tensor argument."""
from __future__ import annotations

from .._tensor import _LEGACY_NAMES, Tensor

_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class written in Python


def typename(value) -> str:
    """The type name PyTorch prints in argument errors: C's ``tp_name``, so classes written in
    Python appear bare (``Foo``, ``Tensor``) and C types with their module (``numpy.ndarray``)."""
    cls = type(value)
    if cls.__flags__ & _HEAP_TYPE or cls.__module__ == "builtins":
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def check_tensor(value, fn: str, name: str = "input", position: int = 1) -> None:
    """PyTorch's TypeError for a non-tensor where an op needs a Tensor:
    ``linear(): argument 'input' (position 1) must be Tensor, not numpy.ndarray``."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {typename(value)}")


def check_optional_tensors(fn: str, first_position: int, **optional) -> None:
    """``check_tensor`` for each optional argument that is not None; ``optional`` names them in
    the order of the signature, the first at ``first_position``."""
    for position, (name, value) in enumerate(optional.items(), first_position):
        if value is not None:
            check_tensor(value, fn, name, position)


def check_tensor_sequence(values, fn: str, name: str = "tensors", position: int = 1) -> list:
    """A list or tuple of tensors as a list, or PyTorch's TypeError naming the argument or the
    first element that is not a tensor."""
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of Tensors, not "
                        f"{typename(values)}")
    for i, value in enumerate(values):
        if not isinstance(value, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument {position - 1}, but got {typename(value)}")
    return list(values)


def type_name(value) -> str:
    """PyTorch's name of a tensor's scalar type (or of a minigrad or numpy dtype) in messages:
    'Float', 'Double', 'Long', 'Bool'."""
    dtype = value.dtype if isinstance(value, Tensor) else value
    return _LEGACY_NAMES[dtype.name][:-len("Tensor")]
