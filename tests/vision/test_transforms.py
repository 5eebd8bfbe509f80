"""Transforms: hand-computed values, torchvision's reprs and checks, seeding, and torch parity for resize."""
import numpy as np
import pytest

import minigrad
from minigrad.utils.data import default_collate
from minigrad.vision import transforms as T
from minigrad.vision.transforms import InterpolationMode
from minigrad.vision.transforms import functional as F

GRID = np.arange(1, 10, dtype=np.uint8).reshape(3, 3)  # [[1 2 3] [4 5 6] [7 8 9]]


# ---- ToTensor -----------------------------------------------------------------------------------

def test_to_tensor_scales_uint8_to_unit_range():
    out = T.ToTensor()(np.array([[0, 51], [255, 102]], dtype=np.uint8))
    assert out.dtype == minigrad.float32 and out.shape == (1, 2, 2)
    np.testing.assert_array_equal(out.numpy(), np.array([[[0.0, 0.2], [1.0, 0.4]]], dtype=np.float32))


def test_to_tensor_moves_channels_first():
    hwc = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    out = T.ToTensor()(hwc)
    assert out.shape == (4, 2, 3) and out.is_contiguous()
    np.testing.assert_array_equal(out.numpy()[3], hwc[:, :, 3] / np.float32(255))


def test_to_tensor_keeps_other_dtypes():
    out = T.ToTensor()(np.array([[0.5, 2.0]]))
    assert out.dtype == minigrad.float64 and out.tolist() == [[[0.5, 2.0]]]
    assert T.ToTensor()(np.array([[300]], dtype=np.int16)).dtype == minigrad.int16


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()(minigrad.zeros(1, 2, 2))
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        T.ToTensor()(np.zeros((1, 1, 1, 1), np.uint8))


def test_to_tensor_reads_pil_images():
    Image = pytest.importorskip("PIL.Image")
    out = T.ToTensor()(Image.fromarray(GRID * 25, mode="L"))
    np.testing.assert_allclose(out.numpy()[0], GRID * 25 / 255, rtol=1e-6)
    rgb = T.ToTensor()(Image.fromarray(np.zeros((2, 3, 3), np.uint8), mode="RGB"))
    assert rgb.shape == (3, 2, 3)


# ---- Normalize ----------------------------------------------------------------------------------

def test_normalize_per_channel_by_hand():
    image = minigrad.tensor([[[1.0, 3.0]], [[10.0, 20.0]]])  # 2 x 1 x 2
    out = T.Normalize((1.0, 10.0), (2.0, 5.0))(image)
    assert out.tolist() == [[[0.0, 1.0]], [[0.0, 2.0]]]
    assert image.tolist() == [[[1.0, 3.0]], [[10.0, 20.0]]]  # not in place


def test_normalize_in_place_and_batches():
    image = minigrad.full((2, 1, 2, 2), 3.0)
    version = image._version
    out = T.Normalize([1.0], [2.0], inplace=True)(image)
    assert out is image and image._version == version + 1
    assert image.numpy().ravel().tolist() == [1.0] * 8


def test_normalize_matches_float32_arithmetic():
    pixels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    out = T.Normalize((0.1307,), (0.3081,))(T.ToTensor()(pixels))
    expected = (pixels.astype(np.float32) / np.float32(255) - np.float32(0.1307)) / np.float32(0.3081)
    np.testing.assert_array_equal(out.numpy()[0], expected)


def test_normalize_errors():
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.normalize(np.zeros((1, 2, 2)), [0.0], [1.0])
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got minigrad.int64."):
        F.normalize(minigrad.zeros(1, 2, 2, dtype=minigrad.int64), [0.0], [1.0])
    with pytest.raises(ValueError, match=r"Expected tensor to be a tensor image of size \(..., C, H, W\)"):
        F.normalize(minigrad.zeros(2, 2), [0.0], [1.0])
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to minigrad.float32"):
        F.normalize(minigrad.zeros(1, 2, 2), [0.0], [0.0])
    with pytest.raises(RuntimeError, match=r"output with shape \[1, 2, 2\] doesn't match the broadcast shape \[3, 2, 2\]"):
        F.normalize(minigrad.zeros(1, 2, 2), [0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="record no gradients"):
        F.normalize(minigrad.zeros(1, 2, 2, requires_grad=True), [0.0], [1.0])


# ---- Compose, Lambda, reprs ---------------------------------------------------------------------

def test_compose_and_lambda():
    pipeline = T.Compose([T.ToTensor(), T.Lambda(lambda x: x * 255), T.Normalize((1.0,), (2.0,))])
    assert pipeline(GRID).numpy()[0].tolist() == ((GRID - 1.0) / 2.0).tolist()
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)


def test_reprs_match_torchvision():
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), std=(0.3081,))\n)")
    assert repr(T.Lambda(abs)) == "Lambda()"
    assert repr(T.Pad(2)) == "Pad(padding=2, fill=0, padding_mode=constant)"
    assert repr(T.RandomCrop(28, padding=4)) == "RandomCrop(size=(28, 28), padding=4)"
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.Resize(32)) == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)"


# ---- Pad, crop, flip ----------------------------------------------------------------------------

@pytest.mark.parametrize("mode, first_row, first_column", [
    ("constant", [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
    ("edge", [1, 1, 2, 3, 3], [1, 1, 4, 7, 7]),
    ("reflect", [5, 4, 5, 6, 5], [5, 2, 5, 8, 5]),
    ("symmetric", [1, 1, 2, 3, 3], [1, 1, 4, 7, 7]),
])
def test_pad_modes_by_hand(mode, first_row, first_column):
    out = T.Pad(1, padding_mode=mode)(GRID)
    assert out.shape == (5, 5) and out.dtype == np.uint8
    assert out[0].tolist() == first_row and out[:, 0].tolist() == first_column
    np.testing.assert_array_equal(out[1:4, 1:4], GRID)


def test_pad_forms_fill_and_negative_amounts():
    assert F.pad(GRID, [1, 2], fill=7).shape == (7, 5)  # left/right 1, top/bottom 2
    out = F.pad(GRID, (1, 0, 0, 2), fill=9)  # left, top, right, bottom
    assert out.tolist() == [[9, 1, 2, 3], [9, 4, 5, 6], [9, 7, 8, 9], [9, 9, 9, 9], [9, 9, 9, 9]]
    assert F.pad(GRID, [-1, 0, 1, -2]).tolist() == [[2, 3, 0]]


def test_pad_works_on_channels_last_arrays_and_tensors():
    hwc = np.stack([GRID, GRID * 2], axis=-1)
    out = F.pad(hwc, 1)
    assert out.shape == (5, 5, 2)
    np.testing.assert_array_equal(out[1:4, 1:4, 1], GRID * 2)
    tensor = minigrad.tensor(np.stack([GRID, GRID * 2]).astype(np.float32))
    padded = F.pad(tensor, [0, 1], padding_mode="edge")
    assert isinstance(padded, minigrad.Tensor) and padded.shape == (2, 5, 3)
    assert padded[1, 0].tolist() == [2.0, 4.0, 6.0]


def test_pad_errors():
    with pytest.raises(TypeError, match="Got inappropriate padding arg"):
        T.Pad("1")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple"):
        T.Pad((1, 2, 3))
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(TypeError, match="Got inappropriate fill arg"):
        T.Pad(1, fill="white")
    with pytest.raises(TypeError, match="Got inappropriate fill arg"):
        F.pad(GRID, 1, fill=(1, 2, 3))


def test_crop_outside_the_image_is_zero():
    assert F.crop(GRID, 1, 1, 2, 2).tolist() == [[5, 6], [8, 9]]
    assert F.crop(GRID, -1, 2, 2, 2).tolist() == [[0, 0], [3, 0]]


def test_hflip():
    assert F.hflip(GRID).tolist() == [[3, 2, 1], [6, 5, 4], [9, 8, 7]]
    flipped = F.hflip(minigrad.tensor([[[1.0, 2.0]]]))
    assert flipped.tolist() == [[[2.0, 1.0]]] and flipped.is_contiguous()


def test_random_horizontal_flip_probability():
    assert T.RandomHorizontalFlip(p=1.0)(GRID).tolist() == F.hflip(GRID).tolist()
    assert T.RandomHorizontalFlip(p=0.0)(GRID) is GRID
    minigrad.manual_seed(0)
    flips = [T.RandomHorizontalFlip()(GRID)[0, 0] == 3 for _ in range(400)]
    assert 150 < sum(flips) < 250


# ---- RandomCrop ---------------------------------------------------------------------------------

def test_random_crop_is_a_window_of_the_padded_image_and_repeats_with_seed():
    image = np.arange(36, dtype=np.uint8).reshape(6, 6)
    crop = T.RandomCrop(4, padding=2)
    padded = F.pad(image, 2)
    minigrad.manual_seed(1)
    first = [crop(image) for _ in range(30)]
    corners = set()
    for out in first:
        assert out.shape == (4, 4)
        hits = [(i, j) for i in range(7) for j in range(7) if np.array_equal(padded[i:i + 4, j:j + 4], out)]
        assert hits
        corners.add(hits[0])
    assert len(corners) > 5
    minigrad.manual_seed(1)
    assert all(np.array_equal(a, crop(image)) for a in first)


def test_random_crop_params_cover_every_position():
    minigrad.manual_seed(0)
    seen = {T.RandomCrop.get_params(np.zeros((4, 5)), (3, 3))[:2] for _ in range(300)}
    assert seen == {(i, j) for i in range(2) for j in range(3)}
    assert T.RandomCrop.get_params(np.zeros((3, 3)), (3, 3)) == (0, 0, 3, 3)


def test_random_crop_pad_if_needed_and_errors():
    out = T.RandomCrop((5, 4), pad_if_needed=True, fill=1)(np.zeros((3, 3), np.uint8))
    assert out.shape == (5, 4)
    with pytest.raises(ValueError, match=r"Required crop size \(4, 4\) is larger than input image size \(3, 3\)"):
        T.RandomCrop(4)(GRID)
    with pytest.raises(ValueError, match=r"Please provide only two dimensions \(h, w\) for size."):
        T.RandomCrop((1, 2, 3))
    assert T.RandomCrop([3]).size == (3, 3)


def test_random_crop_on_tensors_keeps_channels():
    image = minigrad.arange(2 * 5 * 5, dtype=minigrad.float32).reshape(2, 5, 5)
    out = T.RandomCrop(3)(image)
    assert isinstance(out, minigrad.Tensor) and out.shape == (2, 3, 3)
    assert (out[1] - out[0]).tolist() == [[25.0] * 3] * 3


# ---- Resize -------------------------------------------------------------------------------------

def test_resize_nearest_and_bilinear_by_hand():
    row = np.array([[0.0, 10.0]])
    # Upscale 2 -> 4: output centres at 0.25, 0.75, 1.25, 1.75 in input pixel units (minus 0.5 offset).
    assert F.resize(row, [1, 4], InterpolationMode.BILINEAR).tolist() == [[0.0, 2.5, 7.5, 10.0]]
    assert F.resize(row, [1, 4], InterpolationMode.NEAREST).tolist() == [[0.0, 0.0, 10.0, 10.0]]
    # Downscale 4 -> 2 without antialias: the mean of each pair. With it, a triangle of half-width 2
    # around the centres 1 and 3 weights the pixels (centres k + 0.5) 3/4, 3/4, 1/4 (normalised).
    line = np.array([[0.0, 4.0, 8.0, 12.0]])
    assert F.resize(line, [1, 2], antialias=False).tolist() == [[2.0, 10.0]]
    np.testing.assert_allclose(F.resize(line, [1, 2], antialias=True), [[(0 * 3 + 4 * 3 + 8 * 1) / 7,
                                                                          (4 * 1 + 8 * 3 + 12 * 3) / 7]])


def test_resize_int_size_keeps_the_aspect_ratio():
    assert F.resize(np.zeros((20, 10)), 5).shape == (10, 5)
    assert F.resize(np.zeros((10, 30)), 4).shape == (4, 12)
    assert F.resize(np.zeros((10, 30)), 4, max_size=8).shape == (2, 8)
    assert F.resize(np.zeros((6, 7, 3)), [2, 3]).shape == (2, 3, 3)
    image = np.zeros((4, 4))
    assert F.resize(image, 4) is image


def test_resize_rounds_integer_images():
    out = F.resize(np.array([[0, 255]], dtype=np.uint8), [1, 4])
    assert out.dtype == np.uint8 and out.tolist() == [[0, 64, 191, 255]]  # 63.75 -> 64, 191.25 -> 191


@pytest.mark.parametrize("size", [(7, 5), (13, 31), (3, 2)])
@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_resize_matches_torch_interpolate(size, antialias, mode):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 3, 9, 11)).astype(np.float32)
    ours = F.resize(minigrad.tensor(x), list(size), InterpolationMode(mode), antialias=antialias)
    kwargs = {"align_corners": False, "antialias": antialias} if mode == "bilinear" else {}
    theirs = torch.nn.functional.interpolate(torch.from_numpy(x), size=size, mode=mode, **kwargs)
    assert ours.dtype == minigrad.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)


def test_resize_errors():
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize(2.5)
    with pytest.raises(ValueError, match="If size is a sequence, it should have 1 or 2 values"):
        T.Resize((1, 2, 3))
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        T.Resize(2, interpolation="bilinear")
    with pytest.raises(ValueError, match="max_size = 4 must be strictly greater than the requested size"):
        F.resize(np.zeros((4, 6)), 4, max_size=4)
    with pytest.raises(ValueError, match="max_size should only be passed if size specifies the length of the smaller"):
        F.resize(np.zeros((4, 6)), [2, 2], max_size=4)


# ---- batched forms ------------------------------------------------------------------------------

def test_batched_forms_equal_per_image_results():
    images = np.random.default_rng(0).integers(0, 256, (5, 6, 7), dtype=np.uint8)
    pipeline = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.25,))])
    batched = pipeline._batched(images)
    expected = default_collate([pipeline(image) for image in images])
    assert batched.shape == (5, 1, 6, 7)
    np.testing.assert_array_equal(batched.numpy(), expected.numpy())
    rgb = np.random.default_rng(1).integers(0, 256, (2, 4, 4, 3), dtype=np.uint8)
    np.testing.assert_array_equal(T.ToTensor()._batched(rgb).numpy(),
                                  default_collate([T.ToTensor()(image) for image in rgb]).numpy())
    assert T.Compose([T.ToTensor(), T.RandomHorizontalFlip()])._batched is None
