"""What every loss shares: the reduction modes, PyTorch's legacy ``size_average`` / ``reduce`` flags,
and reducing a per-element loss array (and un-reducing its gradient) inside one Function.

A loss first computes one value per element (or per row) ``l_i``; the reduction then returns

    'none' -> l (same shape),    'sum' -> sum_i l_i,    'mean' -> sum_i l_i / count

where ``count`` is the number of elements unless the loss says otherwise (class-weighted losses
divide by the total weight). Backward is the adjoint: every ``l_i`` receives ``g`` ('sum'),
``g / count`` ('mean') or its own ``g_i`` ('none').
"""
from __future__ import annotations

import warnings

import numpy as np

from .._device import as_array
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled
from ._messages import type_name
from ._operands import check_broadcast

_REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average: bool | None, reduce: bool | None, stacklevel: int = 3) -> str:
    """The reduction PyTorch's deprecated flags stand for (each None means True), with its warning:
    ``reduce=False`` -> 'none'; else ``size_average=False`` -> 'sum'; else 'mean'."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  stacklevel=stacklevel)
    return reduction


def reduction_mode(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """The validated reduction of a loss call: the legacy flags win when either is given."""
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce, stacklevel=4)
    if reduction in _REDUCTIONS:
        return reduction
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    raise ValueError(f"{reduction} is not a valid value for reduction")


def reduce_losses(losses: np.ndarray, reduction: str, count=None) -> np.ndarray:
    """``losses`` reduced as the module docstring says; ``count`` defaults to ``losses.size``."""
    if reduction == "none":
        return losses
    total = losses.sum(dtype=losses.dtype)
    if reduction == "sum":
        return as_array(total)
    count = losses.size if count is None else count
    return as_array(total / count, losses.dtype)  # the mean of nothing is 0 / 0 = nan


def reduce_tensor(losses: Tensor, reduction: str) -> Tensor:
    """The same reduction for a loss built from the elementwise ops: its graph is the ops' own."""
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()


def losses_gradient(grad: np.ndarray, reduction: str, count) -> np.ndarray:
    """The gradient of each per-element loss from the reduced output's gradient (a 0-d array
    broadcasts to every element; with 'none' it already has the losses' shape)."""
    if reduction != "mean":
        return grad
    return np.divide(grad, count, dtype=grad.dtype)  # over nothing: 1 / 0 = inf


def check_broadcasts_to_input(other: Tensor, input: Tensor) -> None:
    """PyTorch's errors for a weight or target that must broadcast to the input's shape without
    growing it (the losses are written into an input-shaped output)."""
    check_broadcast(input, other)
    shape = np.broadcast_shapes(input.shape, other.shape)
    if shape != input.shape:
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)}")


def check_castable_to_input(result: np.dtype, input: Tensor) -> None:
    """PyTorch's error for a loss written in the input's dtype when its values are floating point
    but the input is not."""
    if result.kind == "f" and not input.dtype.is_floating_point:
        raise RuntimeError(f"result type {type_name(result)} can't be cast to the "
                           f"desired output type {type_name(input)}")


def no_weight_grad(function: str, name: str, weight: Tensor | None) -> None:
    """PyTorch's error for a weight that requires grad where the loss has no derivative for it."""
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument "
                           f"'{name}'. This input cannot have requires_grad True.")
