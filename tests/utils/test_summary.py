"""minigrad.utils.summary: parameter and MAC counts against published figures and hand counts,
receptive fields against hand recursions, nesting and depth, several inputs, and the error for an
input that does not fit."""
import pytest

import minigrad
from minigrad import nn
from minigrad.utils import summary
from minigrad.vision.models import vgg16


def rows_by_name(result) -> dict:
    return {row.name: row for row in result.rows}


def test_vgg16_has_torchvision_parameter_count_and_15_5_gmacs(monkeypatch):
    # Random initialisation of 138 M values takes seconds and does not change the counts.
    monkeypatch.setattr(nn.Linear, "reset_parameters", lambda self: None)
    monkeypatch.setattr(nn.Conv2d, "reset_parameters", lambda self: None)
    result = summary(vgg16(init_weights=False), (1, 3, 224, 224), shapes_only=True, verbose=0)
    assert result.total_params == 138_357_544
    assert result.trainable_params == 138_357_544
    assert result.total_macs == pytest.approx(15.5e9, rel=0.01)
    # by hand: 13 convs k^2 C_in C_out H W, then 25088*4096 + 4096*4096 + 4096*1000
    convs = [(3, 64, 224), (64, 64, 224), (64, 128, 112), (128, 128, 112), (128, 256, 56), (256, 256, 56),
             (256, 256, 56), (256, 512, 28), (512, 512, 28), (512, 512, 28), (512, 512, 14), (512, 512, 14),
             (512, 512, 14)]
    expected = sum(9 * m * n * h * h for m, n, h in convs) + 25088 * 4096 + 4096 * 4096 + 4096 * 1000
    assert result.total_macs == expected
    rows = rows_by_name(result)
    assert rows["features.30"].output_shape == (1, 512, 7, 7)
    assert rows["features.30"].receptive_field == (212, 212)  # VGG-16's published receptive field
    assert rows["features.30"].jump == (32, 32)
    assert rows["classifier.6"].output_shape == (1, 1000)
    assert result.param_bytes == 4 * 138_357_544
    assert "Total params: 138,357,544" in str(result)
    assert "Total mult-adds (G): 15.47" in str(result)


def test_shapes_only_pass_matches_the_real_pass():
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding="same"), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.Conv2d(8, 8, 3, stride=2, dilation=2, groups=4), nn.MaxPool2d(3, 2, 1, ceil_mode=True),
                          nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1, output_padding=1),
                          nn.AdaptiveAvgPool2d((2, None)), nn.Flatten(), nn.Linear(72, 5))
    real = summary(model, (2, 3, 17, 15), verbose=0)
    shapes = summary(model, (2, 3, 17, 15), verbose=0, shapes_only=True)
    assert [(r.name, r.output_shape, r.macs, r.receptive_field) for r in real.rows] == \
        [(r.name, r.output_shape, r.macs, r.receptive_field) for r in shapes.rows]


def test_two_stacked_3x3_convs_see_5x5():
    result = summary(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Conv2d(2, 2, 3)), (1, 1, 9, 9), verbose=0)
    assert [row.receptive_field for row in result.rows[1:]] == [(3, 3), (3, 3), (5, 5)]
    assert [row.jump for row in result.rows[1:]] == [(1, 1)] * 3


def test_receptive_field_and_jump_with_stride_dilation_and_pooling():
    model = nn.Sequential(nn.Conv2d(1, 1, 3, stride=2), nn.Conv2d(1, 1, 3, dilation=2),
                          nn.MaxPool2d(2), nn.Conv2d(1, 1, (3, 1)), nn.Conv2d(1, 1, 1))
    result = summary(model, (1, 1, 64, 64), verbose=0)
    # by hand, r += d (k - 1) j, j *= s:  3 (j 2);  3 + 2*2*2 = 11;  11 + 1*2 = 13 (j 4);
    # H: 13 + 2*4 = 21, W: 13 + 0 = 13;  the 1x1 conv adds nothing
    assert [row.receptive_field for row in result.rows[1:]] == [(3, 3), (11, 11), (13, 13), (21, 13), (21, 13)]
    assert [row.jump for row in result.rows[1:]] == [(2, 2), (2, 2), (4, 4), (4, 4), (4, 4)]
    assert "21x13" in str(result)


def test_receptive_field_of_conv1d_and_chain_ends_at_linear():
    model = nn.Sequential(nn.Conv1d(2, 4, 5, stride=3), nn.AvgPool1d(2), nn.Flatten(), nn.Linear(4 * 3, 2))
    result = summary(model, (1, 2, 20), verbose=0)
    assert [row.receptive_field for row in result.rows[1:]] == [(5,), (8,), None, None]
    assert [row.output_shape for row in result.rows[1:]] == [(1, 4, 6), (1, 4, 3), (1, 12), (1, 2)]


def test_transposed_conv_and_adaptive_pool_end_the_chain_even_when_they_keep_the_shape():
    model = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ConvTranspose2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3),
                          nn.AdaptiveAvgPool2d(4), nn.ReLU())
    result = summary(model, (1, 1, 8, 8), verbose=0)
    assert [row.receptive_field for row in result.rows[1:]] == [(3, 3), None, (3, 3), None, None]


@pytest.mark.parametrize("m, n, k", [(16, 32, 3), (8, 24, 5), (32, 64, 3)])
def test_depthwise_separable_over_standard_macs_is_one_over_n_plus_one_over_k_squared(m, n, k):
    separable = nn.Sequential(nn.Conv2d(m, m, k, padding="same", groups=m, bias=False), nn.Conv2d(m, n, 1, bias=False))
    standard = nn.Conv2d(m, n, k, padding="same", bias=False)
    ratio = (summary(separable, (1, m, 8, 8), verbose=0).total_macs
             / summary(standard, (1, m, 8, 8), verbose=0).total_macs)
    assert ratio == pytest.approx(1 / n + 1 / k ** 2, rel=1e-12)


@pytest.mark.parametrize("layer, size, macs", [
    (nn.Conv2d(4, 6, 3, groups=2), (2, 4, 7, 7), 3 * 3 * 2 * 6 * 5 * 5 * 2),
    (nn.Conv2d(4, 6, 3, stride=2, padding=1), (1, 4, 9, 9), 3 * 3 * 4 * 6 * 5 * 5),
    (nn.Conv1d(4, 6, 3), (3, 4, 10), 3 * 4 * 6 * 8 * 3),
    (nn.ConvTranspose2d(4, 6, 2, stride=2, groups=2), (1, 4, 5, 5), 2 * 2 * 4 * 3 * 5 * 5),
    (nn.ConvTranspose1d(4, 6, 3), (2, 4, 5), 3 * 4 * 6 * 5 * 2),
    (nn.Linear(5, 7), (3, 2, 5), 5 * 7 * 6),
    (nn.BatchNorm2d(4), (2, 4, 3, 3), 0),
    (nn.AvgPool2d(2), (2, 4, 4, 4), 0),
])
def test_macs_of_one_layer_by_hand(layer, size, macs):
    result = summary(layer, size, verbose=0)
    assert result.total_macs == macs
    assert result.total_params == sum(p.numel() for p in layer.parameters())


class TwoTowers(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.vector = nn.ModuleList([nn.Linear(3, 4), nn.Tanh()])
        self.head = nn.Linear(8, 2)
        self.head.bias.requires_grad_(False)

    def forward(self, image, vector):
        for layer in self.vector:
            vector = layer(vector)
        return self.head(minigrad.cat([self.image(image), vector], 1))


def test_several_inputs_nested_containers_and_depth():
    model = TwoTowers()
    result = summary(model, [(2, 1, 6, 6), (2, 3)], verbose=0)
    rows = rows_by_name(result)
    assert list(rows) == ["TwoTowers", "vector.0", "vector.1", "image", "image.0", "image.1", "image.2",
                          "image.3", "head"]
    assert rows["image"].depth == 1 and rows["image.0"].depth == 2
    assert rows["image"].params == 40 and rows["image"].macs == 9 * 4 * 4 * 4 * 2
    assert rows["image"].output_shape == (2, 4)
    assert rows["TwoTowers"].input_shape == [(2, 1, 6, 6), (2, 3)]
    assert result.total_params == 40 + 16 + 18
    assert result.trainable_params == 40 + 16 + 16 and result.non_trainable_params == 2
    assert result.total_macs == 9 * 4 * 16 * 2 + 3 * 4 * 2 + 8 * 2 * 2
    shallow = summary(model, input_data=(minigrad.zeros(2, 1, 6, 6), minigrad.zeros(2, 3)), depth=1, verbose=0)
    assert [row.name for row in shallow.rows] == ["TwoTowers", "image", "head"]
    assert shallow.total_macs == result.total_macs
    assert "├─image: Sequential: 1-1" in str(shallow) and "image.0" not in str(shallow)


def test_memory_lines_follow_torchinfo():
    result = summary(nn.Sequential(nn.Linear(10, 20), nn.ReLU()), (5, 10), verbose=0)
    assert result.input_bytes == 5 * 10 * 4
    assert result.forward_backward_bytes == 2 * 2 * 5 * 20 * 4  # two leaf outputs, times 2 for the gradients
    assert result.param_bytes == 220 * 4
    text = str(result)
    for line in ["Input size (MB): 0.00", "Forward/backward pass size (MB): 0.00", "Params size (MB): 0.00",
                 "Total params: 220", "Total mult-adds (Units): 1,000"]:
        assert line in text


def test_verbose_prints_the_table(capsys):
    result = summary(nn.Linear(2, 3), (1, 2))
    assert capsys.readouterr().out == str(result) + "\n"
    summary(nn.Linear(2, 3), (1, 2), verbose=0)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("shapes_only", [False, True])
def test_input_that_does_not_fit_names_the_layer_and_shapes(shapes_only):
    model = nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU()), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    with pytest.raises(RuntimeError, match=r"layer '2' \(Linear\) failed on input of shape \[1, 64\]"):
        summary(model, (1, 3, 6, 6), verbose=0, shapes_only=shapes_only)
    with pytest.raises(RuntimeError, match=r"layer '0\.0' \(Conv2d\) failed on input of shape \[1, 1, 8, 8\] "
                                           r"\(calls: Sequential -> 0 -> 0\.0\)"):
        summary(model, (1, 1, 8, 8), verbose=0, shapes_only=shapes_only)
    # the hooks are gone after the failure
    assert not model[0][0]._forward_hooks and "forward" not in model[0][0].__dict__


def test_runs_in_eval_mode_and_restores_each_module_mode():
    model = nn.Sequential(nn.BatchNorm1d(3), nn.Dropout(0.5))
    model[1].eval()
    summary(model, (4, 3), verbose=0)
    assert model[0].num_batches_tracked.item() == 0
    assert [model.training, model[0].training, model[1].training] == [True, True, False]
    summary(model, (4, 3), mode="train", verbose=0)
    assert model[0].num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match="mode must be 'eval' or 'train', got 'same'"):
        summary(model, (4, 3), mode="same", verbose=0)


def test_input_arguments_are_checked():
    with pytest.raises(ValueError, match="exactly one of input_size and input_data"):
        summary(nn.Linear(2, 3), verbose=0)
    with pytest.raises(ValueError, match="2 input sizes but 1 dtypes"):
        summary(nn.Linear(2, 3), [(1, 2), (1, 2)], dtypes=[minigrad.float32], verbose=0)


class _TwoBranches(minigrad.nn.Module):
    """Two convolutions of the same input (an Inception-style block), then one after the first."""

    def __init__(self):
        super().__init__()
        self.wide = minigrad.nn.Conv2d(1, 2, 5, padding=2)
        self.narrow = minigrad.nn.Conv2d(1, 2, 3, stride=2, padding=1)
        self.after = minigrad.nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        return self.after(self.wide(x)), self.narrow(x)


def test_parallel_branches_each_continue_the_field_of_the_tensor_they_read():
    result = minigrad.utils.summary(_TwoBranches(), input_size=(1, 1, 16, 16), verbose=0)
    fields = {row.name: (row.receptive_field, row.jump) for row in result.rows}
    assert fields["wide"] == ((5, 5), (1, 1))
    assert fields["narrow"] == ((3, 3), (2, 2))  # from the input, not from after "wide"
    assert fields["after"] == ((7, 7), (1, 1))  # 5 + (3 - 1) * 1
