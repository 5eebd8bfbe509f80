"""Attach the math of ``minigrad.functions`` to Tensor as methods and operators.

``x.exp()`` is ``minigrad.exp(x)``: every method below is the function of the same name with the
tensor as its first argument, so each op is written once.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import _creation, _random
from ._tensor import Tensor
from .functions import (addmm, arithmetic, comparison, contraction, conversion, counting, cumulative, diagonal,
                        floating, indexing, lerp, logarithmic, matmul, nan_reductions, norms, order_statistics,
                        products, rearrangement, reduction, replication, roll, sampling, scatter, searching,
                        selection, shape, softmax, sorting, special, stacking, triangular, trigonometric, unary)
from .functions._operands import PYTHON_NUMBERS, as_operand

_SAME_NAME = {
    arithmetic: "add sub mul div pow neg true_divide square subtract multiply divide negative",
    unary: ("exp log sqrt abs absolute sin cos tanh sigmoid relu floor ceil trunc round rsqrt reciprocal "
            "sign sgn frac positive angle fix"),
    floating: "copysign ldexp float_power frexp nextafter",
    logarithmic: "log1p expm1 log2 log10 exp2 logit xlogy logaddexp logaddexp2",
    trigonometric: ("tan asin acos atan sinh cosh asinh acosh atanh atan2 hypot deg2rad rad2deg arcsin arccos "
                    "arctan arcsinh arccosh arctanh arctan2 sinc"),
    selection: "clamp clip clamp_min clamp_max maximum minimum fmax fmin nan_to_num",
    comparison: ("eq ne lt le gt ge greater greater_equal less less_equal not_equal logical_and "
                 "logical_or logical_xor logical_not isnan isinf isfinite equal allclose isclose "
                 "floor_divide remainder fmod bitwise_not bitwise_and bitwise_or bitwise_xor bitwise_left_shift "
                 "bitwise_right_shift gcd lcm heaviside isposinf isneginf isreal signbit"),
    reduction: "sum mean prod var std max min amax amin aminmax logsumexp argmax argmin all any count_nonzero",
    nan_reductions: "nansum nanmean",
    order_statistics: "median nanmedian kthvalue mode msort quantile nanquantile",
    products: "cross kron addcmul addcdiv addmv addr addbmm inner vdot",
    stacking: "tensor_split hsplit vsplit dsplit",
    rearrangement: "tile rot90 fliplr flipud",
    scatter: ("scatter scatter_add scatter_reduce index_add index_copy index_fill masked_scatter put "
              "select_scatter slice_scatter diagonal_scatter"),
    matmul: "matmul mm bmm dot mv",
    shape: ("reshape view permute transpose t movedim expand expand_as broadcast_to repeat squeeze "
            "unsqueeze flatten unflatten flip split chunk unbind narrow narrow_copy select swapaxes swapdims "
            "moveaxis ravel"),
    indexing: "gather index_select index_put masked_fill masked_select take take_along_dim",
    softmax: "softmax log_softmax",
    conversion: "clone pin_memory is_pinned",
    sorting: "sort argsort topk",
    cumulative: "cumsum cumprod logcumsumexp cummax cummin diff",
    triangular: "tril triu",
    searching: "nonzero",
    counting: "bincount unique histc unique_consecutive",
    contraction: "outer ger",
    diagonal: "diag diagonal trace diag_embed diagflat",
    addmm: "addmm baddbmm",
    norms: "norm dist",
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
        if isinstance(other, Tensor) or type(other) in PYTHON_NUMBERS or isinstance(other, numbers.Number):
            return fn(self, other)
        return fn(self, as_operand(other)) if isinstance(other, np.ndarray) else NotImplemented

    operator.__name__ = fn.__name__
    return operator


def _reflected(fn):
    return _operator(lambda self, other: fn(other, self))


def _inplace(fn):
    fn = getattr(fn, "uncast", fn)  # an in-place op runs in its tensor's dtype, also under autocast

    def method(self, *args, **kwargs):
        return self._inplace(fn, *args, **kwargs)

    method.__name__ = fn.__name__ + "_"
    method.__wrapped__ = fn  # help() and inspect.signature show fn's parameters
    return method


def _view_as(self: Tensor, other: Tensor) -> Tensor:
    return shape.view(self, *other.shape)


def _reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return shape.reshape(self, *other.shape)


def _where(self: Tensor, condition: Tensor, other) -> Tensor:
    """``x.where(condition, y)``: ``minigrad.where(condition, x, y)``."""
    return selection.where(condition, self, other)


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
        "__lshift__": comparison.bitwise_left_shift, "__rshift__": comparison.bitwise_right_shift,
    }
    for name, fn in binary_operators.items():
        setattr(Tensor, name, _operator(fn))
    for name, fn in {"__neg__": arithmetic.neg, "__pos__": unary.positive, "__abs__": unary.abs,
                     "__invert__": comparison.bitwise_not,
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
               lerp.lerp, addmm.addmm, addmm.baddbmm, unary.sign, unary.sgn, unary.frac, unary.trunc,
               unary.rsqrt, unary.reciprocal, unary.sin, unary.cos, arithmetic.square,
               logarithmic.log1p, logarithmic.expm1, logarithmic.log2, logarithmic.log10, logarithmic.exp2,
               logarithmic.logit, logarithmic.xlogy, trigonometric.tan, trigonometric.asin, trigonometric.acos,
               trigonometric.atan, trigonometric.sinh, trigonometric.cosh, trigonometric.asinh,
               trigonometric.acosh, trigonometric.atanh, trigonometric.atan2, trigonometric.hypot,
               trigonometric.deg2rad, trigonometric.rad2deg, trigonometric.sinc, selection.clamp_min,
               selection.clamp_max,
               selection.nan_to_num, comparison.floor_divide, comparison.remainder, comparison.fmod,
               products.addcmul, products.addcdiv, scatter.scatter, scatter.scatter_add, scatter.index_add,
               scatter.index_copy, scatter.index_fill, scatter.masked_scatter, scatter.put, scatter.scatter_reduce,
               comparison.eq, comparison.ne, comparison.lt, comparison.le, comparison.gt, comparison.ge,
               comparison.logical_and, comparison.logical_or, comparison.logical_xor, comparison.logical_not,
               comparison.bitwise_and, comparison.bitwise_or, comparison.bitwise_xor, comparison.bitwise_not,
               comparison.bitwise_left_shift, comparison.bitwise_right_shift, comparison.gcd, comparison.lcm,
               comparison.heaviside, floating.copysign, floating.ldexp, floating.float_power,
               floating.nextafter, products.addmv, products.addr, products.addbmm, indexing.index_put):
        setattr(Tensor, fn.__name__ + "_", _inplace(fn))
    for alias, name in {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
                        "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2", "absolute": "abs",
                        "multiply": "mul", "divide": "div", "subtract": "sub", "negative": "neg",
                        "true_divide": "div", "greater": "gt", "greater_equal": "ge", "less": "lt",
                        "less_equal": "le", "not_equal": "ne", "fix": "trunc"}.items():
        setattr(Tensor, alias + "_", getattr(Tensor, name + "_"))
    Tensor.clip_ = Tensor.clamp_
    Tensor.relu_ = unary.relu_  # writes into the storage itself (functions/unary.py)
    for name, fn in {"__iadd__": arithmetic.add, "__isub__": arithmetic.sub, "__imul__": arithmetic.mul,
                     "__itruediv__": arithmetic.div, "__ipow__": arithmetic.pow}.items():
        setattr(Tensor, name, _operator(_inplace(fn)))
    Tensor.view_as, Tensor.reshape_as, Tensor.where = _view_as, _reshape_as, _where
    for fn in (_creation.new_tensor, _creation.new_full, _creation.new_zeros, _creation.new_ones,
               _creation.new_empty):
        setattr(Tensor, fn.__name__, fn)
    for fn in (_random.uniform_, _random.normal_, _random.bernoulli_, _random.random_, _random.exponential_):
        setattr(Tensor, fn.__name__, fn)
