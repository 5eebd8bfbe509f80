"""Comparisons, logical ops and other results with no gradient (bool or integer outputs)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._operands import as_operand, result_dtype


def _array(x):
    return x._data if isinstance(x, Tensor) else x


def _no_grad_binary(fn, a, b, compute_dtype=None) -> Tensor:
    a, b = as_operand(a), as_operand(b)
    x, y = _array(a), _array(b)
    if compute_dtype is not None:
        x, y = np.asarray(x, dtype=compute_dtype), np.asarray(y, dtype=compute_dtype)
    device = a.device if isinstance(a, Tensor) else b.device
    with np.errstate(all="ignore"):  # 1 % 0.0 is nan silently, as in PyTorch
        return Tensor._from_storage(np.asarray(fn(x, y)), device)


def _integer_division(fn):
    """``fn`` (floor_divide, remainder, ...) raising PyTorch's error when an integer divisor is 0:
    numpy returns 0 with a warning there, where a float divisor of 0 gives inf or nan."""
    def divide(x, y):
        if np.result_type(x, y).kind in "iub" and np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        return fn(x, y)

    return divide


def _compare(ufunc):
    def compare(input, other) -> Tensor:
        return _no_grad_binary(ufunc, input, other, result_dtype(as_operand(input), as_operand(other)))

    compare.__name__ = ufunc.__name__
    return compare


eq, ne, lt, le, gt, ge = (_compare(u) for u in (np.equal, np.not_equal, np.less, np.less_equal,
                                                np.greater, np.greater_equal))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(ufunc):
    def logical(input, other) -> Tensor:
        return _no_grad_binary(lambda x, y: ufunc(x, y), input, other)

    logical.__name__ = ufunc.__name__
    return logical


logical_and, logical_or, logical_xor = (_logical(u) for u in (np.logical_and, np.logical_or, np.logical_xor))


def bitwise_and(input, other):
    return _no_grad_binary(np.bitwise_and, input, other, result_dtype(as_operand(input), as_operand(other)))


def bitwise_or(input, other):
    return _no_grad_binary(np.bitwise_or, input, other, result_dtype(as_operand(input), as_operand(other)))


def bitwise_xor(input, other):
    return _no_grad_binary(np.bitwise_xor, input, other, result_dtype(as_operand(input), as_operand(other)))


def _unary(fn, name: str):
    def unary(input: Tensor) -> Tensor:
        return Tensor._from_storage(np.asarray(fn(input._data)), input.device)

    unary.__name__ = name
    return unary


logical_not = _unary(np.logical_not, "logical_not")
isnan = _unary(np.isnan, "isnan")
isinf = _unary(np.isinf, "isinf")
isfinite = _unary(np.isfinite, "isfinite")
sign = _unary(np.sign, "sign")
bitwise_not = _unary(lambda a: np.logical_not(a) if a.dtype == bool else np.invert(a), "bitwise_not")


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same shape and elements."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    return _no_grad_binary(lambda x, y: np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan), input, other)


def floor_divide(input, other) -> Tensor:
    return _no_grad_binary(_integer_division(np.floor_divide), input, other, result_dtype(as_operand(input), as_operand(other)))


def remainder(input, other) -> Tensor:
    """Python-style modulus (the result has the divisor's sign), as ``torch.remainder``."""
    return _no_grad_binary(_integer_division(np.remainder), input, other, result_dtype(as_operand(input), as_operand(other)))


def fmod(input, other) -> Tensor:
    """C-style modulus (the result has the dividend's sign), as ``torch.fmod``."""
    return _no_grad_binary(_integer_division(np.fmod), input, other, result_dtype(as_operand(input), as_operand(other)))
