"""Convolution arithmetic: what a conv layer does to shapes, and what it costs.

Run: python examples/conv_arithmetic.py

For standard, 'same', strided, dilated, grouped, depthwise-separable and transposed convolutions
on a small input, it prints the input shape, the layer, the output shape (measured by running a
tensor through the layer) next to the output-size formula evaluated by hand, the parameter count
and the multiply-accumulate (MAC) count; then the receptive field of a few stacks of layers, by
formula and measured by backpropagation. Parameters, MACs and receptive fields are read from
``minigrad.utils.summary`` (the table torchinfo prints, with a receptive-field column), and the
formulas below, with the numbers put in, are checked against it.

The formulas, for a square input of size H, kernel k, stride s, padding p, dilation d, m input
and n output channels and g groups (the output sizes are importable from this file):

* conv output size: ``H_out = floor((H + 2p - d(k-1) - 1) / s) + 1``
* transposed conv:  ``H_out = (H - 1)s - 2p + d(k-1) + output_padding + 1``
* conv MACs:        ``k^2 * (m/g) * n * H_out * W_out`` (each output value is a dot product of
  length k^2 m/g; bias additions are not counted)
* receptive field of a stack: ``r = 1 + sum_i d_i (k_i - 1) * prod_{j<i} s_j``
* depthwise-separable / standard cost: ``(k^2 m + m n) / (k^2 m n) = 1/n + 1/k^2``
"""
from __future__ import annotations

import minigrad as torch
import minigrad.nn as nn
from minigrad.utils import ModelSummary, summary


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution (or pooling) along one dimension:
    ``floor((size + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1``.

    ``dilation (kernel_size - 1) + 1`` is the span of the dilated kernel; the window fits
    ``size + 2 padding - span`` positions past the first, taken every ``stride``."""
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv_transpose_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """Output length of a transposed convolution along one dimension:
    ``(size - 1) stride - 2 padding + dilation (kernel_size - 1) + output_padding + 1``,
    the inverse of ``conv_output_size`` (``output_padding`` picks among the sizes a strided conv
    maps to the same output size)."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1


def layer_summary(layer: nn.Module, input: torch.Tensor) -> ModelSummary:
    """``minigrad.utils.summary`` of ``layer`` on ``input``: its output shape (``rows[0]``), parameter
    count (``total_params``, the sum over ``layer.parameters()``), MACs (``total_macs``) and, per
    layer of a stack, the receptive field and jump (``rows[i].receptive_field``, ``rows[i].jump``)."""
    return summary(layer, input_data=input, verbose=0)


def receptive_field_growth(layers: nn.Sequential, input: torch.Tensor, dim: int = 0) -> list[int]:
    """How much each layer widens the receptive field along ``dim`` (0: H, 1: W), read off the
    summary's per-layer receptive fields: ``d_i (k_i - 1) * prod_{j<i} s_j``. A layer's dilated
    kernel spans ``d (k - 1) + 1`` of its inputs, and one step between those inputs is
    ``prod_{j<i} s_j`` (the jump before it) steps in the stack's input. Layers without a kernel
    (activations, normalisation) add 0."""
    fields = [1] + [row.receptive_field[dim] for row in layer_summary(layers, input).rows[1:]]
    return [after - before for before, after in zip(fields, fields[1:])]


def receptive_field(layers: nn.Sequential, input: torch.Tensor, dim: int = 0) -> int:
    """How many input positions along ``dim`` one output value of the stack depends on:
    ``r = 1 + sum_i d_i (k_i - 1) * prod_{j<i} s_j`` (the summary's field at the last layer)."""
    return layer_summary(layers, input).rows[-1].receptive_field[dim]


def measured_receptive_field(layers: nn.Sequential, input: torch.Tensor) -> tuple[int, int]:
    """The receptive field found by backpropagation: the (rows, columns) of ``input`` that get a
    nonzero gradient from the centre output value of channel 0. Equals ``receptive_field`` when the
    field lies inside the input and nothing zeroes gradients (ReLU, max-pool)."""
    input = input.detach().requires_grad_()
    output = layers(input)
    output[0, 0, output.shape[2] // 2, output.shape[3] // 2].backward()
    touched = input.grad.numpy()[0].any(axis=0)
    return int(touched.any(axis=1).sum()), int(touched.any(axis=0).sum())


def _numeric_padding(layer: nn.Module) -> int:
    """The padding along H as a number: 'same' pads d(k-1)/2 a side (odd k), 'valid' none."""
    if layer.padding == "same":
        return layer.dilation[0] * (layer.kernel_size[0] - 1) // 2
    return 0 if layer.padding == "valid" else layer.padding[0]


def _output_size_line(layer: nn.Module, size: int) -> tuple[str, int]:
    """The output-size formula of ``layer``'s type along H, with the numbers put in, and its value."""
    k, s, d, p = layer.kernel_size[0], layer.stride[0], layer.dilation[0], _numeric_padding(layer)
    if isinstance(layer, nn.ConvTranspose2d):
        op = layer.output_padding[0]
        value = conv_transpose_output_size(size, k, s, p, op, d)
        return (f"H_out = (H - 1)s - 2p + d(k-1) + output_padding + 1 = "
                f"({size}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {value}"), value
    value = conv_output_size(size, k, s, p, d)
    return (f"H_out = floor((H + 2p - d(k-1) - 1)/s) + 1 = "
            f"floor(({size} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1 = {value}"), value


def _macs_line(layer: nn.Module, costs: ModelSummary) -> str:
    """The MAC formula with the numbers put in, equal to the summary's count (checked)."""
    k_h, k_w = layer.kernel_size
    m, n, g = layer.in_channels, layer.out_channels, layer.groups
    transposed = isinstance(layer, nn.ConvTranspose2d)
    h, w = (costs.rows[0].input_shape[0] if transposed else costs.rows[0].output_shape)[-2:]
    if k_h * k_w * m * n * h * w // g != costs.total_macs:
        raise AssertionError(f"formula gives {k_h * k_w * m * n * h * w // g}, the summary {costs.total_macs}")
    groups = f" / {g}" if g > 1 else ""
    return f"{k_h}*{k_w} * {m}*{n} * {h}*{w}{groups} = {costs.total_macs:,}"


def _params_line(layer: nn.Module, costs: ModelSummary) -> str:
    parts = " + ".join(f"{name} {p.numel():,}" for name, p in layer.named_parameters())
    return f"{costs.total_params:,} = {parts}"


def report_conv(title: str, layer: nn.Module, input: torch.Tensor) -> tuple[torch.Tensor, ModelSummary]:
    """Print shapes, the output-size formula, parameters and MACs of one conv layer; return its
    output and its summary."""
    output = layer(input)
    costs = layer_summary(layer, input)
    formula, predicted = _output_size_line(layer, input.shape[2])
    if predicted != output.shape[2]:
        raise AssertionError(f"formula gives {predicted}, the layer gave {output.shape[2]}")
    print(f"== {title} ==")
    print(f"input   {tuple(input.shape)}")
    print(f"layer   {layer}")
    print(f"output  {tuple(output.shape)}")
    print(f"        {formula}")
    print(f"params  {_params_line(layer, costs)}")
    print(f"MACs    {_macs_line(layer, costs)}")
    print()
    return output, costs


def report_depthwise_separable(depthwise: nn.Conv2d, pointwise: nn.Conv2d, standard: nn.Conv2d,
                               input: torch.Tensor) -> None:
    """Print the costs of depthwise + pointwise against ``standard`` (same k, m and n), both
    measured and as ``1/n + 1/k^2``."""
    hidden, depthwise_costs = report_conv(f"depthwise: {depthwise.kernel_size[0]}x{depthwise.kernel_size[1]}, "
                                          f"groups={depthwise.groups} (one filter per channel)", depthwise, input)
    _, pointwise_costs = report_conv("pointwise: 1x1, mixes the channels", pointwise, hidden)
    standard_costs = layer_summary(standard, input)
    separable, dense = depthwise_costs.total_macs + pointwise_costs.total_macs, standard_costs.total_macs
    n, k = standard.out_channels, standard.kernel_size[0]
    print("== depthwise-separable vs standard conv ==")
    print(f"MACs    depthwise + pointwise {separable:,} vs standard {dense:,}")
    print(f"params  depthwise + pointwise {depthwise_costs.total_params + pointwise_costs.total_params:,} "
          f"vs standard {standard_costs.total_params:,}")
    print(f"measured ratio    {separable:,} / {dense:,} = {separable / dense:.6f}")
    print(f"formula 1/n + 1/k^2 = 1/{n} + 1/{k}^2 = {1 / n + 1 / k ** 2:.6f}")
    print()


def report_receptive_field(title: str, layers: nn.Sequential, input: torch.Tensor) -> None:
    """Print the receptive field of a stack by formula (with its terms) and by backpropagation."""
    growth = receptive_field_growth(layers, input)
    rows, columns = measured_receptive_field(layers, input)
    print(f"== receptive field: {title} ==")
    for layer, term in zip(layers, growth):
        print(f"  {str(layer):<70} adds {term}")
    terms = " + ".join(str(term) for term in growth)
    print(f"formula r = 1 + sum_i d_i(k_i - 1) * prod_(j<i) s_j = 1 + {terms} = {receptive_field(layers, input)}")
    print(f"measured by backprop: {rows}x{columns}")
    print()


def main() -> None:
    torch.manual_seed(0)
    m, n = 16, 32
    x = torch.randn(1, m, 32, 32)
    same = nn.Conv2d(m, n, 3, padding="same")
    report_conv("standard: 3x3, no padding (loses k-1 = 2 pixels)", nn.Conv2d(m, n, 3), x)
    report_conv("same: 3x3, padding='same' keeps H x W", same, x)
    report_conv("strided: 3x3, stride 2, padding 1 halves H x W", nn.Conv2d(m, n, 3, stride=2, padding=1), x)
    report_conv("dilated: 3x3, dilation 2 spans 5x5 with 9 weights", nn.Conv2d(m, n, 3, dilation=2), x)
    report_conv("grouped: 3x3, groups=4 (4 independent 4 -> 8 channel convs)",
                nn.Conv2d(m, n, 3, padding=1, groups=4), x)
    report_depthwise_separable(nn.Conv2d(m, m, 3, padding=1, groups=m, bias=False),
                               nn.Conv2d(m, n, 1, bias=False), same, x)
    report_conv("transposed: 4x4, stride 2, padding 1 doubles H x W",
                nn.ConvTranspose2d(n, m, 4, stride=2, padding=1), torch.randn(1, n, 16, 16))

    probe = torch.randn(1, 1, 32, 32)
    report_receptive_field("three 3x3 convs see 7x7, as one 7x7 conv (27 vs 49 weights per channel pair)",
                           nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3)), probe)
    report_receptive_field("pooling multiplies the growth of every later layer",
                           nn.Sequential(nn.Conv2d(1, 1, 3), nn.AvgPool2d(2), nn.Conv2d(1, 1, 3), nn.AvgPool2d(2),
                                         nn.Conv2d(1, 1, 3)), probe)
    report_receptive_field("dilations 1, 2, 4 grow it exponentially",
                           nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3, dilation=2),
                                         nn.Conv2d(1, 1, 3, dilation=4)), probe)


if __name__ == "__main__":
    main()
