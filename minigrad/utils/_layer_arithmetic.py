"""What ``summary`` knows about each layer type: its multiply-accumulates, how it moves the
receptive field, and (for the shape-only pass) its output shape without running its kernel.

MACs (one multiply and one add each), counted for the whole batch, bias additions not counted:

* ``ConvNd``: ``prod(k) * (C_in / groups) * C_out * prod(out spatial) * N`` — every output value
  is a dot product over a ``prod(k)`` window of the ``C_in / groups`` channels of its group;
* ``ConvTransposeNd``: ``prod(k) * C_in * (C_out / groups) * prod(in spatial) * N`` — every input
  value is scattered, times a kernel, into the ``C_out / groups`` channels of its group;
* ``Linear``: ``in_features * out_features * (output rows)``;
* everything else (pooling, norms, activations, dropout): 0. torchinfo counts ``weight.numel()``
  per output sample for norms and adds the biases, which changes VGG-16's 15.47 G by under 0.1 %.

Receptive field ``r`` and jump ``j`` (the distance, in input positions, between two neighbouring
positions of a layer's output), per spatial dimension, starting from ``r = j = 1`` at the input:
a convolution or pooling with kernel ``k``, dilation ``d`` and stride ``s`` gives
``r_out = r_in + (d (k - 1) + 1 - 1) j_in`` and ``j_out = j_in s``; element-wise layers (norms,
activations, dropout, and other layers that keep the shape) keep both. Layers whose outputs see
the whole input or a varying part of it (Linear, adaptive pooling, transposed convolutions, and
other layers that change the shape, such as flatten) end the chain: the field is not reported
after them.
"""
from __future__ import annotations

import math

from .. import nn
from ..functions._conv_args import conv_transpose_output_size
from .._device import CPU, kernel_module

_CONVS = (nn.Conv1d, nn.Conv2d)
_TRANSPOSED = (nn.ConvTranspose1d, nn.ConvTranspose2d)
_POOLS = (nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d)
_ADAPTIVE_POOLS = (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d)
_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm, nn.InstanceNorm1d, nn.InstanceNorm2d)
_ELEMENTWISE = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.Hardswish,
                nn.Hardsigmoid, nn.Dropout, nn.Dropout2d, nn.Identity) + _NORMS


def _tuple(value, n: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def macs(layer: nn.Module, input_shape: tuple, output_shape: tuple) -> int:
    """Multiply-accumulates of one call of ``layer`` (formulas in the module docstring)."""
    if isinstance(layer, _TRANSPOSED):
        return (math.prod(layer.kernel_size) * layer.in_channels * (layer.out_channels // layer.groups)
                * input_shape[0] * math.prod(input_shape[2:]))
    if isinstance(layer, _CONVS):
        return (math.prod(layer.kernel_size) * (layer.in_channels // layer.groups) * layer.out_channels
                * output_shape[0] * math.prod(output_shape[2:]))
    if isinstance(layer, nn.Linear):
        return layer.in_features * layer.out_features * math.prod(output_shape[:-1])
    return 0


def receptive_field_step(layer: nn.Module, field: tuple | None, jump: tuple | None,
                         input_shape: tuple, output_shape: tuple) -> tuple[tuple | None, tuple | None]:
    """``(receptive_field, jump)`` after ``layer`` given those before it (None: no chain)."""
    if isinstance(layer, _CONVS + _POOLS):
        spatial = len(input_shape) - 2
        if field is None or len(field) != spatial:
            field, jump = (1,) * spatial, (1,) * spatial
        kernel = _tuple(layer.kernel_size, spatial)
        dilation = _tuple(getattr(layer, "dilation", 1), spatial)
        stride = _tuple(layer.stride, spatial)
        field = tuple(r + d * (k - 1) * j for r, k, d, j in zip(field, kernel, dilation, jump))
        return field, tuple(j * s for j, s in zip(jump, stride))
    if isinstance(layer, _TRANSPOSED + _ADAPTIVE_POOLS + (nn.Linear,)):
        return None, None
    if isinstance(layer, _ELEMENTWISE) or input_shape == output_shape:
        return field, jump
    return None, None


def _conv_padding(layer: nn.Module, spatial: int) -> tuple:
    if layer.padding == "same":
        return None
    return (0,) * spatial if layer.padding == "valid" else _tuple(layer.padding, spatial)


def _pool_output_size(*arguments) -> int:
    """The output length of a convolution or pooling window (``kernels/pool_output_size.py``, reached
    through the device table like every kernel; the arithmetic is the same on every device)."""
    return kernel_module("pool_output_size", CPU).pool_output_size(*arguments)


def output_shape(layer: nn.Module, input_shape: tuple) -> tuple | None:
    """The output shape of ``layer`` on an input of ``input_shape`` by formula, for the layer
    types ``summary(..., shapes_only=True)`` does not run; None for the others. Raises
    RuntimeError, as the layer would, when the input does not fit."""
    spatial = input_shape[2:]
    if isinstance(layer, _CONVS + _TRANSPOSED):
        expected = layer.in_channels
        if len(input_shape) != len(layer.kernel_size) + 2 or input_shape[1] != expected:
            raise RuntimeError(f"expected input of shape (N, {expected}, {', '.join('*' * len(layer.kernel_size))}), "
                               f"got {input_shape}")
        if isinstance(layer, _TRANSPOSED):
            sizes = tuple(conv_transpose_output_size(*arguments) for arguments in
                          zip(spatial, layer.kernel_size, layer.stride, layer.padding, layer.dilation,
                              layer.output_padding))
        else:
            padding = _conv_padding(layer, len(spatial))
            sizes = spatial if padding is None else tuple(
                _pool_output_size(n, k, s, p, d) for n, k, s, p, d in
                zip(spatial, layer.kernel_size, layer.stride, padding, layer.dilation))
        return _checked(input_shape, (input_shape[0], layer.out_channels, *sizes))
    if isinstance(layer, _POOLS):
        n = len(spatial)
        sizes = tuple(_pool_output_size(size, k, s, p, d, layer.ceil_mode) for size, k, s, p, d in
                      zip(spatial, _tuple(layer.kernel_size, n), _tuple(layer.stride, n), _tuple(layer.padding, n),
                          _tuple(getattr(layer, "dilation", 1), n)))
        return _checked(input_shape, (*input_shape[:2], *sizes))
    if isinstance(layer, _ADAPTIVE_POOLS):
        target = _tuple(layer.output_size, len(spatial))
        return (*input_shape[:2], *(size if t is None else t for size, t in zip(spatial, target)))
    if isinstance(layer, nn.Linear):
        if input_shape[-1] != layer.in_features:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({math.prod(input_shape[:-1])}x{input_shape[-1]} and "
                               f"{layer.in_features}x{layer.out_features})")
        return (*input_shape[:-1], layer.out_features)
    if isinstance(layer, _ELEMENTWISE) and not isinstance(layer, _NORMS):
        return input_shape
    return None


def _checked(input_shape: tuple, shape: tuple) -> tuple:
    if any(size <= 0 for size in shape[2:]):
        raise RuntimeError(f"Given input size: {input_shape}. Calculated output size: {shape}. "
                           "Output size is too small")
    return shape
