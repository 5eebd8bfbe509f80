"""PyTorch's tensor repr: ``tensor([[1., 2.]], requires_grad=True)``.

Floats print as ``1.`` when all are whole numbers, with 4 decimals otherwise, and in scientific
notation when the magnitudes span more than 1000x or leave [1e-4, 1e8); every element is padded
to one width; rows wrap at 80 columns; tensors over 1000 elements show their 3 edge items.
"""
from __future__ import annotations

import numpy as np

from . import _dtype

LINEWIDTH, THRESHOLD, EDGEITEMS = 80, 1000, 3


class _Formatter:
    """Chooses one format for all elements of a tensor and pads them to a common width."""

    def __init__(self, values: np.ndarray):
        self.kind = values.dtype.kind
        self.sci = self.whole = False
        if self.kind == "f":
            finite = np.abs(values[np.isfinite(values)].astype(np.float64))
            nonzero = finite[finite != 0]
            self.whole = bool(np.all(np.ceil(finite) == finite))
            if nonzero.size:
                low, high = nonzero.min(), nonzero.max()
                self.sci = high / low > 1000.0 or high > 1e8 or (not self.whole and low < 1e-4)
        # As PyTorch: a float tensor's width comes from its finite non-zero values only.
        counted = values.reshape(-1)
        if self.kind == "f":
            counted = counted[np.isfinite(counted) & (counted != 0)]
        self.width = max((len(self._text(v)) for v in counted), default=1)

    def _text(self, value) -> str:
        if self.kind == "b":
            return str(bool(value))
        if self.kind != "f":
            return str(int(value))
        if not np.isfinite(value):
            return str(float(value))
        if self.sci:
            return f"{value:.4e}"
        return f"{value:.0f}." if self.whole else f"{value:.4f}"

    def __call__(self, value) -> str:
        return self._text(value).rjust(self.width)


def _summary_values(array: np.ndarray) -> np.ndarray:
    """The elements that will be printed (edges only, for large tensors), for choosing the format."""
    if array.size <= THRESHOLD:
        return array
    index = tuple(np.r_[0:min(EDGEITEMS, n), max(n - EDGEITEMS, EDGEITEMS):n] for n in array.shape)
    return array[np.ix_(*index)]


def _format(array: np.ndarray, fmt: _Formatter, indent: int, summarize: bool) -> str:
    if array.ndim == 0:
        return fmt(array.item())
    n = array.shape[0]
    rows = list(range(n))
    if summarize and n > 2 * EDGEITEMS:
        rows = list(range(EDGEITEMS)) + [None] + list(range(n - EDGEITEMS, n))
    if array.ndim == 1:
        items = [" ..." if i is None else fmt(array[i]) for i in rows]
        per_line = max((LINEWIDTH - indent) // (fmt.width + 2), 1)
        lines = [", ".join(items[k:k + per_line]) for k in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    parts = ["..." if i is None else _format(array[i], fmt, indent + 1, summarize) for i in rows]
    return "[" + separator.join(parts) + "]"


def tensor_repr(tensor, prefix: str = "tensor(") -> str:
    array = tensor._host_data()
    suffixes = []
    if tensor.device.type != "cpu":
        suffixes.append(f"device='{tensor.device}'")
    if array.size == 0:
        body = "[]"
        if array.shape != (0,):
            suffixes.append(f"size={tuple(array.shape)}")
    else:
        summarize = array.size > THRESHOLD
        fmt = _Formatter(_summary_values(array))
        body = _format(array, fmt, len(prefix), summarize)
    default_types = (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool)
    if tensor.dtype not in default_types or (array.size == 0 and tensor.dtype != _dtype.get_default_dtype()):
        suffixes.append(f"dtype={tensor.dtype}")
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return prefix + body + "".join(", " + s for s in suffixes) + ")"
