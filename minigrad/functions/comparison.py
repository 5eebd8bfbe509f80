"""Comparisons, logical ops and other results with no gradient (bool or integer outputs)."""
from __future__ import annotations

import numpy as np

from .._device import as_array
from .. import _dtype
from .._tensor import Tensor
from ._messages import check_tensor, type_name
from ._operands import check_broadcast, operands, result_dtype


def _array(x):
    return x._data if isinstance(x, Tensor) else x


def _no_grad_binary(fn, name: str, a, b, promote: bool = True) -> Tensor:
    """``fn`` of two operands' arrays (each a tensor or a number), computed in their promoted
    dtype when ``promote``; ``name`` is the op's, for PyTorch's error on other arguments."""
    a, b = operands(name, a, b)
    x, y = _array(a), _array(b)
    if promote:
        dtype = result_dtype(a, b)
        x, y = as_array(x, dtype=dtype), as_array(y, dtype=dtype)
    device = a.device if isinstance(a, Tensor) else b.device
    with np.errstate(all="ignore"):  # 1 % 0.0 is nan silently, as in PyTorch
        return Tensor._from_storage(as_array(fn(x, y)), device)


def _integer_division(fn):
    """``fn`` (floor_divide, remainder, ...) raising PyTorch's error when an integer divisor is 0:
    numpy returns 0 with a warning there, where a float divisor of 0 gives inf or nan."""
    def divide(x, y):
        if np.result_type(x, y).kind in "iub" and np.any(as_array(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        return fn(x, y)

    return divide


def _binary(ufunc, name: str, promote: bool = True):
    def binary(input, other) -> Tensor:
        return _no_grad_binary(ufunc, name, input, other, promote)

    binary.__name__ = name
    return binary


eq, ne, lt, le, gt, ge = (_binary(u, n) for u, n in ((np.equal, "eq"), (np.not_equal, "ne"), (np.less, "lt"),
                                                     (np.less_equal, "le"), (np.greater, "gt"),
                                                     (np.greater_equal, "ge")))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


logical_and, logical_or, logical_xor = (_binary(u, u.__name__, promote=False)
                                        for u in (np.logical_and, np.logical_or, np.logical_xor))
bitwise_and, bitwise_or, bitwise_xor = (_binary(u, u.__name__) for u in (np.bitwise_and, np.bitwise_or, np.bitwise_xor))


def _unary(fn, name: str):
    def unary(input: Tensor) -> Tensor:
        check_tensor(input, name)
        return Tensor._from_storage(as_array(fn(input._data)), input.device)

    unary.__name__ = name
    return unary


logical_not = _unary(np.logical_not, "logical_not")
isnan = _unary(np.isnan, "isnan")
isinf = _unary(np.isinf, "isinf")
isfinite = _unary(np.isfinite, "isfinite")
bitwise_not = _unary(lambda a: np.logical_not(a) if a.dtype == bool else np.invert(a), "bitwise_not")
isposinf = _unary(np.isposinf, "isposinf")
isneginf = _unary(np.isneginf, "isneginf")
isreal = _unary(lambda a: np.ones(a.shape, bool), "isreal")  # minigrad has no complex dtypes
signbit = _unary(lambda a: np.signbit(a) if a.dtype != bool else np.zeros(a.shape, bool), "signbit")


def _integers_only(ufunc, name: str, kernel: str):
    """A binary op PyTorch defines for integer dtypes only (gcd, shifts), with its error otherwise."""
    def op(input, other) -> Tensor:
        a, b = operands(name, input, other)
        dtype = result_dtype(a, b)
        if dtype.kind not in "iu":
            raise NotImplementedError(f'"{kernel}_cpu" not implemented for '
                                      f"'{type_name(_dtype.from_numpy_dtype(dtype))}'")
        return _no_grad_binary(ufunc, name, a, b)

    op.__name__ = name
    return op


gcd, lcm = _integers_only(np.gcd, "gcd", "gcd"), _integers_only(np.lcm, "lcm", "lcm")
bitwise_left_shift = _integers_only(np.left_shift, "bitwise_left_shift", "lshift")
bitwise_right_shift = _integers_only(np.right_shift, "bitwise_right_shift", "rshift")


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """0 where input < 0, ``values`` where input == 0, 1 where input > 0 (no gradient, as PyTorch)."""
    check_tensor(input, "heaviside")
    check_tensor(values, "heaviside", "values", 2)
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _no_grad_binary(lambda x, y: np.heaviside(x, y).astype(x.dtype), "heaviside", input, values)


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each of ``elements`` is among ``test_elements`` (either may be a number)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        check_tensor(elements, "isin", "elements")
    found = np.isin(_array(elements), _array(test_elements), assume_unique=assume_unique, invert=invert)
    device = elements.device if isinstance(elements, Tensor) else test_elements.device
    return Tensor._from_storage(as_array(found), device)


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same shape and elements."""
    check_tensor(input, "equal")
    check_tensor(other, "equal", "other", 2)
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def _check_close_operands(input, other, fn: str) -> None:
    """PyTorch's errors of isclose / allclose: two tensors of one dtype whose shapes broadcast."""
    check_tensor(input, fn)
    check_tensor(other, fn, "other", 2)
    if input.dtype != other.dtype:
        raise RuntimeError(f"{type_name(input)} did not match {type_name(other)}")
    check_broadcast(input, other)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    _check_close_operands(input, other, "allclose")
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    _check_close_operands(input, other, "isclose")
    return _no_grad_binary(lambda x, y: np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan), "isclose",
                           input, other, promote=False)


def floor_divide(input, other) -> Tensor:
    return _no_grad_binary(_integer_division(np.floor_divide), "floor_divide", input, other)


def remainder(input, other) -> Tensor:
    """Python-style modulus (the result has the divisor's sign), as ``torch.remainder``."""
    return _no_grad_binary(_integer_division(np.remainder), "remainder", input, other)


def fmod(input, other) -> Tensor:
    """C-style modulus (the result has the dividend's sign), as ``torch.fmod``."""
    return _no_grad_binary(_integer_division(np.fmod), "fmod", input, other)
