"""Sums and means that skip nan: ``nansum`` and ``nanmean``.

    nansum(x) = sum of the non-nan x_i       d/dx_i = 1 where x_i is not nan, else 0
    nanmean(x) = nansum(x) / count of non-nan x_i   (composed of the two, as in PyTorch)

Integer and bool tensors hold no nan: nansum sums them as ``sum`` does (to int64), nanmean
refuses them as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from .._device import as_array
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name
from ._operands import wrap_dims
from .reduction import _keep, _reduction_dtype


class Nansum(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.save_for_backward(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        return as_array(np.nansum(x, axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return np.where(np.isnan(x), 0, _keep(grad, ctx.axes, ctx.keepdim)), None, None, None


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The sum over ``dim`` (every dim by default) with nan counted as 0."""
    check_tensor(input, "nansum")
    return Nansum.apply(input, wrap_dims(dim, input.ndim), keepdim, _reduction_dtype(input, dtype))


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The mean over ``dim`` of the non-nan elements (nan where there are none)."""
    from .arithmetic import div
    from .comparison import isnan, logical_not
    from .reduction import sum as total

    check_tensor(input, "nanmean")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{type_name(input.dtype)}")
    count = total(logical_not(isnan(input)), dim, keepdim)
    return div(nansum(input, dim, keepdim, dtype=dtype), count)
