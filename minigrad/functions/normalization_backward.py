"""The backward passes of batch, layer and group norm as ops of their own, so that a gradient
through a norm can be differentiated again (``create_graph=True``).

``BatchNormBackward``, ``LayerNormBackward`` and ``GroupNormBackward`` run the kernels' backward
passes (``kernels/batch_norm.py``, ``layer_norm.py``, ``group_norm.py``), which the norms' own
backward calls through ``compute``; their backward is the second derivative below, written with
numpy so that it records a graph in turn (third derivatives).

The three normalise groups of n values that share one mean and variance (batch norm: a channel
over (N, *); group norm: a group of channels of one sample; layer norm: one row). Per group, with
eps inside the square root and ``<v>`` the mean of v over the group:

    r = 1 / sqrt(var + eps),   xhat = (x - mean) r,   y = xhat w + b

The backward op maps (g, x, w), g = dL/dy, to

    gx = P(g w),   P(v) = r (v - <v> - xhat <v xhat>)
    gw = sum g xhat,   gb = sum g          (sums over the values that share an element of w)

P is d xhat / dx applied to v; it is self-adjoint. Given the gradients (u, ggw, ggb) of (gx, gw, gb),
with h = g w, the op's own derivatives are

    d/dg = w P(u) + ggw xhat + ggb
    d/dw = sum g P(u)
    d/dx = P(ggw g) + r^2 (3 xhat <u xhat> <h xhat> - xhat (<u h> - <u> <h>)
                           - (u - <u>) <h xhat> - (h - <h>) <u xhat>)

(the last term is d/dx of <u, P(h)>, through r and xhat; PyTorch's ``batchnorm_double_backward``
and ``layer_norm_double_backward`` are the same formulas). The mean and r are recomputed from x
here, so that their dependence on x is part of the formula: the statistics the forward saved enter
the ops only for the kernels, and get no gradient. Batch norm in eval mode normalises with the
running statistics, constants: there P(v) = r v, gx = r w g does not depend on x, and
d/dx = r ggw g.
"""
from __future__ import annotations

import math

import numpy as np

from .._device import kernel_module
from ..autograd.function import ArrayFunction


def _second_derivatives(grad, x, weight, grad_grads: tuple, stat_axes: tuple, param_axes: tuple, eps: float,
                        statistics: tuple | None = None) -> tuple:
    """``(d/dg, d/dx, d/dw)`` of the module docstring, all in a grouped layout of x in which
    ``stat_axes`` span one group and weight (size 1 on ``param_axes``) broadcasts against x.

    grad_grads: (u, ggw, ggb), ggw and ggb in the weight's layout, each None when it got no
    gradient; weight None counts as ones (and then d/dw is None). ``statistics``: (mean, invstd)
    constants in the weight's layout (eval mode), else None: the batch statistics of x.
    """
    grad_grad_x, grad_grad_weight, grad_grad_bias = grad_grads
    training = statistics is None
    if training:
        centered = x - x.mean(axis=stat_axes, keepdims=True)
        invstd = 1 / np.sqrt((centered * centered).mean(axis=stat_axes, keepdims=True) + eps)
    else:
        mean, invstd = statistics
        centered = x - mean
    xhat = centered * invstd

    def group_mean(v):
        return v.mean(axis=stat_axes, keepdims=True)

    def projected(v):  # P(v)
        return invstd * (v - group_mean(v) - xhat * group_mean(v * xhat)) if training else invstd * v

    scaled = 1 if weight is None else weight
    grad_terms, x_terms, grad_weight = [], [], None
    if grad_grad_x is not None:
        through_x = projected(grad_grad_x)
        grad_terms.append(scaled * through_x)
        if weight is not None:
            grad_weight = (grad * through_x).sum(axis=param_axes, keepdims=True)
        if training:
            u, h = grad_grad_x, grad * scaled
            u_xhat, h_xhat = group_mean(u * xhat), group_mean(h * xhat)
            x_terms.append(invstd * invstd * (
                3 * xhat * u_xhat * h_xhat - xhat * (group_mean(u * h) - group_mean(u) * group_mean(h))
                - (u - group_mean(u)) * h_xhat - (h - group_mean(h)) * u_xhat))
    if grad_grad_weight is not None:
        grad_terms.append(grad_grad_weight * xhat)
        x_terms.append(projected(grad_grad_weight * grad))
    if grad_grad_bias is not None:
        grad_terms.append(grad_grad_bias)
    grad_grad = np.broadcast_to(sum(grad_terms), x.shape) if grad_terms else None
    return grad_grad, (sum(x_terms) if x_terms else None), grad_weight


def _in_layout(array, shape: tuple):
    return None if array is None else array.reshape(shape)


class BatchNormBackward(ArrayFunction):
    """Batch norm's ``(grad_x, grad_weight, grad_bias)`` (kernels/batch_norm.py) for grad, x
    (N, C, *), weight (C,) or None, and mean, invstd (C,): the batch statistics
    (``training``) or the running ones."""

    backward_name = "NativeBatchNormBackwardBackward0"
    runs_on_cuda = True
    _materialize_grads = False  # a gradient that did not come is a term left out, not zeros

    @staticmethod
    def forward(ctx, grad, x, weight, mean, invstd, training, eps):
        # The batch statistics are recomputed from x in backward; the running ones are constants.
        ctx.save_for_backward(grad, x, weight, *(() if training else (mean, invstd)))
        ctx.eps = eps
        return kernel_module("batch_norm", ctx.device).batch_norm_backward(
            grad, x, mean, invstd, weight, training)

    @staticmethod
    def backward(ctx, grad_grad_x, grad_grad_weight, grad_grad_bias):
        grad, x, weight, *statistics = ctx.saved_tensors
        channels = x.shape[1]
        grouped = (x.shape[0], channels, math.prod(x.shape[2:]))  # statistics over axes 0 and 2
        per_channel = (1, channels, 1)
        grad_grad, grad_x, grad_weight = _second_derivatives(
            grad.reshape(grouped), x.reshape(grouped), _in_layout(weight, per_channel),
            (_in_layout(grad_grad_x, grouped), _in_layout(grad_grad_weight, per_channel),
             _in_layout(grad_grad_bias, per_channel)),
            (0, 2), (0, 2), ctx.eps, tuple(s.reshape(per_channel) for s in statistics) or None)
        return (_in_layout(grad_grad, x.shape), _in_layout(grad_x, x.shape),
                None if weight is None else _in_layout(grad_weight, weight.shape), None, None, None, None)


class LayerNormBackward(ArrayFunction):
    """Layer norm's ``(grad_x, grad_weight, grad_bias)`` (kernels/layer_norm.py) for grad, x
    (..., *normalized_shape), weight (normalized_shape) or None, and the forward's mean, invstd."""

    backward_name = "NativeLayerNormBackwardBackward0"
    runs_on_cuda = True
    _materialize_grads = False

    @staticmethod
    def forward(ctx, grad, x, normalized_shape, weight, mean, invstd, eps):
        ctx.save_for_backward(grad, x, weight)
        ctx.normalized_shape, ctx.eps = normalized_shape, eps
        return kernel_module("layer_norm", ctx.device).layer_norm_backward(
            grad, x, normalized_shape, mean, invstd, weight)

    @staticmethod
    def backward(ctx, grad_grad_x, grad_grad_weight, grad_grad_bias):
        grad, x, weight = ctx.saved_tensors
        size = math.prod(ctx.normalized_shape)
        rows = (math.prod(x.shape[:x.ndim - len(ctx.normalized_shape)]), size)  # statistics over axis 1
        per_column = (1, size)
        grad_grad, grad_x, grad_weight = _second_derivatives(
            grad.reshape(rows), x.reshape(rows), _in_layout(weight, per_column),
            (_in_layout(grad_grad_x, rows), _in_layout(grad_grad_weight, per_column),
             _in_layout(grad_grad_bias, per_column)),
            (1,), (0,), ctx.eps)
        return (_in_layout(grad_grad, x.shape), _in_layout(grad_x, x.shape), None,
                None if weight is None else _in_layout(grad_weight, weight.shape), None, None, None)


class GroupNormBackward(ArrayFunction):
    """Group norm's ``(grad_x, grad_weight, grad_bias)`` (kernels/group_norm.py) for grad, x
    (N, C, *), weight (C,) or None, and the forward's mean, invstd (N, G)."""

    backward_name = "NativeGroupNormBackwardBackward0"
    runs_on_cuda = True
    _materialize_grads = False

    @staticmethod
    def forward(ctx, grad, x, weight, mean, invstd, eps):
        ctx.save_for_backward(grad, x, weight)
        ctx.num_groups, ctx.eps = mean.shape[1], eps
        return kernel_module("group_norm", ctx.device).group_norm_backward(grad, x, mean, invstd, weight)

    @staticmethod
    def backward(ctx, grad_grad_x, grad_grad_weight, grad_grad_bias):
        grad, x, weight = ctx.saved_tensors
        (batch, channels), groups = x.shape[:2], ctx.num_groups
        grouped = (batch, groups, channels // groups, math.prod(x.shape[2:]))  # statistics over axes 2, 3
        per_channel = (1, groups, channels // groups, 1)
        grad_grad, grad_x, grad_weight = _second_derivatives(
            grad.reshape(grouped), x.reshape(grouped), _in_layout(weight, per_channel),
            (_in_layout(grad_grad_x, grouped), _in_layout(grad_grad_weight, per_channel),
             _in_layout(grad_grad_bias, per_channel)),
            (2, 3), (0, 3), ctx.eps)
        return (_in_layout(grad_grad, x.shape), _in_layout(grad_x, x.shape),
                None if weight is None else _in_layout(grad_weight, weight.shape), None, None, None)
