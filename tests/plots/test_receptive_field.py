"""The receptive field from the gradient of one output unit matches the conv arithmetic."""
import pytest

import minigrad
from minigrad import nn
from minigrad.utils.plots import plot_receptive_field, receptive_field_box


def image(size=12):
    minigrad.manual_seed(0)
    return minigrad.rand(1, size, size)


def test_two_stacked_3x3_convolutions_see_5x5():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3))
    assert receptive_field_box(model, image(), (3, 4)) == (3, 4, 8, 9)


def test_stride_and_pooling_grow_the_field_and_padding_clips_it_at_the_border():
    # rf = 3, + (2 - 1) * 1 for the pool (jump 1 before it, 2 after), + (3 - 1) * 2 for the last conv = 8
    model = nn.Sequential(nn.Conv2d(1, 1, 3), nn.AvgPool2d(2), nn.Conv2d(1, 1, 3))
    assert receptive_field_box(model, image(), (1, 1)) == (2, 2, 10, 10)  # starts at position * jump = 2
    padded = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3, padding=1))
    assert receptive_field_box(padded, image(), (0, 0)) == (0, 0, 3, 3)  # 5 x 5 centred on (0, 0), clipped


def test_one_channel_of_a_depthwise_convolution_sees_only_its_input_channel():
    model = nn.Conv2d(2, 2, 3, groups=2)
    x = minigrad.rand(2, 6, 6)
    assert receptive_field_box(model, x, (0, 0), channel=1) == (0, 0, 3, 3)


def test_plot_receptive_field_writes_a_png(tmp_path, png_size):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3))
    picture = plot_receptive_field(model, image(), (3, 4), tmp_path / "field.png", figsize=(3, 3), dpi=50)
    assert png_size(tmp_path / "field.png") == (150, 150)
    assert "5 x 5" in picture.figure.axes[0].get_title()


def test_receptive_field_bad_input():
    model = nn.Conv2d(1, 1, 3)
    with pytest.raises(IndexError, match=r"position \(10, 0\) is outside the output's 10 x 10 map"):
        receptive_field_box(model, image(), (10, 0))
    with pytest.raises(ValueError, match=r"feature map .* shape \(1, 100\)"):
        receptive_field_box(nn.Sequential(model, nn.Flatten()), image(), (0, 0))
