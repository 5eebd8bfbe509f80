"""Tour 3: how padding, stride, dilation and groups change a convolution's shape and cost.

Run: python examples/tour/03_shapes_and_cost.py [--out tour_out]

The same 3x3 convolution from 16 to 32 channels on a 32x32 input, varied one argument at a time:
no padding, ``padding='same'``, stride 2, dilation 2, 4 groups, depthwise-separable (a depthwise
3x3 and a pointwise 1x1), and a transposed convolution that undoes the stride. For each, the
summary table (output shape, parameters, multiply-accumulates, receptive field and jump), then a
comparison. The formulas, for input size H, kernel k, stride s, padding p, dilation d, m input and
n output channels, g groups:

* output size ``H_out = floor((H + 2p - d(k-1) - 1) / s) + 1``
* transposed ``H_out = (H - 1)s - 2p + d(k-1) + output_padding + 1``
* MACs ``k^2 (m/g) n H_out W_out``; parameters ``k^2 (m/g) n + n`` (the bias)
* depthwise-separable over standard: ``(k^2 m + m n) / (k^2 m n) = 1/n + 1/k^2``

Read alongside:

- minigrad/utils/_summary.py: ``summary`` (hooks on every module, one row per call),
  minigrad/utils/_layer_arithmetic.py (the MAC and receptive-field rules per layer type)
- minigrad/nn/modules/conv.py: ``Conv2d``, ``ConvTranspose2d`` (arguments, output size)
- examples/conv_arithmetic.py: the same variants with every formula written out and checked
"""
import minigrad.nn as nn
from minigrad.utils import ModelSummary, summary
from minigrad.utils.plots.picture import Picture, new_figure

from _tour import draw, heading, parse_args

M, N, SIZE, K = 16, 32, 32, 3  # input channels, output channels, input height and width, kernel size


def variants() -> list[tuple[str, str, nn.Module, tuple]]:
    """(name, what changes, layer, input size) for each variant."""
    image = (1, M, SIZE, SIZE)
    return [
        ("standard", "no padding: the window fits H - k + 1 = 30 positions", nn.Conv2d(M, N, K), image),
        ("same", "padding='same' pads (k-1)/2 = 1 a side: 32x32 stays 32x32, (32/30)^2 = 1.14 times the MACs",
         nn.Conv2d(M, N, K, padding="same"), image),
        ("strided", "stride 2 (padding 1) halves H and W: a quarter of the MACs, jump 2",
         nn.Conv2d(M, N, K, stride=2, padding=1), image),
        ("dilated", "dilation 2 spreads the 9 taps over 5x5: same weights, RF 5, 28x28 out",
         nn.Conv2d(M, N, K, dilation=2), image),
        ("grouped", "groups=4: four independent 4 -> 8 convolutions, a quarter of the weights and MACs",
         nn.Conv2d(M, N, K, padding=1, groups=4), image),
        ("depthwise-separable", "depthwise 3x3 (groups=16, one filter per channel), then pointwise 1x1",
         nn.Sequential(nn.Conv2d(M, M, K, padding=1, groups=M, bias=False), nn.Conv2d(M, N, 1, bias=False)), image),
        ("transposed", "ConvTranspose2d 4x4, stride 2, padding 1 on the strided output: 16x16 -> 32x32",
         nn.ConvTranspose2d(N, M, 4, stride=2, padding=1), (1, N, SIZE // 2, SIZE // 2)),
    ]


def main(argv=None) -> None:
    args = parse_args(__doc__.splitlines()[0], argv)
    results: dict[str, ModelSummary] = {}
    for name, change, layer, input_size in variants():
        heading(f"{name}: {change}", "minigrad/utils/_summary.py: summary")
        print(f"{layer} on input {list(input_size)}")
        results[name] = summary(layer, input_size=input_size)

    heading("Side by side", "minigrad/utils/_layer_arithmetic.py")
    reference = results["same"].total_macs
    print(f"{'variant':<21}{'output shape':>18}{'params':>9}{'MACs':>12}{'vs same':>9}")
    for name, result in results.items():
        shape = list(result.rows[0].output_shape)
        print(f"{name:<21}{str(shape):>18}{result.total_params:>9,}{result.total_macs:>12,}"
              f"{result.total_macs / reference:>9.3f}")

    heading("The depthwise-separable saving, 1/n + 1/k^2", "minigrad/utils/_summary.py: ModelSummary.total_macs")
    separable, same = results["depthwise-separable"].total_macs, results["same"].total_macs
    formula = 1 / N + 1 / K ** 2
    print("standard: each of n outputs mixes k^2 m inputs:         k^2 m n H W")
    print("separable: k^2 per channel (depthwise) + m per output:  (k^2 m + m n) H W")
    print(f"measured {separable:,} / {same:,} = {separable / same:.6f}; 1/n + 1/k^2 = 1/{N} + 1/{K}^2 = {formula:.6f}")
    assert abs(separable / same - formula) < 1e-12

    def draw_costs(path: str) -> None:
        names = list(results)
        figure = new_figure((10, 3.6), 100)
        for index, (title, values) in enumerate((
                ("multiply-accumulates", [results[name].total_macs for name in names]),
                ("parameters", [results[name].total_params for name in names]))):
            axes = figure.add_subplot(1, 2, index + 1)
            axes.barh(names, values, color="tab:blue" if index == 0 else "tab:orange")
            axes.invert_yaxis()  # in the order printed
            axes.set_title(f"{title} ({M} and {N} channels, {SIZE}x{SIZE} input)", fontsize=9)
            axes.grid(axis="x", alpha=0.3)
        figure.tight_layout()
        Picture(figure, path)

    draw(args.out, "03_costs.png", draw_costs)


if __name__ == "__main__":
    main()
