"""make_grid and save_image against torchvision's layout rules, computed by hand."""
import io

import numpy as np
import pytest
from matplotlib import image

import minigrad
from minigrad.vision.utils import make_grid, save_image


def batch(count, channels=3, height=4, width=5):
    values = np.arange(count * channels * height * width, dtype=np.float32)
    return minigrad.tensor(values.reshape(count, channels, height, width) / values.size)


@pytest.mark.parametrize("count, nrow, padding, rows, columns", [
    (5, 2, 2, 3, 2), (5, 8, 2, 1, 5), (8, 8, 0, 1, 8), (9, 4, 1, 3, 4), (2, 1, 3, 2, 1)])
def test_grid_shape_is_rows_and_columns_of_padded_cells(count, nrow, padding, rows, columns):
    grid = make_grid(batch(count), nrow=nrow, padding=padding)
    assert grid.shape == (3, rows * (4 + padding) + padding, columns * (5 + padding) + padding)


def test_images_are_placed_row_by_row_and_the_rest_is_pad_value():
    images = batch(5)
    grid = make_grid(images, nrow=2, padding=1, pad_value=-1.0).numpy()
    expected = np.full((3, 3 * 5 + 1, 2 * 6 + 1), -1.0, dtype=np.float32)
    for k in range(5):
        row, column = divmod(k, 2)
        expected[:, 1 + 5 * row:5 + 5 * row, 1 + 6 * column:6 + 6 * column] = images[k].numpy()
    np.testing.assert_array_equal(grid, expected)


def test_single_channel_becomes_three_channels_and_a_single_image_is_not_padded():
    gray = batch(1, channels=1)
    np.testing.assert_array_equal(make_grid(gray).numpy(), np.repeat(gray[0].numpy(), 3, axis=0))
    assert make_grid(gray[0, 0]).shape == (3, 4, 5)         # (H, W)
    assert make_grid(gray[0]).shape == (3, 4, 5)            # (1, H, W)
    assert make_grid(batch(3, channels=1), padding=0).shape == (3, 4, 15)


def test_list_of_tensors_is_stacked():
    images = batch(3)
    np.testing.assert_array_equal(make_grid(list(images)).numpy(), make_grid(images).numpy())


def test_normalize_uses_global_min_max_value_range_or_each_image():
    images = minigrad.tensor([[[[0.0, 2.0]]], [[[4.0, 8.0]]]])
    as_values = lambda grid: grid.numpy()[0, 0, [0, 1, 2, 3]]  # padding=0: one row of four pixels
    np.testing.assert_allclose(as_values(make_grid(images, padding=0, normalize=True)), [0, 0.25, 0.5, 1])
    np.testing.assert_allclose(as_values(make_grid(images, padding=0, normalize=True, value_range=(2.0, 4.0))),
                               [0, 0, 1, 1])  # clamped to the range, then scaled
    np.testing.assert_allclose(as_values(make_grid(images, padding=0, normalize=True, scale_each=True)),
                               [0, 1, 0, 1])
    assert images.numpy().max() == 8.0  # the input is not modified


def test_make_grid_bad_input():
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        make_grid(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(batch(2), normalize=True, value_range=[0, 1])
    with pytest.raises(ValueError, match="non-empty list of tensors, but got an empty list"):
        make_grid([])
    with pytest.raises(ValueError, match=r"shape \(2, 1, 1, 4, 5\)"):
        make_grid(minigrad.zeros(2, 1, 1, 4, 5))


def test_save_image_writes_the_grid_as_png_pixels(tmp_path):
    images = batch(3)
    save_image(images, tmp_path / "grid.png", nrow=2, padding=1)
    pixels = image.imread(tmp_path / "grid.png")
    grid = make_grid(images, nrow=2, padding=1).numpy()
    assert pixels.shape[:2] == grid.shape[1:]
    expected = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(np.round(pixels[..., :3] * 255).astype(np.uint8), expected)


def test_save_image_to_a_file_object_with_format():
    buffer = io.BytesIO()
    save_image(batch(1), buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


@pytest.mark.parametrize("shape", [(7,), (2, 3, 1, 4, 5), (2, 4, 5), (1, 2, 4, 5), (3, 5, 4, 5)])
def test_save_image_on_a_non_image_shape_names_the_shape(tmp_path, shape):
    with pytest.raises(ValueError, match=rf"shape {shape}".replace("(", r"\(").replace(")", r"\)")):
        save_image(minigrad.zeros(*shape), tmp_path / "bad.png")
    assert not (tmp_path / "bad.png").exists()
