"""Elementwise CUDA kernels: numpy's ufuncs (``np.exp(a)``, ``a + b``, ``np.where``...) on CudaArrays.

CPU sibling: numpy itself (the autograd Functions' elementwise formulas are numpy expressions; on
the GPU the same expressions reach :func:`apply_ufunc` through ``CudaArray.__array_ufunc__``).

One kernel per arity (1, 2 or 3 operands) does every op of that arity; the op is a device function
(``UNARY`` / ``BINARY`` below) the kernel is specialised with. Operands are views of any strides —
broadcast operands have stride 0 on their repeated dims — so broadcasting, transposes and slices
cost no copy. Thread mapping (grid-stride loop): thread ``t`` handles the flat output indices
``t, t + T, t + 2T, ...`` (``T`` threads in the grid); :func:`element` turns a flat row-major index
into each operand's buffer position. Race-free: each output element is written by exactly one
thread (an output view never has stride 0 on a dim longer than one: numpy refuses such outputs too).
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray


@cuda.jit(device=True)
def element(index, shape, strides, offset):
    """Buffer position of the element at flat row-major ``index`` of a view (shape, strides, offset):
    ``offset + sum_d i_d * strides[d]`` with ``(i_0, ..., i_{n-1})`` the unravelled ``index``."""
    for d in range(len(shape) - 1, -1, -1):
        extent = shape[d]
        offset += (index % extent) * strides[d]
        index //= extent
    return offset


def coalesce(shape: tuple, strides_of: list) -> tuple[tuple, list]:
    """(shape, strides of each view) over fewer dims with the same row-major element order, for
    :func:`element`, which divides once per dim: size-1 dims dropped, and neighbouring dims merged
    where every view steps over the outer one as one run of the inner one
    (``stride[d] == stride[d + 1] * shape[d + 1]``), so a contiguous array becomes one dim."""
    merged_shape: list = []
    merged_strides: list = [[] for _ in strides_of]
    for d, extent in enumerate(shape):
        if extent == 1:
            continue
        if merged_shape and all(m[-1] == s[d] * extent for m, s in zip(merged_strides, strides_of)):
            merged_shape[-1] *= extent
            for m, s in zip(merged_strides, strides_of):
                m[-1] = s[d]
        else:
            merged_shape.append(extent)
            for m, s in zip(merged_strides, strides_of):
                m.append(s[d])
    return tuple(merged_shape) or (1,), [tuple(m) or (0,) for m in merged_strides]


def _unary_kernel(fn):
    @cuda.jit
    def kernel(out, out_offset, out_strides, a, a_offset, a_strides, shape, size):
        for i in range(cuda.grid(1), size, cuda.gridsize(1)):
            out[element(i, shape, out_strides, out_offset)] = fn(a[element(i, shape, a_strides, a_offset)])
    return kernel


def _binary_kernel(fn):
    @cuda.jit
    def kernel(out, out_offset, out_strides, a, a_offset, a_strides, b, b_offset, b_strides, shape, size):
        for i in range(cuda.grid(1), size, cuda.gridsize(1)):
            out[element(i, shape, out_strides, out_offset)] = fn(a[element(i, shape, a_strides, a_offset)],
                                                                 b[element(i, shape, b_strides, b_offset)])
    return kernel


def _ternary_kernel(fn):
    @cuda.jit
    def kernel(out, out_offset, out_strides, a, a_offset, a_strides, b, b_offset, b_strides,
               c, c_offset, c_strides, shape, size):
        for i in range(cuda.grid(1), size, cuda.gridsize(1)):
            out[element(i, shape, out_strides, out_offset)] = fn(a[element(i, shape, a_strides, a_offset)],
                                                                 b[element(i, shape, b_strides, b_offset)],
                                                                 c[element(i, shape, c_strides, c_offset)])
    return kernel


_KERNEL_OF_ARITY = {1: _unary_kernel, 2: _binary_kernel, 3: _ternary_kernel}


# ---- the ops, as scalar device functions (numpy's semantics where they differ from Python's) ----
def _device(fn):
    return cuda.jit(device=True)(fn)


def _sign(x):
    if x != x:  # NaN
        return x
    return 1 if x > 0 else (-1 if x < 0 else 0)


def _maximum(a, b):  # numpy's: NaN wins
    return a if a >= b or a != a else b


def _minimum(a, b):
    return a if a <= b or a != a else b


def _fmax(a, b):  # NaN loses
    return a if a >= b or b != b else b


def _fmin(a, b):
    return a if a <= b or b != b else b


def _logaddexp(a, b):  # numpy's npy_logaddexp: log(e^a + e^b) without overflow
    if a == b:  # also infinities of one sign, where a - b is NaN
        return a + math.log(2.0)
    difference = a - b
    if difference > 0:
        return a + math.log1p(math.exp(-difference))
    if difference <= 0:
        return b + math.log1p(math.exp(difference))
    return difference  # NaN


def _fmod(a, b):  # C's: the dividend's sign (integer divisors of 0 are refused before the kernel)
    return math.fmod(a, b) if b != 0 else math.nan


@cuda.jit(device=True)
def _gcd(a, b):  # numpy's: non-negative, gcd(0, 0) = 0 (Euclid's loop: CUDA has no math.gcd)
    a, b = abs(a), abs(b)
    while b != 0:
        a, b = b, a % b
    return a


def _lcm(a, b):  # numpy's: |a / gcd * b|, 0 when either is 0
    return 0 if a == 0 or b == 0 else abs(a // _gcd(a, b) * b)


def _nextafter_of(mantissa_bits: int, min_exponent: int, largest: float):
    """numpy's ``nextafter`` for the float type of ``mantissa_bits`` (11, 24, 53), smallest subnormal
    ``2 ** min_exponent`` and largest finite value ``largest``: x moved one unit in the last place
    towards y, in float64 arithmetic (exact: both ends are values of the type). CUDA's nextafter
    has no half form and the simulator has none at all."""
    def nextafter(x, y):
        a, b = float(x), float(y)
        if a != a or b != b:
            return a + b  # NaN
        if a == b:
            return b
        if a == 0:
            return math.copysign(2.0 ** min_exponent, b)
        if math.isinf(a):
            return math.copysign(largest, a)
        mantissa, exponent = math.frexp(a)
        step = exponent - mantissa_bits  # the spacing above |a| is 2 ** step, subnormals' at least
        if step < min_exponent:
            step = min_exponent
        elif step > min_exponent and (b < a) == (a > 0) and abs(mantissa) == 0.5:
            step -= 1  # towards zero from a normal power of two: the spacing below is half
        return a - 2.0 ** step if b < a else a + 2.0 ** step
    return nextafter


def _heaviside(x, value_at_zero):  # numpy's: NaN stays NaN
    if x != x:
        return x
    return value_at_zero if x == 0 else (0 if x < 0 else 1)


def _where(condition, a, b):
    return a if condition else b


# Outside its domain a math function raises on the simulator (it runs as Python there) where numpy
# and the GPU give inf or NaN: the edges are spelled out, so both run alike.
def _log_of(log):
    return lambda x: log(x) if x > 0 else (-math.inf if x == 0 else math.nan)


def _log1p(x):
    return math.log1p(x) if x > -1 else (-math.inf if x == -1 else math.nan)


def _sqrt(x):
    return math.sqrt(x) if x >= 0 else math.nan


def _inverse_sine_of(inverse):  # arcsin, arccos: defined on [-1, 1]
    return lambda x: inverse(x) if -1 <= x <= 1 else math.nan


def _arccosh(x):
    return math.acosh(x) if x >= 1 else math.nan


def _arctanh(x):
    if -1 < x < 1:
        return math.atanh(x)
    return math.copysign(math.inf, x) if x == 1 or x == -1 else math.nan


UNARY = {
    "positive": lambda x: x,
    "negative": lambda x: -x,
    "absolute": lambda x: abs(x),
    "sign": _sign,
    "square": lambda x: x * x,
    "reciprocal": lambda x: 1 / x,
    "exp": lambda x: math.exp(x),
    "exp2": lambda x: 2.0 ** x,
    "expm1": lambda x: math.expm1(x),
    "log": _log_of(math.log),
    "log2": _log_of(math.log2),
    "log10": _log_of(math.log10),
    "log1p": _log1p,
    "sqrt": _sqrt,
    "cbrt": lambda x: math.copysign(abs(x) ** (1 / 3), x),
    "sin": lambda x: math.sin(x),
    "cos": lambda x: math.cos(x),
    "tan": lambda x: math.tan(x),
    "arcsin": _inverse_sine_of(math.asin),
    "arccos": _inverse_sine_of(math.acos),
    "arctan": lambda x: math.atan(x),
    "sinh": lambda x: math.sinh(x),
    "cosh": lambda x: math.cosh(x),
    "tanh": lambda x: math.tanh(x),
    "arcsinh": lambda x: math.asinh(x),
    "arccosh": _arccosh,
    "arctanh": _arctanh,
    "floor": lambda x: math.floor(x),
    "ceil": lambda x: math.ceil(x),
    "trunc": lambda x: math.floor(x) if x >= 0 else math.ceil(x),
    "rint": lambda x: round(x),
    "isnan": lambda x: math.isnan(x),
    "isinf": lambda x: math.isinf(x),
    "isfinite": lambda x: math.isfinite(x),
    "logical_not": lambda x: x == 0,
    "invert": lambda x: ~x,
    "signbit": lambda x: math.copysign(1.0, x) < 0,
    "frexp_mantissa": lambda x: math.frexp(x)[0],  # np.frexp's two outputs: a kernel each (apply_ufunc)
    "frexp_exponent": lambda x: math.frexp(x)[1],
}
BINARY = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b,
    "divide": lambda a, b: a / b,
    "floor_divide": lambda a, b: a // b,
    "remainder": lambda a, b: a % b,
    "power": lambda a, b: a ** b,
    "maximum": _maximum,
    "minimum": _minimum,
    "fmax": _fmax,
    "fmin": _fmin,
    "arctan2": lambda a, b: math.atan2(a, b),
    "hypot": lambda a, b: math.hypot(a, b),
    "logaddexp": _logaddexp,
    "copysign": lambda a, b: math.copysign(a, b),
    "greater": lambda a, b: a > b,
    "greater_equal": lambda a, b: a >= b,
    "less": lambda a, b: a < b,
    "less_equal": lambda a, b: a <= b,
    "equal": lambda a, b: a == b,
    "not_equal": lambda a, b: a != b,
    "logical_and": lambda a, b: a != 0 and b != 0,  # (CUDA has no float16 -> bool cast)
    "logical_or": lambda a, b: a != 0 or b != 0,
    "logical_xor": lambda a, b: (a != 0) != (b != 0),
    "bitwise_and": lambda a, b: a & b,
    "bitwise_or": lambda a, b: a | b,
    "bitwise_xor": lambda a, b: a ^ b,
    "left_shift": lambda a, b: a << b,
    "right_shift": lambda a, b: a >> b,
    "fmod": _fmod,
    "gcd": lambda a, b: _gcd(a, b),
    "lcm": _lcm,
    "heaviside": _heaviside,
    "nextafter_float16": _nextafter_of(11, -24, 65504.0),  # one per float type: _PER_FLOAT_TYPE
    "nextafter_float32": _nextafter_of(24, -149, 3.4028234663852886e38),
    "nextafter_float64": _nextafter_of(53, -1074, 1.7976931348623157e308),
}
_PER_FLOAT_TYPE = {"nextafter"}  # ops whose table entry is per loop dtype: name_float32, ...
TERNARY = {"where": _where}
_OPS = {name: (arity, fn)
        for arity, table in ((1, UNARY), (2, BINARY), (3, TERNARY)) for name, fn in table.items()}


@functools.lru_cache(maxsize=None)
def _kernel(name: str):
    """The kernel of op ``name`` (numba compiles it once per operand dtypes, on first call)."""
    arity, fn = _OPS[name]
    return _KERNEL_OF_ARITY[arity](_device(fn))


# ---- launching -----------------------------------------------------------------------------------
def _launch(kernel, out: CudaArray, operands: list) -> None:
    """Run ``kernel`` over ``out``'s elements, each operand broadcast to ``out.shape``."""
    size = out.size
    if size == 0:
        return
    views = [out] + [operand.broadcast_to(out.shape) for operand in operands]
    shape, strides = coalesce(out.shape, [view.strides for view in views])  # a 0-d array: shape (1,)
    args = [x for view, view_strides in zip(views, strides) for x in (view.buffer, view.offset, view_strides)]
    kernel[blocks_for(size), THREADS](*args, shape, size)


@functools.lru_cache(maxsize=4096)
def _scalar_on_device(value, dtype: np.dtype) -> CudaArray:
    """A Python scalar operand as a one-element device array (broadcast like any operand).
    Cached: the usual constants (0, 1, 0.5, eps, ...) cross to the device once."""
    return CudaArray.from_host(np.asarray(value, dtype=dtype))


def _as_operand(value, dtype: np.dtype) -> CudaArray:
    """An input of a ufunc as a device array of the loop's ``dtype``."""
    if isinstance(value, CudaArray):
        return value if value.dtype == dtype else value.astype(dtype)
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise TypeError("a host (numpy) array cannot enter a CUDA computation; move it to the device first")
    return _scalar_on_device(np.asarray(value).item(), dtype)


def _loop_dtype(value):
    """What numpy's type resolution needs: an array's dtype, or a Python scalar's type (weak)."""
    if isinstance(value, (CudaArray, np.ndarray, np.generic)):
        return value.dtype
    return np.dtype(bool) if isinstance(value, bool) else type(value)  # numpy takes int, float, complex


def apply_ufunc(ufunc, inputs: tuple, out=None, dtype=None, casting="same_kind", **unsupported):
    """``ufunc(*inputs)`` with numpy's broadcasting and type rules, computed by a CUDA kernel."""
    if unsupported:
        raise TypeError(f"{ufunc.__name__} on CUDA arrays does not support {sorted(unsupported)}")
    name = ufunc.__name__
    if ufunc is np.frexp and out is None and dtype is None:
        return _frexp(*inputs)
    if name not in _OPS and name not in _PER_FLOAT_TYPE or ufunc.nout != 1:
        raise NotImplementedError(f"numpy.{name} has no CUDA kernel in minigrad yet")
    # dtype= fixes the output's dtype only, and numpy picks the loop from it (float32 / int64 with
    # dtype=float32 divides in float32), as the signature (None, ..., dtype) resolves
    fixed = {} if dtype is None else {"signature": (None,) * ufunc.nin + (np.dtype(dtype),)}
    *loop_dtypes, out_dtype = ufunc.resolve_dtypes(tuple(_loop_dtype(v) for v in inputs) + (None,),
                                                   casting="unsafe", **fixed)
    operands = [_as_operand(v, d) for v, d in zip(inputs, loop_dtypes)]
    if name in _PER_FLOAT_TYPE:
        name = f"{name}_{loop_dtypes[0].name}"
    shape = np.broadcast_shapes(*(o.shape for o in operands))
    if out is not None:
        (target,) = out if isinstance(out, tuple) else (out,)
        if np.broadcast_shapes(target.shape, shape) != target.shape:
            raise ValueError(f"non-broadcastable output operand with shape {target.shape} doesn't match "
                             f"the broadcast shape {shape}")
    else:
        target = CudaArray.empty(shape, out_dtype)
    _launch(_kernel(name), target, operands)
    return target


def _frexp(x: CudaArray) -> tuple[CudaArray, CudaArray]:
    """``np.frexp(x)``: (mantissa, exponent) of numpy's dtypes (x's float dtype, int32), one kernel
    each; half runs in float32 (CUDA's frexp has no half form; the mantissa is exact either way)."""
    _, mantissa_dtype, exponent_dtype = np.frexp.resolve_dtypes((x.dtype, None, None))
    work = x.astype(np.float32) if mantissa_dtype == np.float16 else _as_operand(x, mantissa_dtype)
    mantissa, exponent = CudaArray.empty(x.shape, mantissa_dtype), CudaArray.empty(x.shape, exponent_dtype)
    _launch(_kernel("frexp_mantissa"), mantissa, [work])
    _launch(_kernel("frexp_exponent"), exponent, [work])
    return mantissa, exponent


def assign(target: CudaArray, value) -> None:
    """``target[...] = value``: a CudaArray, host array or scalar, broadcast to ``target`` and cast
    to its dtype (the unary kernel of ``positive``, the identity, writing through ``target``'s
    strides; a cast to bool is ``value != 0``, as numba-cuda cannot convert float16 to bool)."""
    if isinstance(value, CudaArray):
        source = value
    elif isinstance(value, np.ndarray) and value.ndim > 0:  # an explicit host-to-device copy
        source = CudaArray.from_host(value)
    else:
        source = _scalar_on_device(np.asarray(value).item(), target.dtype)
    if target.dtype == np.bool_ and source.dtype != np.bool_:
        _launch(_kernel("not_equal"), target, [source, _scalar_on_device(0, source.dtype)])
    else:
        _launch(_kernel("positive"), target, [source])
