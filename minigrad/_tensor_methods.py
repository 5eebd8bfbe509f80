"""Attach the math of ``minigrad.functions`` to Tensor as methods and operators.

``x.exp()`` is ``minigrad.exp(x)``: every method below is the function of the same name with the
tensor as its first argument, so each op is written once.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import _random
from ._tensor import Tensor
from .functions import (addmm, arithmetic, comparison, contraction, conversion, counting, cumulative, diagonal,
                        indexing, lerp, matmul, norms, reduction, replication, roll, sampling, searching,
                        selection, shape, softmax, sorting, special, triangular, unary)
from .functions._operands import as_operand

_SAME_NAME = {
    arithmetic: "add sub mul div pow neg true_divide square subtract multiply divide negative",
    unary: "exp log sqrt abs absolute sin cos tanh sigmoid relu floor ceil trunc round rsqrt reciprocal",
    selection: "clamp clip maximum minimum",
    comparison: ("eq ne lt le gt ge greater greater_equal less less_equal not_equal logical_and "
                 "logical_or logical_xor logical_not isnan isinf isfinite sign equal allclose isclose "
                 "floor_divide remainder fmod bitwise_not"),
    reduction: "sum mean prod var std max min amax amin logsumexp argmax argmin all any count_nonzero",
    matmul: "matmul mm bmm dot mv",
    shape: ("reshape view permute transpose t movedim expand expand_as broadcast_to repeat squeeze "
            "unsqueeze flatten unflatten flip split chunk unbind narrow select"),
    indexing: "gather index_select masked_fill",
    softmax: "softmax log_softmax",
    conversion: "clone",
    sorting: "sort argsort topk",
    cumulative: "cumsum cumprod",
    triangular: "tril triu",
    searching: "nonzero",
    counting: "bincount unique",
    contraction: "outer ger",
    diagonal: "diag diagonal trace",
    addmm: "addmm baddbmm",
    norms: "norm",
    special: "erf erfc",
    lerp: "lerp",
    roll: "roll",
    replication: "repeat_interleave",
    sampling: "multinomial",
}


def _operator(fn):
    """``fn`` as a binary operator. Operators, unlike the functions, take numpy arrays
    (``t + array``: numpy hands the operation to Tensor, see ``Tensor.__array_ufunc__``); any other
    non-tensor, non-number operand gives NotImplemented, so Python raises its TypeError, and
    ``t == None`` is False, as in PyTorch."""
    def operator(self, other):
        if not isinstance(other, (Tensor, numbers.Number)):
            if not isinstance(other, np.ndarray):
                return NotImplemented
            other = as_operand(other)
        return fn(self, other)

    operator.__name__ = fn.__name__
    return operator


def _reflected(fn):
    return _operator(lambda self, other: fn(other, self))


def _inplace(fn):
    def method(self, *args, **kwargs):
        return self._inplace(fn, *args, **kwargs)

    method.__name__ = fn.__name__ + "_"
    return method


def _view_as(self: Tensor, other: Tensor) -> Tensor:
    return shape.view(self, *other.shape)


def _reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return shape.reshape(self, *other.shape)


def bind() -> None:
    for module, names in _SAME_NAME.items():
        for name in names.split():
            setattr(Tensor, name, getattr(module, name))
    binary_operators = {
        "__add__": arithmetic.add, "__sub__": arithmetic.sub, "__mul__": arithmetic.mul,
        "__truediv__": arithmetic.div, "__pow__": arithmetic.pow, "__matmul__": matmul.matmul,
        "__floordiv__": comparison.floor_divide, "__mod__": comparison.remainder,
        "__eq__": comparison.eq, "__ne__": comparison.ne, "__lt__": comparison.lt, "__le__": comparison.le,
        "__gt__": comparison.gt, "__ge__": comparison.ge, "__and__": comparison.bitwise_and,
        "__or__": comparison.bitwise_or, "__xor__": comparison.bitwise_xor,
    }
    for name, fn in binary_operators.items():
        setattr(Tensor, name, _operator(fn))
    for name, fn in {"__neg__": arithmetic.neg, "__abs__": unary.abs, "__invert__": comparison.bitwise_not,
                     "__getitem__": indexing.getitem}.items():
        setattr(Tensor, name, fn)
    for name, fn in {"__radd__": arithmetic.add, "__rsub__": arithmetic.sub, "__rmul__": arithmetic.mul,
                     "__rtruediv__": arithmetic.div, "__rpow__": arithmetic.pow,
                     "__rmatmul__": matmul.matmul, "__rfloordiv__": comparison.floor_divide}.items():
        setattr(Tensor, name, _reflected(fn))
    for fn in (arithmetic.add, arithmetic.sub, arithmetic.mul, arithmetic.div, arithmetic.pow,
               arithmetic.neg, unary.exp, unary.log, unary.sqrt, unary.abs, unary.tanh, unary.sigmoid,
               unary.floor, unary.ceil, unary.round, selection.clamp, indexing.masked_fill,
               triangular.tril, triangular.triu, cumulative.cumsum, cumulative.cumprod, special.erf, special.erfc,
               lerp.lerp, addmm.addmm, addmm.baddbmm):
        setattr(Tensor, fn.__name__ + "_", _inplace(fn))
    Tensor.clip_ = Tensor.clamp_
    Tensor.relu_ = unary.relu_  # writes into the storage itself (functions/unary.py)
    for name, fn in {"__iadd__": arithmetic.add, "__isub__": arithmetic.sub, "__imul__": arithmetic.mul,
                     "__itruediv__": arithmetic.div, "__ipow__": arithmetic.pow}.items():
        setattr(Tensor, name, _operator(_inplace(fn)))
    Tensor.view_as, Tensor.reshape_as = _view_as, _reshape_as
    for fn in (_random.uniform_, _random.normal_, _random.bernoulli_, _random.random_, _random.exponential_):
        setattr(Tensor, fn.__name__, fn)
