"""Named-tuple results of ops that return values and indices, as ``torch.return_types``.

``values, indices = minigrad.sort(x)`` unpacks like a tuple, ``minigrad.sort(x).values`` reads by
name, and the repr names the op: ``minigrad.return_types.sort(values=..., indices=...)``.
"""
from __future__ import annotations

import collections


def _values_and_indices(op: str) -> type:
    """A (values, indices) named tuple type named after ``op``, printed as PyTorch prints it."""
    base = collections.namedtuple(op, ("values", "indices"), module=__name__)

    def __repr__(self) -> str:
        return f"minigrad.return_types.{op}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(op, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": __name__})


max = _values_and_indices("max")  # noqa: A001  (PyTorch's names)
min = _values_and_indices("min")  # noqa: A001
sort = _values_and_indices("sort")
topk = _values_and_indices("topk")
median = _values_and_indices("median")
nanmedian = _values_and_indices("nanmedian")
kthvalue = _values_and_indices("kthvalue")
mode = _values_and_indices("mode")
cummax = _values_and_indices("cummax")
cummin = _values_and_indices("cummin")


class aminmax(collections.namedtuple("aminmax", ("min", "max"), module=__name__)):  # noqa: N801  (PyTorch's name)
    """``minigrad.aminmax``'s (min, max)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"minigrad.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


class frexp(collections.namedtuple("frexp", ("mantissa", "exponent"), module=__name__)):  # noqa: N801
    """``minigrad.frexp``'s (mantissa, exponent)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"minigrad.return_types.frexp(\nmantissa={self.mantissa!r},\nexponent={self.exponent!r})"
