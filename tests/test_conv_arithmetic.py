"""examples/conv_arithmetic.py: its helpers against independent counts, and what its main prints
against numbers worked out by hand."""
import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

import minigrad
from minigrad import nn

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conv_arithmetic.py"


@pytest.fixture(scope="module")
def arithmetic():
    spec = importlib.util.spec_from_file_location("conv_arithmetic", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sections(arithmetic) -> dict:
    """The printed report, split into {section title: its lines}."""
    out = io.StringIO()
    with redirect_stdout(out):
        arithmetic.main()
    report, title = {}, None
    for line in out.getvalue().splitlines():
        if line.startswith("== ") and line.endswith(" =="):
            title = line[3:-3]
            report[title] = []
        elif line.strip():
            report[title].append(line)
    return report


def section(sections: dict, prefix: str) -> str:
    (title,) = [title for title in sections if title.startswith(prefix)]
    return "\n".join(sections[title])


def test_conv_output_size_counts_the_window_positions(arithmetic):
    for size in (5, 8, 13):
        for kernel in (1, 2, 3, 5):
            for stride in (1, 2, 3):
                for padding in (0, 1, 2):
                    for dilation in (1, 2):
                        span = dilation * (kernel - 1) + 1
                        positions = len(range(0, size + 2 * padding - span + 1, stride))
                        if positions:
                            assert arithmetic.conv_output_size(size, kernel, stride, padding, dilation) == positions


def test_conv_transpose_output_size_matches_the_layer_and_inverts_the_conv(arithmetic):
    for size in (3, 6):
        for kernel, stride, padding, output_padding, dilation in [(3, 1, 0, 0, 1), (4, 2, 1, 0, 1), (3, 2, 1, 1, 1),
                                                                  (3, 3, 0, 2, 2), (5, 2, 2, 1, 1)]:
            layer = nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding, dilation=dilation)
            measured = layer(minigrad.zeros(1, 1, size, size)).shape[-1]
            expected = arithmetic.conv_transpose_output_size(size, kernel, stride, padding, output_padding, dilation)
            assert expected == measured
            assert arithmetic.conv_output_size(expected, kernel, stride, padding, dilation) == size


def test_layer_summary_counts_the_parameters(arithmetic):
    assert arithmetic.layer_summary(nn.Linear(3, 4), minigrad.zeros(1, 3)).total_params == 3 * 4 + 4
    conv = nn.Conv2d(8, 6, 3, groups=2, bias=False)
    assert arithmetic.layer_summary(conv, minigrad.zeros(1, 8, 5, 5)).total_params == 6 * 4 * 3 * 3
    assert arithmetic.layer_summary(nn.ReLU(), minigrad.zeros(1, 3)).total_params == 0


@pytest.mark.parametrize("layer, size", [
    (nn.Conv2d(4, 6, 3), 7),
    (nn.Conv2d(4, 6, (3, 2), stride=2, padding=1), 9),
    (nn.Conv2d(4, 6, 3, groups=2, dilation=2), 8),
    (nn.Conv2d(6, 6, 3, groups=6), 5),
    (nn.ConvTranspose2d(4, 6, 3, stride=2), 5),
    (nn.ConvTranspose2d(4, 6, 2, groups=2), 5),
])
def test_layer_summary_macs_are_one_multiply_per_weight_use(arithmetic, layer, size):
    x = minigrad.zeros(1, layer.in_channels, size, size)
    y = layer(x)
    weights_per_window = layer.weight[0].numel()  # Conv2d: (m/g) k_h k_w; ConvTranspose2d: (n/g) k_h k_w
    uses = y.numel() if isinstance(layer, nn.Conv2d) else x.numel()
    assert arithmetic.layer_summary(layer, x).total_macs == uses * weights_per_window


def _receptive_field_backwards(layers) -> int:
    """An independent recursion, from the output back: a field of r positions after a layer of
    stride s and dilated span d(k-1)+1 covers s (r - 1) + span positions before it."""
    field = 1
    for layer in reversed(list(layers)):
        field = layer.stride[0] * (field - 1) + layer.dilation[0] * (layer.kernel_size[0] - 1) + 1
    return field


@pytest.mark.parametrize("specs", [
    [(3, 1, 1)] * 3,
    [(3, 2, 1), (3, 2, 1)],
    [(5, 1, 1), (2, 2, 1), (3, 1, 2), (3, 2, 1), (1, 1, 1)],
    [(3, 1, 1), (3, 1, 2), (3, 1, 4), (3, 1, 8)],
])
def test_receptive_field_agrees_with_a_recursion_and_with_backprop(arithmetic, specs):
    minigrad.manual_seed(0)
    layers = nn.Sequential(*[nn.Conv2d(1, 1, k, stride=s, dilation=d) for k, s, d in specs])
    expected = _receptive_field_backwards(layers)
    probe = minigrad.randn(1, 1, 48, 48)
    assert arithmetic.receptive_field(layers, probe) == expected
    assert arithmetic.measured_receptive_field(layers, probe) == (expected, expected)


def test_receptive_field_skips_layers_without_a_kernel(arithmetic):
    layers = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU(), nn.MaxPool2d(2), nn.BatchNorm2d(1), nn.Conv2d(1, 1, 3))
    probe = minigrad.zeros(1, 1, 12, 12)
    assert arithmetic.receptive_field_growth(layers, probe) == [2, 0, 1, 0, 4]
    assert arithmetic.receptive_field(layers, probe) == 8


# section title prefix: (output shape, H_out formula evaluated, (weight, bias) counts, MACs), worked out by hand
EXPECTED_CONVS = {
    "standard": ((1, 32, 30, 30), "floor((32 + 2*0 - 1*(3-1) - 1)/1) + 1 = 30", (4_608, 32), 3 * 3 * 16 * 32 * 30 * 30),
    "same": ((1, 32, 32, 32), "floor((32 + 2*1 - 1*(3-1) - 1)/1) + 1 = 32", (4_608, 32), 4_718_592),
    "strided": ((1, 32, 16, 16), "floor((32 + 2*1 - 1*(3-1) - 1)/2) + 1 = 16", (4_608, 32), 3 * 3 * 16 * 32 * 16 * 16),
    "dilated": ((1, 32, 28, 28), "floor((32 + 2*0 - 2*(3-1) - 1)/1) + 1 = 28", (4_608, 32), 3 * 3 * 16 * 32 * 28 * 28),
    "grouped": ((1, 32, 32, 32), "floor((32 + 2*1 - 1*(3-1) - 1)/1) + 1 = 32", (32 * 4 * 9, 32),
                3 * 3 * 16 * 32 * 32 * 32 // 4),
    "depthwise:": ((1, 16, 32, 32), "floor((32 + 2*1 - 1*(3-1) - 1)/1) + 1 = 32", (16 * 9,), 3 * 3 * 16 * 32 * 32),
    "pointwise:": ((1, 32, 32, 32), "floor((32 + 2*0 - 1*(1-1) - 1)/1) + 1 = 32", (16 * 32,), 16 * 32 * 32 * 32),
    "transposed": ((1, 16, 32, 32), "(16-1)*2 - 2*1 + 1*(4-1) + 0 + 1 = 32", (32 * 16 * 4 * 4, 16),
                   4 * 4 * 32 * 16 * 16 * 16),
}


@pytest.mark.parametrize("prefix", EXPECTED_CONVS)
def test_main_prints_shapes_formulas_params_and_macs(sections, prefix):
    output_shape, h_out_line, params, macs = EXPECTED_CONVS[prefix]
    text = section(sections, prefix)
    assert f"output  {output_shape}" in text
    assert h_out_line in text
    assert f"params  {sum(params):,} = weight {params[0]:,}" in text
    assert ("+ bias" in text) == (len(params) == 2)
    assert text.split("MACs")[1].rstrip().endswith(f"= {macs:,}")


def test_main_prints_the_layers_and_input_shapes(sections):
    assert "input   (1, 16, 32, 32)" in section(sections, "same")
    assert "layer   Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1), padding=same)" in section(sections, "same")
    assert "groups=4" in section(sections, "grouped")
    assert "input   (1, 32, 16, 16)" in section(sections, "transposed")
    assert "layer   ConvTranspose2d(32, 16, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))" in \
        section(sections, "transposed")


def test_main_prints_the_depthwise_separable_ratio_measured_and_by_formula(sections):
    text = section(sections, "depthwise-separable")
    separable, standard = 3 * 3 * 16 * 32 * 32 + 16 * 32 * 32 * 32, 4_718_592
    assert f"depthwise + pointwise {separable:,} vs standard {standard:,}" in text
    assert f"measured ratio    {separable:,} / {standard:,} = {separable / standard:.6f}" in text
    assert f"= {1 / 32 + 1 / 9:.6f}" in text.split("formula 1/n + 1/k^2")[1]


@pytest.mark.parametrize("prefix, growth", [("receptive field: three 3x3", [2, 2, 2]),
                                            ("receptive field: pooling", [2, 1, 2 * 2, 1 * 2, 2 * 4]),
                                            ("receptive field: dilations", [2, 2 * 2, 4 * 2])])
def test_main_prints_receptive_fields(sections, prefix, growth):
    lines = section(sections, prefix).splitlines()
    field = 1 + sum(growth)
    assert [int(line.split(" adds ")[1]) for line in lines if " adds " in line] == growth
    (formula,) = [line for line in lines if line.startswith("formula")]
    assert formula.endswith(f" = {' + '.join(map(str, [1, *growth]))} = {field}")
    assert f"measured by backprop: {field}x{field}" in lines
