"""``roll``: shift elements cyclically along dims, out[(i + shift) mod n] = x[i].

The gradient is the output gradient rolled back by -shift. Without dims, the tensor is rolled as
if flattened and keeps its shape.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor
from ._operands import _as_int, wrap_dim


class Roll(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return np.roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        return np.roll(grad, tuple(-s for s in ctx.shifts), ctx.axes), None, None


def _as_tuple(value, name: str) -> tuple:
    return tuple(_as_int(v, name) for v in value) if isinstance(value, (tuple, list)) else (_as_int(value, name),)


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Roll by ``shifts[k]`` along ``dims[k]`` (ints or equal-length sequences); with ``dims=None``
    a single shift over the flattened tensor."""
    check_tensor(input, "roll")
    shifts = _as_tuple(shifts, "shifts")
    axes = () if dims is None else tuple(wrap_dim(d, input.ndim) for d in _as_tuple(dims, "dims"))
    if len(shifts) != len(axes) and not (dims is None and len(shifts) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(axes)}")
    return Roll.apply(input, shifts, axes or None)
