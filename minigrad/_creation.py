"""Tensor creation: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``rand``... and ``*_like``.

Dtypes follow PyTorch: Python floats give the default dtype (float32), ints int64, bools bool;
numpy arrays keep their dtype.
"""
from __future__ import annotations

import math

import numpy as np

from . import _dtype
from ._device import as_device, placement, to_storage
from ._random import numpy_generator
from ._tensor import Tensor
from .functions._messages import check_tensor
from .functions._operands import shape_arg


def _sequence_to_array(data, infer: bool = True) -> np.ndarray:
    """Nested sequences of numbers (or 0-d tensors) as an array with PyTorch's inferred dtype
    (without ``infer``, as numpy reads them: a requested dtype is then applied to the exact
    values, not to their rounding to the default float32)."""
    try:
        array = np.array(_unwrap(data))
    except ValueError as error:
        raise ValueError(f"expected a rectangular nested sequence: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if not infer:
        return array
    inferred = {"f": _dtype.get_default_dtype(), "b": _dtype.bool}.get(array.dtype.kind, _dtype.int64)
    return array.astype(inferred.numpy, copy=False)


def _make(array: np.ndarray, dtype, device, requires_grad: bool) -> Tensor:
    if dtype is not None:
        array = array.astype(_dtype.to_dtype(dtype).numpy, copy=False)
    dev = placement(as_device(device))
    out = Tensor._from_storage(to_storage(array, dev), dev)
    if requires_grad:
        out.requires_grad = True
    return out


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested sequences, numbers, numpy arrays or tensors)."""
    if isinstance(data, Tensor):
        array = data.detach()._data.copy()
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data)
        _dtype.from_numpy_dtype(array.dtype)  # TypeError for unsupported kinds
    else:
        array = _sequence_to_array(data, infer=dtype is None)
    return _make(array, dtype, device, requires_grad)


def _unwrap(data):
    """Nested lists with tensors inside become nested lists of numbers."""
    if isinstance(data, Tensor):
        return data.detach()._data
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    return data


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a tensor or numpy array when no conversion is needed."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        return _make(data, dtype, device, False)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing ``ndarray``'s memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._from_storage(ndarray)


def _filled(size, fill, dtype, device, requires_grad) -> Tensor:
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _make(np.full(shape_arg(size), fill, dt.numpy), None, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    return _filled(size, 0, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    return _filled(size, 1, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _make(np.empty(shape_arg(size), dt.numpy), None, device, requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = _dtype.result_type(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    return _filled((tuple(size),) if not isinstance(size, int) else (size,), fill_value, dtype, device, requires_grad)


def _like(input: Tensor, dtype, device, op: str):
    check_tensor(input, op)
    return input.shape, dtype if dtype is not None else input.dtype, device if device is not None else input.device


def zeros_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    shape, dtype, device = _like(input, dtype, device, "zeros_like")
    return _filled(shape, 0, dtype, device, requires_grad)


def ones_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    shape, dtype, device = _like(input, dtype, device, "ones_like")
    return _filled(shape, 1, dtype, device, requires_grad)


def empty_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    shape, dtype, device = _like(input, dtype, device, "empty_like")
    return empty(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    shape, dtype, device = _like(input, dtype, device, "full_like")
    return _filled(shape, fill_value, dtype, device, requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` (inclusive) to ``end`` (exclusive) by ``step``; int64 for integer args."""
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, Tensor) else x for x in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    count = max(math.ceil((end - start) / step), 0)
    array = (start + step * np.arange(count, dtype=np.float64)) if _dtype.to_dtype(dtype).is_floating_point \
        else np.arange(start, end, step)
    return _make(array, dtype, device, requires_grad)


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    return _make(np.linspace(start, end, steps), dtype or _dtype.get_default_dtype(), device, requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _make(np.eye(n, m), dtype or _dtype.get_default_dtype(), device, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1)."""
    array = numpy_generator(generator).random(shape_arg(size))
    return _make(array, dtype or _dtype.get_default_dtype(), device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples."""
    array = numpy_generator(generator).standard_normal(shape_arg(size))
    return _make(array, dtype or _dtype.get_default_dtype(), device, requires_grad)


def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """``randint(high, size)`` or ``randint(low, high, size)``: integers in [low, high)."""
    args = list(args)
    if size is None:
        size = args.pop()
    low, high = (0, args[0]) if len(args) == 1 else args
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    array = numpy_generator(generator).integers(low, high, size=tuple(size))
    return _make(array, dtype or _dtype.int64, device, requires_grad)


def rand_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    shape, dtype, device = _like(input, dtype, device, "rand_like")
    return rand(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    shape, dtype, device = _like(input, dtype, device, "randn_like")
    return randn(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(input: Tensor, low=0, high=None, *, dtype=None, device=None) -> Tensor:
    if high is None:
        low, high = 0, low
    shape, dtype, device = _like(input, dtype, device, "randint_like")
    return randint(low, high, shape, dtype=dtype, device=device)


def randperm(n: int, *, generator=None, dtype=None, device=None) -> Tensor:
    return _make(numpy_generator(generator).permutation(n), dtype or _dtype.int64, device, False)


def normal(mean: float, std: float, size, *, generator=None, dtype=None, device=None) -> Tensor:
    array = numpy_generator(generator).normal(mean, std, tuple(size))
    return _make(array, dtype or _dtype.get_default_dtype(), device, False)


def bernoulli(input: Tensor, p=None, *, generator=None) -> Tensor:
    """1 with probability ``input`` (or ``p``) per element, in input's dtype. The uniform draws come
    from the CPU generator, and on CUDA are copied to the device, as ``rand``'s (see
    ``minigrad.cuda.manual_seed``): the probabilities stay there, and a seed draws alike on both devices."""
    check_tensor(input, "bernoulli")
    probs = input._data if p is None else p
    draws = to_storage(numpy_generator(generator).random(input.shape), input.device) < probs
    return Tensor._from_storage(draws.astype(input._data.dtype), input.device)


# ---- Tensor.new_*: the dtype and device of the tensor they are called on -----------------------

def new_tensor(self: Tensor, data, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A copy of ``data`` with this tensor's dtype and device unless given (no dtype inference)."""
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_full(self: Tensor, size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    size = (tuple(size),) if not isinstance(size, int) else (size,)
    return _filled(size, fill_value, dtype or self.dtype, device or self.device, requires_grad)


def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 0, dtype or self.dtype, device or self.device, requires_grad)


def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 1, dtype or self.dtype, device or self.device, requires_grad)


def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return empty(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
