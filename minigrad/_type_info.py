"""``minigrad.finfo`` / ``minigrad.iinfo``: the numeric limits of a dtype, as ``torch.finfo`` / ``torch.iinfo``.

Read from numpy's ``finfo`` / ``iinfo`` of the matching numpy dtype. ``eps`` is the gap between
1.0 and the next representable float (float32: 2^-23 ~ 1.19e-07): the usual default for an epsilon
that must stay relative to the dtype's precision (``F.rms_norm`` uses it).
"""
from __future__ import annotations

import numpy as np

from . import _dtype


class _TypeInfo:
    """What finfo and iinfo share: two are equal when they are of the same kind and dtype."""

    dtype: str

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.dtype))


class finfo(_TypeInfo):  # noqa: N801  (PyTorch's name)
    """Limits of a floating dtype (default: the default dtype): ``bits``, ``eps``, ``max``, ``min``,
    ``tiny`` (= ``smallest_normal``), ``resolution`` (10^-precision in decimal digits), ``dtype``."""

    def __init__(self, type: _dtype.dtype | None = None) -> None:
        type = _dtype.get_default_dtype() if type is None else _checked(type, "finfo")
        if not type.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        limits = np.finfo(type.numpy)
        self.bits = limits.bits
        self.eps, self.max, self.min = float(limits.eps), float(limits.max), float(limits.min)
        self.tiny = self.smallest_normal = float(limits.smallest_normal)
        self.resolution = 10.0 ** -limits.precision  # (numpy gives it in the dtype: 1e-06 rounded to float32)
        self.dtype = type.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo(_TypeInfo):  # noqa: N801  (PyTorch's name)
    """Limits of an integer dtype: ``bits``, ``max``, ``min``, ``dtype``."""

    def __init__(self, type: _dtype.dtype) -> None:
        type = _checked(type, "iinfo")
        if type is _dtype.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        limits = np.iinfo(type.numpy)
        self.bits, self.max, self.min = limits.bits, int(limits.max), int(limits.min)
        self.dtype = type.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def _checked(value, op: str) -> _dtype.dtype:
    if not isinstance(value, _dtype.dtype):
        raise TypeError(f"{op}(): argument 'type' (position 1) must be torch.dtype, not {type(value).__name__}")
    return value
