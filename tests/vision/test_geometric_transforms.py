"""rotate / affine and RandomRotation / RandomAffine: identities, exact quarter turns, fill,
translations by whole pixels, seeding and torchvision's argument checks. (Checked once against
torchvision 0.28's tensor functions, ties of nearest rounding included; torchvision is not a test
dependency, so the cases here are computed by hand.)"""
import numpy as np
import pytest

import minigrad
from minigrad.vision import transforms
from minigrad.vision.transforms import InterpolationMode
from minigrad.vision.transforms import functional as F

MODES = [InterpolationMode.NEAREST, InterpolationMode.BILINEAR]


def _image(shape, dtype=np.uint8):
    return (np.arange(int(np.prod(shape))) % 251).astype(dtype).reshape(shape)


@pytest.mark.parametrize("mode", MODES)
def test_zero_rotation_and_identity_affine_return_the_input(mode):
    # Sample positions are computed in float32 (as torchvision's grid), so bilinear blends of
    # float images are exact only to float32 rounding; integer images round back exactly.
    hwc, chw = _image((5, 6, 3)), minigrad.tensor(_image((3, 5, 6), np.float32))
    assert np.array_equal(F.rotate(hwc, 0.0, mode), hwc)
    assert np.allclose(F.affine(chw, 0.0, [0, 0], 1.0, 0.0, mode).numpy(), chw.numpy(), rtol=1e-6, atol=0)
    minigrad.manual_seed(0)
    assert np.array_equal(transforms.RandomRotation(0, mode)(hwc), hwc)
    assert np.allclose(transforms.RandomAffine(degrees=0, interpolation=mode)(chw).numpy(), chw.numpy(),
                       rtol=1e-6, atol=0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("angle, turns", [(90, 1), (-90, -1), (180, 2), (270, 3)])
def test_quarter_turns_equal_rot90(angle, turns, mode):
    square = _image((6, 6))
    assert np.array_equal(F.rotate(square, angle, mode), np.rot90(square, turns))  # counter-clockwise
    planes = minigrad.tensor(_image((2, 5, 5), np.float32))
    assert np.allclose(F.rotate(planes, angle, mode).numpy(), np.rot90(planes.numpy(), turns, axes=(1, 2)))


def test_expand_holds_the_whole_rotated_image():
    wide = _image((4, 6, 3))
    turned = F.rotate(wide, 90, expand=True)
    assert turned.shape == (6, 4, 3) and np.array_equal(turned, np.rot90(wide))
    assert F.rotate(_image((8, 8)), 45, expand=True).shape == (12, 12)  # ceil(8 * sqrt 2) rounded outwards


def test_fill_covers_what_comes_from_outside():
    ones = np.ones((7, 7), np.uint8)
    turned = F.rotate(ones, 45, fill=9)
    assert turned[0, 0] == turned[6, 6] == 9 and turned[3, 3] == 1 and turned.dtype == np.uint8
    planes = minigrad.tensor(np.zeros((3, 7, 7), np.float32))
    corner = F.rotate(planes, 45, fill=[1.0, 2.0, 3.0]).numpy()[:, 0, 0]
    assert corner.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=r"number of elements in 'fill' does not match the number of channels "
                                         r"of the image \(2 != 3\)"):
        F.rotate(planes, 45, fill=[1.0, 2.0])


@pytest.mark.parametrize("mode", MODES)
def test_whole_pixel_translation_shifts_and_fills(mode):
    image = _image((4, 5), np.float32) + 1
    moved = F.affine(image, 0.0, [2, -1], 1.0, 0.0, mode, fill=0.0)
    expected = np.zeros_like(image)
    expected[:3, 2:] = image[1:, :3]  # right by 2, up by 1
    assert np.allclose(moved, expected, rtol=1e-6, atol=0)


def test_rotation_about_a_corner_center():
    image = _image((5, 5))
    # A half turn about pixel (0, 0)'s centre sends pixel (x, y) to (-x, -y): only (0, 0) stays inside.
    turned = F.rotate(image, 180, center=[0.5, 0.5], fill=0)
    assert turned[0, 0] == image[0, 0] and turned.sum() == image[0, 0]


def test_bilinear_blends_neighbours():
    row = np.array([[0.0, 10.0, 20.0, 30.0]])
    # Scale 2 about the centre (x = 2): output pixel x reads the input at 1.5 + (x - 1.5) / 2.
    stretched = F.affine(row, 0.0, [0, 0], 2.0, 0.0, InterpolationMode.BILINEAR)
    assert np.allclose(stretched, [[7.5, 12.5, 17.5, 22.5]])
    assert np.array_equal(F.affine(row, 0.0, [0, 0], 2.0, 0.0), [[10.0, 10.0, 20.0, 20.0]])  # nearest: 0.75, 1.25, 1.75, 2.25 rounded


@pytest.mark.parametrize("make", [lambda: transforms.RandomRotation((-40, 40)),
                                  lambda: transforms.RandomAffine(20, translate=(0.2, 0.2), scale=(0.8, 1.2),
                                                                  shear=(-5, 5, -3, 3))])
def test_random_geometry_repeats_with_the_seed(make):
    image, transform = _image((9, 9)), make()
    minigrad.manual_seed(3)
    first = [transform(image) for _ in range(3)]
    minigrad.manual_seed(3)
    second = [transform(image) for _ in range(3)]
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], first[1])


def test_random_params_stay_in_their_ranges():
    minigrad.manual_seed(0)
    angles = [transforms.RandomRotation.get_params([10.0, 20.0]) for _ in range(200)]
    assert 10 <= min(angles) and max(angles) <= 20 and max(angles) - min(angles) > 8
    for _ in range(50):
        angle, (tx, ty), scale, (sx, sy) = transforms.RandomAffine.get_params(
            [-5.0, 5.0], (0.1, 0.5), (0.9, 1.1), [1.0, 2.0, -4.0, -3.0], [20, 10])
        assert -5 <= angle <= 5 and abs(tx) <= 2 and abs(ty) <= 5 and isinstance(tx, int)
        assert 0.9 <= scale <= 1.1 and 1 <= sx <= 2 and -4 <= sy <= -3


def test_argument_checks_match_torchvision():
    with pytest.raises(ValueError, match="If degrees is a single number, it must be positive."):
        transforms.RandomRotation(-3)
    with pytest.raises(ValueError, match="degrees should be a sequence of length 2."):
        transforms.RandomRotation([1, 2, 3])
    with pytest.raises(TypeError, match="Fill should be either a sequence or a number."):
        transforms.RandomRotation(3, fill={"red": 1})
    with pytest.raises(ValueError, match="center should be a sequence of length 2."):
        transforms.RandomRotation(3, center=[1])
    with pytest.raises(ValueError, match="translation values should be between 0 and 1"):
        transforms.RandomAffine(0, translate=(0.5, 1.5))
    with pytest.raises(ValueError, match="scale values should be positive"):
        transforms.RandomAffine(0, scale=(0, 1))
    with pytest.raises(ValueError, match="shear should be a sequence of length 2 or 4."):
        transforms.RandomAffine(0, shear=(1, 2, 3))
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        F.rotate(_image((3, 3)), 10, interpolation="nearest")
    with pytest.raises(ValueError, match="Argument scale should be positive"):
        F.affine(_image((3, 3)), 0, [0, 0], 0.0, 0)


def test_reprs_match_torchvision():
    assert repr(transforms.RandomRotation(10)) == \
        "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)"
    assert repr(transforms.RandomAffine(5, translate=(0.1, 0.1))) == \
        "RandomAffine(degrees=[-5.0, 5.0], translate=(0.1, 0.1))"
