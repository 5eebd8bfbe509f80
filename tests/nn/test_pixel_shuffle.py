"""F.pixel_shuffle / F.pixel_unshuffle and nn.PixelShuffle / nn.PixelUnshuffle against PyTorch:
values, gradients, node names and the errors for bad arguments."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape, factor", [((2, 8, 3, 2), 2), ((9, 2, 1), 3), ((2, 1, 4, 1, 3), 2),
                                           ((0, 4, 2, 2), 2), ((2, 3, 2, 2), 1)])
def test_pixel_shuffle_matches_pytorch(shape, factor):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    out = F.pixel_shuffle(minigrad.tensor(x), factor)
    expected = torch.nn.functional.pixel_shuffle(torch.tensor(x), factor)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("shape, factor", [((2, 2, 6, 4), 2), ((8, 3, 3), 3), ((2, 1, 1, 4, 2), 2), ((2, 3, 2, 2), 1)])
def test_pixel_unshuffle_matches_pytorch_and_inverts_the_shuffle(shape, factor):
    x = np.random.default_rng(1).standard_normal(shape)
    out = F.pixel_unshuffle(minigrad.tensor(x), factor)
    np.testing.assert_array_equal(out.numpy(), torch.nn.functional.pixel_unshuffle(torch.tensor(x), factor).numpy())
    np.testing.assert_array_equal(F.pixel_shuffle(out, factor).numpy(), x)


def test_integer_input_keeps_its_dtype():
    x = minigrad.arange(16).reshape(1, 4, 2, 2)
    out = F.pixel_shuffle(x, 2)
    assert out.dtype == minigrad.int64
    np.testing.assert_array_equal(out.numpy(), torch.nn.functional.pixel_shuffle(torch.arange(16).reshape(1, 4, 2, 2),
                                                                                 2).numpy())


def test_output_never_shares_the_input_storage():
    x = minigrad.zeros(1, 1, 2, 2)
    F.pixel_shuffle(x, 1).add_(1)
    assert x.sum().item() == 0


@pytest.mark.parametrize("fn, shape", [(F.pixel_shuffle, (2, 8, 2, 3)), (F.pixel_unshuffle, (2, 2, 4, 6))])
def test_gradients(fn, shape):
    x = minigrad.tensor(np.random.default_rng(2).standard_normal(shape), requires_grad=True)
    assert gradcheck(lambda t: fn(t, 2), (x,))
    expected_name = "PixelShuffleBackward0" if fn is F.pixel_shuffle else "PixelUnshuffleBackward0"
    assert fn(x, 2).grad_fn.name() == expected_name


def test_modules():
    x = minigrad.tensor(np.random.default_rng(3).standard_normal((2, 8, 3, 3)))
    shuffle, unshuffle = nn.PixelShuffle(2), nn.PixelUnshuffle(2)
    assert repr(shuffle) == "PixelShuffle(upscale_factor=2)"
    assert repr(unshuffle) == "PixelUnshuffle(downscale_factor=2)"
    assert shuffle.upscale_factor == 2 and unshuffle.downscale_factor == 2
    np.testing.assert_array_equal(unshuffle(shuffle(x)).numpy(), x.numpy())


@pytest.mark.parametrize("call", [
    lambda L: L.nn.functional.pixel_shuffle(L.zeros(4, 3), 2),
    lambda L: L.nn.functional.pixel_shuffle(L.zeros(1, 8, 2, 2), 0),
    lambda L: L.nn.functional.pixel_shuffle(L.zeros(1, 8, 2, 2), -1),
    lambda L: L.nn.functional.pixel_shuffle(L.zeros(1, 8, 2, 2), 3),
    lambda L: L.nn.functional.pixel_shuffle(L.zeros(1, 8, 2, 2), 2.0),
    lambda L: L.nn.functional.pixel_shuffle(L.zeros(1, 8, 2, 2), True),
    lambda L: L.nn.functional.pixel_shuffle(np.zeros((1, 4, 2, 2)), 2),
    lambda L: L.nn.functional.pixel_unshuffle(L.zeros(4, 3), 2),
    lambda L: L.nn.functional.pixel_unshuffle(L.zeros(1, 2, 4, 4), 0),
    lambda L: L.nn.functional.pixel_unshuffle(L.zeros(1, 2, 3, 4), 2),
    lambda L: L.nn.functional.pixel_unshuffle(L.zeros(1, 2, 4, 3), 2),
    lambda L: L.nn.functional.pixel_unshuffle(L.zeros(1, 2, 4, 4), None),
], ids=["2d", "zero", "negative", "channels", "float", "bool", "ndarray", "unshuffle_2d", "unshuffle_zero",
        "height", "width", "none"])
def test_errors_match_pytorch(call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as ours:
        call(minigrad)
    assert str(ours.value) == str(expected.value)
