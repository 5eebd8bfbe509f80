"""Batch, instance, layer and group normalisation over the kernels in ``kernels/batch_norm.py``,
``layer_norm.py`` and ``group_norm.py``.

All four normalise with a mean and a biased variance and then apply an optional affine map
(a missing weight counts as ones, a missing bias as zeros):

    y = (x - mean) / sqrt(var + eps) * weight + bias

They differ in which values share one mean and variance:

    batch norm     x (N, C, *):  per channel c, over (N, *)        weight, bias (C,)
    instance norm  x (N, C, *):  per (n, c) plane, over *          weight, bias (C,)   (group norm, G = C)
    group norm     x (N, C, *):  per (n, group of C / G channels)  weight, bias (C,)
    layer norm     x (..., *S):  per leading index, over S = normalized_shape, weight, bias S

Batch and instance norm may keep running statistics, updated in place while training,

    running = (1 - momentum) * running + momentum * batch_statistic

with the UNBIASED batch variance (instance norm averages its per-(n, c) statistics over n), and
use them instead of the batch statistics in eval mode; there they are constants for backward.
Argument checks follow PyTorch's (same order, exception types and messages).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._device import kernel_module, mixed_devices_error
from .._dtype import float16
from .._type_info import finfo
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import no_grad
from ._messages import check_optional_tensors, check_tensor, type_name
from ._operands import wrap_dim
from .normalization_backward import BatchNormBackward, GroupNormBackward, LayerNormBackward


def _wanted(ctx, *grads):
    """One gradient per forward argument, None where the argument does not need one."""
    return tuple(g if needed else None for g, needed in zip(grads, ctx.needs_input_grad))


def _flat(param: np.ndarray | None) -> np.ndarray | None:
    """A per-channel array of any shape with C elements (PyTorch checks only the count) as (C,)."""
    return None if param is None else param.reshape(-1)


class BatchNorm(ArrayFunction):
    """Batch norm of x (N, C, *) -> ``(out, mean, var_unbiased)``, the statistics (C,) float64 for
    the running update; they are empty in eval mode, as in PyTorch's ``native_batch_norm``.
    Backward runs ``BatchNormBackward`` on the saved mean and invstd (see normalization_backward.py:
    its derivative recomputes the batch statistics from x, so they may be kept as constants)."""

    backward_name = "NativeBatchNormBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True
    saves_constants = True
    _materialize_grads = False  # the statistics are outputs for the running update only: no gradient

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training, eps):
        kernels = kernel_module("batch_norm", ctx.device)
        if training:
            out, mean, invstd, var_unbiased = kernels.batch_norm_forward_train(x, _flat(weight), _flat(bias), eps)
            statistics = (mean, var_unbiased)
        else:
            running_mean, running_var = _flat(running_mean), _flat(running_var)
            out = kernels.batch_norm_forward_eval(x, running_mean, running_var, _flat(weight), _flat(bias), eps)
            # What the eval-mode backward takes as the (constant) statistics.
            mean = running_mean.astype(np.float64)
            invstd = 1.0 / np.sqrt(running_var.astype(np.float64) + eps)
            statistics = (np.empty_like(mean, shape=0), np.empty_like(mean, shape=0))  # on x's device
        ctx.save_for_backward(x, weight, mean, invstd)  # weight as given: the engine watches its version
        ctx.training, ctx.eps = training, eps
        return (out, *statistics)

    @staticmethod
    def backward(ctx, grad, _grad_mean, _grad_var):
        x, weight, mean, invstd = ctx.saved_tensors
        grads = BatchNormBackward.compute(grad, x, _flat(weight), mean, invstd, ctx.training, ctx.eps)
        return _wanted(ctx, *grads, None, None, None, None)


class LayerNorm(ArrayFunction):
    """Layer norm of x (..., *normalized_shape) over its trailing ``normalized_shape`` dims; backward
    through ``LayerNormBackward`` (the saved statistics as constants, as in ``BatchNorm``)."""

    backward_name = "NativeLayerNormBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True
    saves_constants = True

    @staticmethod
    def forward(ctx, x, normalized_shape, weight, bias, eps):
        out, mean, invstd = kernel_module("layer_norm", ctx.device).layer_norm_forward(
            x, normalized_shape, weight, bias, eps)
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.normalized_shape, ctx.eps = normalized_shape, eps
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, invstd = ctx.saved_tensors
        grad_x, grad_weight, grad_bias = LayerNormBackward.compute(
            grad, x, ctx.normalized_shape, weight, mean, invstd, ctx.eps)
        return _wanted(ctx, grad_x, None, grad_weight, grad_bias, None)


class GroupNorm(ArrayFunction):
    """Group norm of x (N, C, *) -> ``(out, mean, invstd)``, the statistics (N, G) float64;
    backward through ``GroupNormBackward``."""

    backward_name = "NativeGroupNormBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True
    _materialize_grads = False  # the statistics are outputs for instance norm's running update only

    @staticmethod
    def forward(ctx, x, num_groups, weight, bias, eps):
        out, mean, invstd = kernel_module("group_norm", ctx.device).group_norm_forward(
            x, num_groups, weight, bias, eps)
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.eps = eps
        return out, mean, invstd

    @staticmethod
    def backward(ctx, grad, _grad_mean, _grad_invstd):
        x, weight, mean, invstd = ctx.saved_tensors
        grad_x, grad_weight, grad_bias = GroupNormBackward.compute(grad, x, weight, mean, invstd, ctx.eps)
        return _wanted(ctx, grad_x, None, grad_weight, grad_bias, None)


# ---- argument checks ------------------------------------------------------------------------
def _check_floating(op: str, input: Tensor) -> None:
    """The floating dtypes (the kernels compute float16 in float32)."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{op}" not implemented for \'{type_name(input.dtype)}\'')


def _check_same_dtype(input: Tensor, **params: Tensor | None) -> None:
    """Parameters of the input's dtype or, for a float16 input, all of them float32, as PyTorch's
    mixed-type norms (what autocast hands a norm layer, whose parameters stay float32)."""
    given = {name: param for name, param in params.items() if param is not None}
    if input.dtype is _dtype.float16 and any(param.dtype is _dtype.float32 for param in given.values()):
        if any(param.dtype is not _dtype.float32 for param in given.values()):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        return
    for name, param in given.items():
        if param.dtype != input.dtype:
            raise RuntimeError(f"mixed dtype (CPU): expect parameter to have scalar type of "
                               f"{type_name(input.dtype)}, but {name} has scalar type {type_name(param.dtype)}")


def _check_numel(name: str, param: Tensor | None, expected: int, per_sample: int = 1) -> None:
    """PyTorch's count check of a per-channel tensor (instance norm counts N copies of it)."""
    if param is not None and param.numel() * per_sample != expected:
        raise RuntimeError(f"{name} should contain {expected} elements not {param.numel() * per_sample}")


def _verify_batch_size(size) -> None:
    """Training statistics need more than one value per channel (else the variance is 0 / 0)."""
    if math.prod(size[:1]) * math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _check_eps(eps: float, training: bool) -> None:
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")


def _check_running_stats(running_mean: Tensor | None, running_var: Tensor | None, expected: int,
                         training: bool, per_sample: int = 1) -> None:
    for name, running in (("running_mean", running_mean), ("running_var", running_var)):
        if running is None and not training:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
        _check_numel(name, running, expected, per_sample)


def _update_running(running: Tensor, statistic: Tensor, momentum: float) -> None:
    """``running = (1 - momentum) * running + momentum * statistic`` in place, formed in float64
    as PyTorch's CPU kernel does.

    A buffer update that no graph records, so it is numpy on the storage (a handful of tensor ops
    cost more than the whole normalisation of a small batch); the version counter is bumped as an
    in-place op would."""
    if running.device != statistic.device:
        raise mixed_devices_error(statistic.device, running.device)
    data = running._data
    data[...] = (data.astype(np.float64) * (1 - momentum) + statistic._data * momentum).reshape(data.shape)
    running._version_counter.value += 1


# ---- the functional forms -------------------------------------------------------------------
def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch norm of ``input`` (N, C, *) with per-channel statistics over (N, *).

    ``training``: normalise with the batch mean and biased variance and, when given, update
    ``running_mean`` / ``running_var`` (C,) in place with ``momentum`` (unbiased variance);
    otherwise normalise with the running statistics. weight, bias: (C,) or None.
    """
    check_tensor(input, "batch_norm")
    check_optional_tensors("batch_norm", 2, running_mean=running_mean, running_var=running_var,
                           weight=weight, bias=bias)
    num_features = input.shape[wrap_dim(1, input.ndim)]  # IndexError for 1-D input, as PyTorch
    if training:
        _verify_batch_size(input.size())
    _check_eps(eps, training)
    _check_running_stats(running_mean, running_var, num_features, training)
    _check_numel("weight", weight, num_features)
    _check_numel("bias", bias, num_features)
    if training and (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    _check_floating("batch_norm", input)
    _check_same_dtype(input, weight=weight, bias=bias, running_mean=running_mean, running_var=running_var)
    out, mean, var_unbiased = BatchNorm.apply(input, weight, bias, running_mean, running_var,
                                              bool(training), float(eps))
    if training and running_mean is not None and input.numel() > 0:
        _update_running(running_mean, mean, momentum)
        _update_running(running_var, var_unbiased, momentum)
    return out


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Instance norm of ``input`` (N, C, *): each (n, c) plane normalised with its own statistics
    (group norm with one group per channel) when ``use_input_stats``; running statistics (C,), if
    given, are then updated with the per-plane mean / unbiased variance averaged over n. Without
    ``use_input_stats`` the running statistics normalise every plane of channel c."""
    check_tensor(input, "instance_norm")
    check_optional_tensors("instance_norm", 2, running_mean=running_mean, running_var=running_var,
                           weight=weight, bias=bias)
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.size()}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    # PyTorch runs batch norm on the (1, N * C, *) view with every per-channel tensor repeated N
    # times; its count checks (and messages) are over those N copies.
    channels = input.shape[wrap_dim(1, input.ndim)]  # IndexError for 1-D input, as PyTorch
    batch = input.shape[0]
    _check_running_stats(running_mean, running_var, batch * channels, use_input_stats, per_sample=batch)
    _check_numel("weight", weight, batch * channels, per_sample=batch)
    _check_numel("bias", bias, batch * channels, per_sample=batch)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    _check_floating("batch_norm", input)
    _check_same_dtype(input, weight=weight, bias=bias)  # PyTorch accepts running statistics of another float type
    if not use_input_stats:
        return BatchNorm.apply(input, weight, bias, running_mean, running_var, False, float(eps))[0]
    out, mean, invstd = GroupNorm.apply(input, channels, weight, bias, float(eps))
    if running_mean is not None and input.numel() > 0:
        with no_grad():
            plane_size = math.prod(input.shape[2:])
            var_unbiased = (invstd ** -2 - eps) * (plane_size / (plane_size - 1))
            _update_running(running_mean, mean.mean(0), momentum)
            _update_running(running_var, var_unbiased.mean(0), momentum)
    return out


def _normalized_shape_arg(op: str, normalized_shape) -> tuple[int, ...]:
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(f"{op}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                        f"not {type(normalized_shape).__name__}")
    for pos, size in enumerate(normalized_shape):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"{op}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                            f"but found element of type {type(size).__name__} at pos {pos}")
    return tuple(int(size) for size in normalized_shape)


def _check_trailing_shape(input: Tensor, shape: tuple, expected_pattern: str, **params: Tensor | None) -> None:
    """PyTorch's checks of layer_norm / rms_norm: a non-empty ``normalized_shape``, parameters of
    that shape, and an input ending in it (``expected_pattern`` shows the shape PyTorch's way)."""
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
                           f"least one element, but got normalized_shape = {list(shape)}")
    for name, param in params.items():
        if param is not None and tuple(param.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                               f"shape {list(param.shape)} and normalized_shape = {list(shape)}")
    if input.ndim < len(shape) or tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"{expected_pattern}, but got input of size{list(input.shape)}")


@autocast_op
def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Layer norm of ``input`` (..., *normalized_shape): statistics over the trailing
    ``normalized_shape`` dims of each leading index; weight, bias: normalized_shape or None."""
    check_tensor(input, "layer_norm")
    check_optional_tensors("layer_norm", 3, weight=weight, bias=bias)
    shape = _normalized_shape_arg("layer_norm", normalized_shape)
    _check_same_dtype(input, weight=weight, bias=bias)
    _check_trailing_shape(input, shape, f"[*{''.join(f', {s}' for s in shape)}]", weight=weight, bias=bias)
    _check_floating("LayerNormKernelImpl", input)
    return LayerNorm.apply(input, shape, weight, bias, float(eps))


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """RMS norm of ``input`` (..., *normalized_shape): each leading index divided by the root mean
    square of its trailing ``normalized_shape`` values, then scaled by ``weight``,

        y = x / sqrt(mean(x^2) + eps) * weight      (eps None: finfo(input.dtype).eps)

    Layer norm without the mean subtraction and the bias. As PyTorch's own, it is a composite of
    elementwise ops and a mean (so autograd differentiates it, on either device, to any order);
    float16 is computed in float32 and rounded once. The result has the input's dtype."""
    check_tensor(input, "rms_norm")
    check_optional_tensors("rms_norm", 3, weight=weight)
    shape = _normalized_shape_arg("rms_norm", normalized_shape)
    _check_trailing_shape(input, shape, f"[*{', '.join(str(s) for s in shape)}]", weight=weight)
    _check_floating("rms_norm", input)
    eps = finfo(input.dtype).eps if eps is None else float(eps)
    x = input.float() if input.dtype == float16 else input
    out = x * (x.square().mean(tuple(range(-len(shape), 0)), keepdim=True) + eps).rsqrt()
    return (out if weight is None else out * weight).to(input.dtype)  # the input's dtype, whatever the weight's


@autocast_op
def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Group norm of ``input`` (N, C, *): the C channels form ``num_groups`` groups of C / G
    consecutive channels, each normalised per sample over its (C / G, *) values; weight, bias (C,)."""
    check_tensor(input, "group_norm")
    check_optional_tensors("group_norm", 3, weight=weight, bias=bias)
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)):
        raise TypeError(f"group_norm(): argument 'num_groups' (position 2) must be int, not "
                        f"{type(num_groups).__name__}")
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    if num_groups <= 0:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {num_groups}")
    batch, channels = input.shape[:2]
    _verify_batch_size([batch * channels // num_groups, num_groups, *input.shape[2:]])
    if channels % num_groups != 0:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(input.shape)} and num_groups={num_groups}")
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and (param.ndim != 1 or param.numel() != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in "
                               f"input, but got {name} of shape {list(param.shape)} and input of shape "
                               f"{list(input.shape)}")
    _check_floating("GroupNormKernelImpl", input)
    _check_same_dtype(input, weight=weight, bias=bias)
    return GroupNorm.apply(input, int(num_groups), weight, bias, float(eps))[0]
