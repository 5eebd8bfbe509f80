"""plot_filters and plot_feature_maps write PNGs of the requested size."""
import pytest

import minigrad
from minigrad import nn
from minigrad.utils.plots import plot_feature_maps, plot_filters


@pytest.mark.parametrize("conv", [nn.Conv2d(1, 4, 3), nn.Conv2d(3, 5, 5), nn.Conv2d(4, 6, 3, groups=2)],
                         ids=["gray", "rgb", "grouped"])
def test_plot_filters_writes_a_png(tmp_path, png_size, conv):
    plot_filters(conv, tmp_path / "filters.png", figsize=(4, 3), dpi=50)
    assert png_size(tmp_path / "filters.png") == (150, 200)


def test_plot_filters_refuses_a_weight_that_is_not_a_2d_convolution():
    with pytest.raises(ValueError, match=r"shape \(3, 4\)"):
        plot_filters(nn.Linear(4, 3))


def test_plot_feature_maps_shows_the_input_and_every_leaf_layer_with_an_image_output(tmp_path, png_size):
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(12, 2))
    picture = plot_feature_maps(model, minigrad.rand(1, 6, 6), tmp_path / "maps.png", figsize=(5, 4), dpi=40)
    assert png_size(tmp_path / "maps.png") == (160, 200)
    titles = [axes.get_title(loc="left") for axes in picture.figure.axes]
    assert titles == ["input: 1 x 6 x 6", "0 (Conv2d): 3 x 4 x 4", "1 (ReLU): 3 x 4 x 4", "2 (MaxPool2d): 3 x 2 x 2"]
    assert not model[0]._forward_hooks  # the hooks are removed afterwards


def test_plot_feature_maps_of_chosen_layers_and_bad_input():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
    picture = plot_feature_maps(model, minigrad.rand(1, 1, 5, 5), layers=["1"])
    assert [axes.get_title(loc="left") for axes in picture.figure.axes] == ["input: 1 x 5 x 5", "1 (ReLU): 2 x 3 x 3"]
    with pytest.raises(ValueError, match=r"shape \(2, 1, 5, 5\)"):
        plot_feature_maps(model, minigrad.rand(2, 1, 5, 5))
    with pytest.raises(ValueError, match=r"no module named 'conv' in the model; its modules are \['0', '1'\]"):
        plot_feature_maps(model, minigrad.rand(1, 5, 5), layers=["conv"])
