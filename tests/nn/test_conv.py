"""Convolution layers (Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d) and F.conv*: float64
gradcheck across every parameter class, the classic convolution bug classes as named layer-level
tests against a direct-definition reference, hand-derived golden outputs, randomized PyTorch parity
(outputs and input/weight/bias gradients), reprs, init, signatures and PyTorch's errors."""
import inspect
import math
import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck
from minigrad.kernels.reference.conv2d import conv2d_forward as reference_conv2d
from minigrad.kernels.reference.conv_transpose2d import conv_transpose2d_forward as reference_conv_transpose2d


def leaf(*shape, seed=0, dtype=mg.float64):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=dtype, requires_grad=True)


def layer64(cls, *args, seed=0, **kwargs):
    """A float64 layer with seeded parameters, for gradcheck."""
    mg.manual_seed(seed)
    return cls(*args, dtype=mg.float64, **kwargs)


def check_layer_gradients(layer, x):
    """gradcheck w.r.t. the input and every parameter (gradcheck perturbs them in place)."""
    params = [p for p in (layer.weight, layer.bias) if p is not None]
    assert gradcheck(lambda x, *_: layer(x), (x, *params))


# ---- direct-definition references (minigrad.kernels.reference) -----------------------------------

def conv_reference_of(layer, x):
    """The reference output of a zeros-padded Conv2d layer on a batched input."""
    if layer.padding == "same":
        padding = []
        for k, d in zip(layer.kernel_size, layer.dilation):
            padding += [d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2]
    else:
        padding = [layer.padding[0]] * 2 + [layer.padding[1]] * 2 if layer.padding != "valid" else [0] * 4
    bias = None if layer.bias is None else layer.bias.detach().numpy()
    return reference_conv2d(x.detach().numpy(), layer.weight.detach().numpy(), bias, layer.stride, padding,
                            layer.dilation, layer.groups)


# ---- gradcheck per parameter class --------------------------------------------------------------

GRADCHECK_CASES = {
    "conv2d_plain": (nn.Conv2d, (2, 3, 3), {}, (2, 2, 5, 4)),
    "conv2d_stride_padding_tuple": (nn.Conv2d, (2, 2, (2, 3)), dict(stride=(2, 1), padding=(1, 2)), (1, 2, 5, 5)),
    "conv2d_same_odd": (nn.Conv2d, (2, 2, 3), dict(padding="same"), (1, 2, 4, 4)),
    "conv2d_same_even_dilated": (nn.Conv2d, (1, 2, (2, 3)), dict(padding="same", dilation=(3, 1)), (1, 1, 5, 4)),
    "conv2d_valid_no_bias": (nn.Conv2d, (2, 2, 2), dict(padding="valid", bias=False), (2, 2, 4, 3)),
    "conv2d_dilation": (nn.Conv2d, (1, 2, 2), dict(dilation=2, padding=1), (1, 1, 5, 5)),
    "conv2d_groups": (nn.Conv2d, (4, 6, 3), dict(groups=2, stride=2, padding=1), (1, 4, 5, 5)),
    "conv2d_depthwise": (nn.Conv2d, (3, 3, 3), dict(groups=3, padding=1), (2, 3, 4, 4)),
    "conv2d_depthwise_multiplier": (nn.Conv2d, (2, 6, (3, 2)), dict(groups=2, stride=(1, 2), dilation=(1, 2)),
                                    (1, 2, 5, 6)),
    "conv2d_single_channel_depthwise_shape": (nn.Conv2d, (1, 2, 3), dict(groups=1, padding=1), (1, 1, 4, 4)),
    "conv2d_reflect": (nn.Conv2d, (2, 2, 3), dict(padding=(1, 2), padding_mode="reflect"), (1, 2, 4, 4)),
    "conv2d_replicate": (nn.Conv2d, (2, 2, 3), dict(padding=2, padding_mode="replicate", stride=2), (1, 2, 4, 4)),
    "conv2d_circular": (nn.Conv2d, (2, 2, 3), dict(padding=(2, 1), padding_mode="circular"), (1, 2, 3, 4)),
    "conv2d_same_reflect_even": (nn.Conv2d, (1, 1, 4), dict(padding="same", padding_mode="reflect"), (1, 1, 5, 5)),
    "conv2d_unbatched": (nn.Conv2d, (2, 3, 3), dict(padding=1, stride=2), (2, 4, 5)),
    "conv1d_plain": (nn.Conv1d, (2, 3, 3), dict(stride=2, padding=1), (2, 2, 7)),
    "conv1d_same_dilated": (nn.Conv1d, (2, 2, 4), dict(padding="same", dilation=2), (1, 2, 8)),
    "conv1d_groups_no_bias": (nn.Conv1d, (4, 2, 2), dict(groups=2, bias=False, dilation=3), (2, 4, 6)),
    "conv1d_circular": (nn.Conv1d, (1, 2, 3), dict(padding=3, padding_mode="circular"), (2, 1, 4)),
    "conv1d_unbatched": (nn.Conv1d, (2, 3, 2), dict(padding="valid"), (2, 5)),
    "conv_transpose2d_plain": (nn.ConvTranspose2d, (2, 3, 3), {}, (2, 2, 3, 3)),
    "conv_transpose2d_stride_output_padding": (nn.ConvTranspose2d, (2, 2, (3, 2)),
                                               dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2)),
                                               (1, 2, 3, 2)),
    "conv_transpose2d_groups_dilation": (nn.ConvTranspose2d, (4, 2, 2), dict(groups=2, dilation=2, bias=False),
                                         (1, 4, 3, 3)),
    "conv_transpose2d_depthwise": (nn.ConvTranspose2d, (3, 6, 3), dict(groups=3, stride=2, padding=1),
                                   (1, 3, 3, 3)),
    "conv_transpose2d_unbatched": (nn.ConvTranspose2d, (2, 2, 2), dict(stride=2), (2, 2, 3)),
    "conv_transpose1d": (nn.ConvTranspose1d, (2, 3, 3), dict(stride=2, padding=1, output_padding=1), (2, 2, 4)),
    "conv_transpose1d_unbatched_groups": (nn.ConvTranspose1d, (2, 4, 2), dict(groups=2, dilation=2), (2, 3)),
}


@pytest.mark.parametrize("name", GRADCHECK_CASES)
def test_layer_gradcheck(name):
    cls, args, kwargs, shape = GRADCHECK_CASES[name]
    check_layer_gradients(layer64(cls, *args, **kwargs), leaf(*shape, seed=1))


def test_functional_gradcheck_with_explicit_weights():
    x, w, b = leaf(2, 4, 5, 5), leaf(6, 2, 3, 2, seed=1), leaf(6, seed=2)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=(2, 1), dilation=(1, 2), groups=2),
                     (x, w, b))
    wt = leaf(4, 3, 2, 3, seed=3)
    assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, 2, 1, 1, 2), (x, wt, b))


# ---- the classic bug classes, one test each -----------------------------------------------------

def test_grouped_weight_gradient_with_stride_2_and_padding_1_at_many_groups():
    x = leaf(2, 8, 6, 5, seed=3)
    for groups in (1, 2, 4, 8):
        layer = layer64(nn.Conv2d, 8, 8, 3, stride=2, padding=1, groups=groups, seed=groups)
        check_layer_gradients(layer, x)
        np.testing.assert_allclose(layer(x).detach().numpy(), conv_reference_of(layer, x), atol=1e-12)


def test_input_gradient_with_groups_and_stride_greater_than_one_together():
    layer = layer64(nn.Conv2d, 6, 4, (3, 2), stride=(2, 3), groups=2)
    x = leaf(1, 6, 7, 8, seed=4)
    layer(x).sum().backward()
    # d sum(out) / d x[c] is the transposed convolution of an all-ones output gradient with the
    # kernels that read channel c: those of the output channels of c's group.
    for g in range(2):
        taps = layer.weight.detach().numpy()[2 * g:2 * g + 2].sum(axis=0)  # (3 in channels, kh, kw)
        for c in range(3):
            expected = reference_conv_transpose2d(np.ones((1, 1, 3, 3)), taps[c][None, None], None,
                                                  (2, 3), (0, 0), (0, 0), (1, 1), 1)
            np.testing.assert_allclose(x.grad.numpy()[0, 3 * g + c], expected[0, 0], atol=1e-12)
    check_layer_gradients(layer, leaf(2, 6, 7, 8, seed=5))


def test_input_gradient_has_the_input_size_with_dilation():
    for dilation, size in ((2, (7, 8)), ((3, 2), (9, 6))):
        layer = layer64(nn.Conv2d, 2, 3, 3, dilation=dilation, padding=1)
        x = leaf(1, 2, *size, seed=6)
        layer(x).sum().backward()
        assert x.grad.shape == x.shape and layer.weight.grad.shape == layer.weight.shape
        check_layer_gradients(layer, x)


def test_input_gradient_when_the_stride_does_not_divide_the_padded_extent():
    # (H + 2p - d(k - 1) - 1) % stride == 2 here: the windows cover padded rows 0..8 of 0..10, so
    # the last input row (padded row 9) is read by none and gets zero gradient; likewise columns.
    layer = layer64(nn.Conv2d, 1, 1, 3, stride=3, padding=1, bias=False)
    x = leaf(1, 1, 9, 9, seed=7)
    assert (9 + 2 - 2 - 1) % 3 == 2
    out = layer(x)
    assert out.shape == (1, 1, 3, 3)
    out.sum().backward()
    grad = x.grad.numpy()[0, 0]
    assert np.all(grad[8, :] == 0) and np.all(grad[:, 8] == 0) and np.all(grad[:8, :8] != 0)
    check_layer_gradients(layer, x)
    check_layer_gradients(layer64(nn.Conv2d, 2, 2, (2, 3), stride=(3, 2), dilation=(2, 1)), leaf(1, 2, 7, 6))


def test_same_padding_with_an_even_kernel_pads_the_extra_row_and_column_at_the_bottom_right():
    layer = layer64(nn.Conv2d, 2, 3, (2, 4), padding="same")
    x = leaf(2, 2, 5, 6, seed=8)
    out = layer(x)
    assert out.shape == (2, 3, 5, 6)
    np.testing.assert_allclose(out.detach().numpy(), conv_reference_of(layer, x), atol=1e-12)
    # explicitly: top 0, bottom 1, left 1, right 2
    expected = reference_conv2d(x.detach().numpy(), layer.weight.detach().numpy(), layer.bias.detach().numpy(),
                                (1, 1), (0, 1, 1, 2), (1, 1), 1)
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-12)
    check_layer_gradients(layer, x)


def test_same_padding_with_a_non_square_kernel_and_per_axis_dilation():
    layer = layer64(nn.Conv2d, 2, 2, (3, 2), padding="same", dilation=(2, 3))
    x = leaf(1, 2, 6, 7, seed=9)
    out = layer(x)
    assert out.shape == x.shape
    np.testing.assert_allclose(out.detach().numpy(), conv_reference_of(layer, x), atol=1e-12)
    check_layer_gradients(layer, x)


def test_reflect_padding_as_large_as_the_input_raises_as_pytorch():
    x = mg.ones(1, 1, 4, 4)
    with pytest.raises(RuntimeError, match=re.escape(
            "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding "
            "(4, 4) at dimension 3 of input [1, 1, 4, 4]")):
        nn.Conv2d(1, 1, 3, padding=4, padding_mode="reflect")(x)
    with pytest.raises(RuntimeError, match=re.escape("Argument #6: Padding size should be less than the "
                                                     "corresponding input dimension, but got: padding (4, 4) at "
                                                     "dimension 2 of input [1, 1, 4, 6]")):
        nn.Conv2d(1, 1, 3, padding=(4, 1), padding_mode="reflect")(mg.ones(1, 1, 4, 6))
    # one less than the size is the largest reflection: numpy's 'reflect' is the same mirror
    layer = layer64(nn.Conv2d, 1, 1, 3, padding=3, padding_mode="reflect", bias=False)
    x = leaf(1, 1, 4, 4, seed=10)
    padded = np.pad(x.detach().numpy(), ((0, 0), (0, 0), (3, 3), (3, 3)), mode="reflect")
    expected = reference_conv2d(padded, layer.weight.detach().numpy(), None, (1, 1), (0, 0, 0, 0), (1, 1), 1)
    np.testing.assert_allclose(layer(x).detach().numpy(), expected, atol=1e-12)
    check_layer_gradients(layer, x)


def test_circular_padding_gradients_accumulate_the_wrapped_copies():
    # A periodic 3x3 box sum: every input element feeds exactly 9 outputs, corners included
    # (zero padding would give 4 at a corner and 6 on an edge).
    layer = nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False, dtype=mg.float64)
    with mg.no_grad():
        layer.weight.fill_(1.0)
    x = leaf(1, 1, 4, 5, seed=11)
    out = layer(x)
    expected = sum(np.roll(x.detach().numpy(), (a, b), axis=(2, 3)) for a in (-1, 0, 1) for b in (-1, 0, 1))
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-12)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(x.shape, 9.0))
    # padding as large as the input: each element is copied three times along that axis
    wide = layer64(nn.Conv1d, 1, 1, 1, padding=3, padding_mode="circular", bias=False)
    y = leaf(1, 1, 3, seed=12)
    wide(y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), np.full((1, 1, 3), 3 * wide.weight.item()))
    check_layer_gradients(wide, y)
    check_layer_gradients(layer64(nn.Conv2d, 2, 1, 2, padding=(2, 3), padding_mode="circular"), leaf(1, 2, 3, 3))


def test_conv_transpose2d_output_padding_and_output_size():
    layer = layer64(nn.ConvTranspose2d, 2, 3, 3, stride=2, padding=1, output_padding=1)
    x = leaf(1, 2, 3, 4, seed=13)
    out = layer(x)
    assert out.shape == (1, 3, 6, 8)  # (3 - 1) 2 - 2 + 2 + 1 + 1
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    expected = reference_conv_transpose2d(x.detach().numpy(), w, b, (2, 2), (1, 1), (1, 1), (1, 1), 1)
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-12)
    check_layer_gradients(layer, x)

    plain = layer64(nn.ConvTranspose2d, 2, 3, 3, stride=2, padding=1)
    plain.load_state_dict(layer.state_dict())
    assert plain(x).shape == (1, 3, 5, 7)
    for output_size in ([6, 8], (1, 3, 6, 8), mg.Size([6, 8])):
        np.testing.assert_allclose(plain(x, output_size=output_size).detach().numpy(), expected, atol=1e-12)
    mixed = plain(x, output_size=[5, 8])  # output_padding (0, 1)
    np.testing.assert_allclose(mixed.detach().numpy(), reference_conv_transpose2d(
        x.detach().numpy(), w, b, (2, 2), (1, 1), (0, 1), (1, 1), 1), atol=1e-12)
    with pytest.raises(ValueError, match=re.escape("requested an output size of [7, 8], but valid sizes range from "
                                                   "[5, 7] to [6, 8] (for an input of minigrad.Size([3, 4]))")):
        plain(x, output_size=[7, 8])
    with pytest.raises(ValueError, match=re.escape("ConvTranspose2D: for 4D input, output_size must have 2 or 4 "
                                                   "elements (got 3)")):
        plain(x, output_size=[3, 6, 8])
    # unbatched: output_size may carry the channel dim
    assert plain(x[0], output_size=[3, 6, 8]).shape == (3, 6, 8)


def test_conv_transpose_output_padding_may_exceed_the_stride_when_below_the_dilation():
    layer = layer64(nn.ConvTranspose2d, 1, 1, 2, dilation=3, output_padding=2)
    x = leaf(1, 1, 2, 2, seed=14)
    out = layer(x)
    expected = reference_conv_transpose2d(x.detach().numpy(), layer.weight.detach().numpy(),
                                          layer.bias.detach().numpy(), (1, 1), (0, 0), (2, 2), (3, 3), 1)
    assert out.shape == (1, 1, 7, 7)
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-12)
    check_layer_gradients(layer, x)


def test_conv_transpose_is_the_adjoint_of_conv():
    # <conv(x), y> == <x, conv_transpose(y)> with the same weight and arguments
    x, y, w = leaf(2, 4, 7, 6), leaf(2, 6, 4, 2, seed=1), leaf(6, 2, 3, 2, seed=2)
    args = dict(stride=2, padding=(1, 0), dilation=(1, 2), groups=2)
    lhs = (F.conv2d(x, w, **args) * y).sum().item()
    rhs = (x * F.conv_transpose2d(y, w, output_padding=(0, 1), **args)).sum().item()
    assert math.isclose(lhs, rhs, rel_tol=1e-12)


# ---- golden outputs -------------------------------------------------------------------------------

def fixed(cls, *args, weight, **kwargs):
    layer = cls(*args, bias=False, **kwargs)
    with mg.no_grad():
        layer.weight.copy_(mg.tensor(weight, dtype=mg.float32))
    return layer


def test_golden_same_padding_with_an_even_kernel():
    image = mg.tensor([[4, 1, 7, 5], [4, 4, 2, 5], [7, 7, 2, 4], [1, 0, 2, 4]], dtype=mg.float32)
    layer = fixed(nn.Conv2d, 1, 1, 2, padding="same", weight=[[[[1, 0], [2, 1]]]])
    expected = [[16, 11, 16, 15], [25, 20, 10, 13], [9, 9, 10, 12], [1, 0, 2, 4]]
    assert layer(image[None, None]).tolist() == [[expected]]
    assert layer(image[None]).tolist() == [expected]  # unbatched


def test_golden_grouped_all_ones():
    layer = fixed(nn.Conv2d, 4, 4, 3, groups=2, padding=1, weight=np.ones((4, 2, 3, 3)))
    out = layer(mg.ones(1, 4, 4, 4)).detach().numpy()
    # each output reads 2 channels x (the kernel taps inside the image): corners 4, edges 6, inside 9
    taps = np.array([2, 3, 3, 2])
    np.testing.assert_array_equal(out, np.broadcast_to(2 * np.outer(taps, taps), (1, 4, 4, 4)))


def test_golden_depthwise_all_ones_on_arange():
    layer = fixed(nn.Conv2d, 2, 4, 2, groups=2, weight=[[[[1, 1], [1, 1]]]] * 2 + [[[[1, 0], [0, 0]]]] * 2)
    x = mg.arange(2 * 3 * 3, dtype=mg.float32).reshape(1, 2, 3, 3)
    out = layer(x).detach().numpy()
    plane = np.arange(18).reshape(2, 3, 3)
    box = plane[:, :-1, :-1] + plane[:, 1:, :-1] + plane[:, :-1, 1:] + plane[:, 1:, 1:]
    # channel multiplier 2: output channels 0, 1 read input channel 0; 2, 3 read channel 1
    np.testing.assert_array_equal(out[0], [box[0], box[0], plane[1, :-1, :-1], plane[1, :-1, :-1]])


def test_golden_dilated_all_ones_on_arange():
    layer = fixed(nn.Conv2d, 1, 1, 3, dilation=2, weight=np.ones((1, 1, 3, 3)))
    x = mg.arange(49, dtype=mg.float32).reshape(1, 1, 7, 7)
    i, j = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    # sum over a, b in {0, 2, 4} of 7 (i + a) + (j + b) = 63 i + 9 j + 144
    np.testing.assert_array_equal(layer(x).detach().numpy()[0, 0], 63 * i + 9 * j + 144)


def test_golden_strided_all_ones_on_arange():
    layer = fixed(nn.Conv2d, 1, 1, 2, stride=2, weight=np.ones((1, 1, 2, 2)))
    x = mg.arange(16, dtype=mg.float32).reshape(1, 1, 4, 4)
    i, j = np.meshgrid(np.arange(2), np.arange(2), indexing="ij")
    np.testing.assert_array_equal(layer(x).detach().numpy()[0, 0], 32 * i + 8 * j + 10)  # 2x2 block sums
    conv1d = fixed(nn.Conv1d, 1, 1, 3, stride=2, weight=np.ones((1, 1, 3)))
    assert conv1d(mg.arange(7, dtype=mg.float32).reshape(1, 1, 7)).tolist() == [[[3, 9, 15]]]


def test_golden_transposed_all_ones():
    layer = fixed(nn.ConvTranspose2d, 1, 1, 3, stride=2, weight=np.ones((1, 1, 3, 3)))
    overlaps = np.array([1, 1, 2, 1, 1])  # output position p is reached by inputs i with 0 <= p - 2i <= 2
    np.testing.assert_array_equal(layer(mg.ones(1, 1, 2, 2)).detach().numpy()[0, 0], np.outer(overlaps, overlaps))
    padded = fixed(nn.ConvTranspose2d, 1, 1, 3, stride=2, output_padding=1, weight=np.ones((1, 1, 3, 3)))
    np.testing.assert_array_equal(padded(mg.ones(1, 1, 2, 2)).detach().numpy()[0, 0],
                                  np.pad(np.outer(overlaps, overlaps), ((0, 1), (0, 1))))
    grouped = fixed(nn.ConvTranspose2d, 2, 2, 2, groups=2, weight=np.ones((2, 1, 2, 2)))
    x = mg.tensor([[[1.0]], [[10.0]]])  # unbatched (2, 1, 1): each channel spreads its own value
    assert grouped(x).tolist() == [[[1, 1], [1, 1]], [[10, 10], [10, 10]]]


# ---- randomized parity with PyTorch ----------------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _conv_case(rng, dims):
    """Random valid arguments for Conv{dims}d crossing every parameter."""
    groups = int(rng.integers(1, 4))
    kernel = tuple(int(k) for k in rng.integers(1, 5, dims))
    dilation = tuple(int(d) for d in rng.integers(1, 4, dims))
    dilation = dilation if rng.random() < 0.7 else dilation[:1] * dims  # passed as an int below
    stride = tuple(int(s) for s in rng.integers(1, 4, dims))
    padding_mode = str(rng.choice(["zeros", "zeros", "reflect", "replicate", "circular"]))
    size = tuple(d * (k - 1) + 1 + int(rng.integers(0, 5)) for k, d in zip(kernel, dilation))
    choice = rng.integers(0, 4)
    if choice == 0:  # 'same' needs stride 1
        padding, stride = "same", (1,) * dims
    elif choice == 1:
        padding = "valid"
    else:
        padding = tuple(int(rng.integers(0, min(3, n))) for n in size)
        padding = padding[0] if choice == 2 and len(set(padding)) == 1 else padding
    kwargs = dict(stride=stride if rng.random() < 0.7 else stride[0], padding=padding,
                  dilation=dilation if len(set(dilation)) > 1 else dilation[0], groups=groups,
                  bias=bool(rng.random() < 0.7), padding_mode=padding_mode)
    in_channels, out_channels = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 3))
    shape = ((int(rng.integers(1, 4)),) if rng.random() < 0.8 else ()) + (in_channels,) + size
    return (in_channels, out_channels, kernel), kwargs, shape


def _conv_transpose_case(rng, dims):
    groups = int(rng.integers(1, 4))
    kernel = tuple(int(k) for k in rng.integers(1, 5, dims))
    dilation = tuple(int(d) for d in rng.integers(1, 4, dims))
    stride = tuple(int(s) for s in rng.integers(1, 4, dims))
    size = tuple(int(n) for n in rng.integers(1, 5, dims))
    # padding small enough for an output of at least one element; output_padding < stride or dilation
    padding = tuple(int(rng.integers(0, 1 + min(2, ((n - 1) * s + d * (k - 1)) // 2)))
                    for n, s, d, k in zip(size, stride, dilation, kernel))
    output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
    kwargs = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                  bias=bool(rng.random() < 0.7), dilation=dilation)
    in_channels, out_channels = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 4))
    shape = ((int(rng.integers(1, 4)),) if rng.random() < 0.8 else ()) + (in_channels,) + size
    return (in_channels, out_channels, kernel), kwargs, shape


def _compare_with_torch(torch, ours, theirs, x, rng, label):
    """Same parameters in both layers, same input and output gradient: outputs and gradients agree."""
    dtype = ours.weight.dtype
    tolerance = dict(rtol=1e-10, atol=1e-12) if dtype == mg.float64 else dict(rtol=1e-4, atol=1e-4)
    with torch.no_grad():
        for name, p in ours.named_parameters():
            getattr(theirs, name).copy_(torch.from_numpy(p.detach().numpy().copy()))
    x_ours = mg.tensor(x, dtype=dtype, requires_grad=True)
    x_theirs = torch.tensor(x, dtype=getattr(torch, dtype.name), requires_grad=True)
    out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
    assert out_ours.shape == tuple(out_theirs.shape), label
    np.testing.assert_allclose(out_ours.detach().numpy(), out_theirs.detach().numpy(), **tolerance, err_msg=label)
    grad = rng.standard_normal(out_ours.shape)
    out_ours.backward(mg.tensor(grad, dtype=dtype))
    out_theirs.backward(torch.tensor(grad, dtype=out_theirs.dtype))
    np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), **tolerance, err_msg=label)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), getattr(theirs, name).grad.numpy(), **tolerance,
                                   err_msg=f"{label} {name}")


PARITY_LAYERS = {  # name: (our class, torch's name, config maker, spatial dims, number of configurations)
    "Conv2d": (nn.Conv2d, "Conv2d", _conv_case, 2, 300),
    "ConvTranspose2d": (nn.ConvTranspose2d, "ConvTranspose2d", _conv_transpose_case, 2, 100),
    "Conv1d": (nn.Conv1d, "Conv1d", _conv_case, 1, 50),
    "ConvTranspose1d": (nn.ConvTranspose1d, "ConvTranspose1d", _conv_transpose_case, 1, 30),
}


@pytest.mark.parametrize("name", PARITY_LAYERS)
def test_randomized_parity_with_torch(torch, name):
    cls, torch_name, make_case, dims, count = PARITY_LAYERS[name]
    for seed in range(count):
        rng = np.random.default_rng(seed)
        args, kwargs, shape = make_case(rng, dims)
        dtype = mg.float64 if seed % 2 else mg.float32
        ours = cls(*args, **kwargs, dtype=dtype)
        theirs = getattr(torch.nn, torch_name)(*args, **kwargs, dtype=getattr(torch, dtype.name))
        label = f"{name} seed {seed}: {args} {kwargs}"
        _compare_with_torch(torch, ours, theirs, rng.standard_normal(shape), rng, label)


def test_functional_forms_match_torch_including_integer_inputs(torch):
    rng = np.random.default_rng(0)
    x, w = rng.integers(-3, 4, (2, 4, 5, 5)), rng.integers(-3, 4, (6, 2, 3, 3))
    ours = F.conv2d(mg.tensor(x), mg.tensor(w), stride=2, padding=1, groups=2)
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), stride=2, padding=1, groups=2)
    assert ours.dtype == mg.int64 and ours.tolist() == theirs.tolist()
    wt = rng.integers(-3, 4, (4, 3, 2, 2))
    ours = F.conv_transpose2d(mg.tensor(x), mg.tensor(wt), None, 2, 0, 1, 2)
    assert ours.tolist() == torch.nn.functional.conv_transpose2d(torch.tensor(x), torch.tensor(wt), None, 2, 0, 1,
                                                                  2).tolist()


def test_half_precision_computes_in_float32_and_returns_half():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((6, 2, 3, 3)), rng.standard_normal(6)
    half = [mg.tensor(a, dtype=mg.float16, requires_grad=True) for a in (x, w, b)]
    out = F.conv2d(*half, padding=1, groups=2)
    assert out.dtype == mg.float16
    exact = reference_conv2d(*(h.detach().numpy().astype(np.float64) for h in half), (1, 1), (1, 1, 1, 1),
                             (1, 1), 2)
    np.testing.assert_allclose(out.detach().numpy(), exact, rtol=2e-3, atol=2e-2)
    out.sum().backward()
    assert [h.grad.dtype for h in half] == [mg.float16] * 3
    layer = nn.ConvTranspose1d(4, 2, 3, stride=2, dtype=mg.float16)
    assert layer(mg.ones(4, 5, dtype=mg.float16)).dtype == mg.float16


# ---- module state, reprs, init, signatures -------------------------------------------------------

REPRS = [
    (lambda nn: nn.Conv2d(1, 1, 3, padding=1), "Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"),
    (lambda nn: nn.Conv2d(4, 8, 3, stride=2, groups=4, bias=False, padding_mode="reflect"),
     "Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), groups=4, bias=False, padding_mode=reflect)"),
    (lambda nn: nn.Conv2d(4, 8, (3, 2), padding="same", dilation=2),
     "Conv2d(4, 8, kernel_size=(3, 2), stride=(1, 1), padding=same, dilation=(2, 2))"),
    (lambda nn: nn.Conv2d(4, 8, (3, 2), padding="valid", dilation=(2, 1)),
     "Conv2d(4, 8, kernel_size=(3, 2), stride=(1, 1), padding=valid, dilation=(2, 1))"),
    (lambda nn: nn.Conv2d(4, 8, 3, padding=(0, 0)), "Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1))"),
    (lambda nn: nn.Conv1d(4, 8, 3, padding=1, dilation=2, padding_mode="circular"),
     "Conv1d(4, 8, kernel_size=(3,), stride=(1,), padding=(1,), dilation=(2,), padding_mode=circular)"),
    (lambda nn: nn.Conv1d(4, 8, 3, padding="same"), "Conv1d(4, 8, kernel_size=(3,), stride=(1,), padding=same)"),
    (lambda nn: nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1),
     "ConvTranspose2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))"),
    (lambda nn: nn.ConvTranspose2d(4, 8, 3, dilation=2, groups=2, bias=False),
     "ConvTranspose2d(4, 8, kernel_size=(3, 3), stride=(1, 1), dilation=(2, 2), groups=2, bias=False)"),
    (lambda nn: nn.ConvTranspose1d(4, 8, 3, stride=2, output_padding=1),
     "ConvTranspose1d(4, 8, kernel_size=(3,), stride=(2,), output_padding=(1,))"),
]


@pytest.mark.parametrize("index", range(len(REPRS)))
def test_repr(index):
    make, expected = REPRS[index]
    assert repr(make(nn)) == expected


def test_reprs_match_torch(torch):
    for make, _ in REPRS:
        assert repr(make(nn)) == repr(make(torch.nn))


def test_attributes_parameters_and_state_dict_keys():
    conv = nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2, bias=False)
    assert (conv.kernel_size, conv.stride, conv.padding, conv.dilation) == ((3, 2), (2, 2), (1, 1), (1, 1))
    assert (conv.transposed, conv.output_padding, conv.groups, conv.padding_mode) == (False, (0, 0), 2, "zeros")
    assert conv.weight.shape == (6, 2, 3, 2) and conv.bias is None
    assert list(conv.state_dict()) == ["weight"]
    transposed = nn.ConvTranspose2d(4, 6, 3, groups=2, dtype=mg.float64)
    assert transposed.weight.shape == (4, 3, 3, 3) and transposed.bias.shape == (6,)
    assert transposed.weight.dtype == mg.float64 and transposed.transposed
    assert list(transposed.state_dict()) == ["weight", "bias"]
    assert nn.Conv1d(2, 4, 5).weight.shape == (4, 2, 5)
    assert nn.Conv2d(3, 4, 4, padding="same", dilation=(1, 2))._reversed_padding_repeated_twice == [3, 3, 1, 2]
    assert nn.Conv2d(3, 4, 3, padding=(1, 2))._reversed_padding_repeated_twice == (2, 2, 1, 1)


def test_init_is_uniform_within_one_over_sqrt_fan_in():
    mg.manual_seed(0)
    for layer, fan_in in ((nn.Conv2d(16, 64, 3, groups=2), 8 * 9), (nn.ConvTranspose2d(64, 32, 3, groups=4), 8 * 9),
                          (nn.Conv1d(20, 40, 5), 100)):
        bound = 1 / math.sqrt(fan_in)
        w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
        assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
        assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # U(-bound, bound) has std bound / sqrt(3)
    mg.manual_seed(1)
    first = nn.Conv2d(2, 2, 3).weight.detach().numpy().copy()
    mg.manual_seed(1)
    np.testing.assert_array_equal(first, nn.Conv2d(2, 2, 3).weight.detach().numpy())


def test_signatures_match_torch(torch):
    for name in ("Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"):
        ours = inspect.signature(getattr(nn, name).__init__).parameters
        theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
        assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]
    assert list(inspect.signature(nn.ConvTranspose2d.forward).parameters) == ["self", "input", "output_size"]


def test_functional_signatures_are_pytorchs():
    def signature(fn):
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]

    empty = inspect.Parameter.empty
    conv = [("input", empty), ("weight", empty), ("bias", None), ("stride", 1), ("padding", 0), ("dilation", 1),
            ("groups", 1)]
    transposed = [("input", empty), ("weight", empty), ("bias", None), ("stride", 1), ("padding", 0),
                  ("output_padding", 0), ("groups", 1), ("dilation", 1)]
    assert signature(F.conv1d) == signature(F.conv2d) == conv
    assert signature(F.conv_transpose1d) == signature(F.conv_transpose2d) == transposed


def test_grad_fn_names_and_saved_input_versions():
    x = leaf(1, 2, 4, 4)
    assert F.conv2d(x, leaf(3, 2, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv1d(x[0], leaf(3, 4, 2)).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(x, leaf(2, 3, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    x2 = leaf(1, 2, 4, 4) * 1
    out = F.conv2d(x2, leaf(3, 2, 3, 3))
    x2.add_(1)  # the input was saved for the weight gradient: changing it in place must be caught
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


# ---- bad input: PyTorch's exception types and messages --------------------------------------------

def ones(lib, *shape, dtype=None):
    return lib.ones(*shape, dtype=getattr(lib, dtype) if dtype else None)


BAD_INPUT = [  # (call with (library, its F, its nn), exception type, message)
    (lambda t, F, nn: F.conv2d(ones(t, 2, 4, 5, 5), ones(t, 8, 3, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [8, 3, 3, 3], expected input[2, 4, 5, 5] to have 3 channels, but got 4 "
     "channels instead"),
    (lambda t, F, nn: F.conv2d(ones(t, 4, 5, 5), ones(t, 8, 3, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 "
     "channels instead"),
    (lambda t, F, nn: F.conv2d(ones(t, 5, 5), ones(t, 8, 3, 3, 3)), RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]"),
    (lambda t, F, nn: F.conv1d(ones(t, 1, 1, 1, 5), ones(t, 2, 1, 3)), RuntimeError,
     "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [1, 1, 1, 5]"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 2, 2), ones(t, 3, 2, 3, 3)), RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [2, 2]"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 2, 2), ones(t, 8, 3, 3, 3)), RuntimeError,
     "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than "
     "actual input size"),
    (lambda t, F, nn: F.conv1d(ones(t, 1, 3, 2), ones(t, 8, 3, 3), dilation=2), RuntimeError,
     "Calculated padded input size per channel: (2). Kernel size: (5). Kernel size can't be greater than actual "
     "input size"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), padding=-1), RuntimeError,
     "negative padding is not supported"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), padding="same", stride=2), RuntimeError,
     "padding='same' is not supported for strided convolutions"),
    (lambda t, F, nn: F.conv1d(ones(t, 1, 1, 5), ones(t, 2, 1, 3), padding="same", stride=(2,)), RuntimeError,
     "padding='same' is not supported for strided convolutions"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), padding="full"), RuntimeError,
     "Invalid padding string: 'full'"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), stride=(1, 0)), RuntimeError,
     "non-positive stride is not supported"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), dilation=0), RuntimeError,
     "dilation should be greater than zero, but got [0, 0]"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), dilation=-1), RuntimeError,
     "dilation should be greater than zero"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), groups=0), RuntimeError,
     "non-positive groups is not supported"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 6, 5, 5), ones(t, 8, 2, 3, 3), groups=3), RuntimeError,
     "Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[8, 2, 3, 3]] "
     "instead"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 6, 5, 5), ones(t, 2, 2, 3, 3), groups=3), RuntimeError,
     "Given groups=3, expected weight to be at least 3 at dimension 0, but got weight of size [2, 2, 3, 3] instead"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), ones(t, 7)), RuntimeError,
     "Given weight of size [8, 3, 3, 3], expected bias to be 1-dimensional with 8 elements, but got bias of size "
     "[7] instead"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3)), RuntimeError,
     "weight should have at least three dimensions"),
    (lambda t, F, nn: F.conv1d(ones(t, 1, 1, 5), ones(t, 2, 1, 1, 3)), RuntimeError,
     "Expected 4-dimensional input for 4-dimensional weight [2, 1, 1, 3], but got 3-dimensional input of size "
     "[1, 1, 5] instead"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), stride=(1, 1, 1)), RuntimeError,
     "expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but "
     "got stride=[1, 1, 1]"),
    (lambda t, F, nn: F.conv1d(ones(t, 1, 1, 5), ones(t, 2, 1, 3), padding=(1, 1)), RuntimeError,
     "expected padding to be a single integer value or a list of 1 values to match the convolution dimensions, "
     "but got padding=[1, 1]"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3, dtype="float64")), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 3, 3), ones(t, 8, dtype="float64")),
     RuntimeError, "Input type (float) and bias type (double) should be the same"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5, dtype="bool"), ones(t, 8, 3, 3, 3, dtype="bool")),
     NotImplementedError, "\"slow_conv2d_cpu\" not implemented for 'Bool'"),
    (lambda t, F, nn: F.conv2d(ones(t, 1, 3, 5, 5), ones(t, 8, 3, 0, 2)), RuntimeError,
     "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 2"),
    (lambda t, F, nn: F.conv1d(ones(t, 1, 3, 0), ones(t, 8, 3, 3), padding=3), RuntimeError,
     "Only zero batch or zero channel inputs are supported, but got input shape: [1, 3, 1, 0]"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 1, 3, 5, 5), ones(t, 3, 2, 3, 3), stride=2, output_padding=2),
     RuntimeError, "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
     "output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 1, 3, 5, 5), ones(t, 3, 2, 3, 3), output_padding=-1),
     RuntimeError, "negative output_padding is not supported"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 1, 4, 5, 5), ones(t, 3, 2, 3, 3)), RuntimeError,
     "Given transposed=1, weight of size [3, 2, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 "
     "channels instead"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 1, 3, 5, 5), ones(t, 3, 2, 3, 3), ones(t, 3)), RuntimeError,
     "Given transposed=1, weight of size [3, 2, 3, 3], expected bias to be 1-dimensional with 2 elements, but got "
     "bias of size [3] instead"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 1, 3, 1, 1), ones(t, 3, 2, 1, 1), padding=1), RuntimeError,
     "Given input size per channel: (1 x 1). Calculated output size per channel: (-1 x -1). Output size is too "
     "small"),
    (lambda t, F, nn: F.conv_transpose1d(ones(t, 1, 3, 5), ones(t, 3, 8, 3), dilation=0), RuntimeError,
     "dilation should be greater than zero, but got dilation_height: 1, dilation_width: 0"),
    (lambda t, F, nn: F.conv_transpose2d(ones(t, 1, 3, 2, 2), ones(t, 3, 2, 3, 3), padding="same"), TypeError,
     "conv_transpose2d(): argument 'padding' must be tuple of ints, not str"),
    (lambda t, F, nn: nn.Conv2d(3, 8, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
    (lambda t, F, nn: nn.Conv2d(4, 6, 3, groups=4), ValueError, "out_channels must be divisible by groups"),
    (lambda t, F, nn: nn.Conv2d(4, 4, 3, groups=0), ValueError, "groups must be a positive integer"),
    (lambda t, F, nn: nn.Conv2d(4, 6, 3, stride=2, padding="same"), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda t, F, nn: nn.Conv2d(4, 6, 3, padding="full"), ValueError, "Invalid padding string 'full', should be one "
     "of {"),
    (lambda t, F, nn: nn.Conv2d(4, 6, 3, padding_mode="mirror"), ValueError, "padding_mode must be one of {"),
    (lambda t, F, nn: nn.Conv2d(4, 6, 3, padding=-1)(ones(t, 1, 4, 5, 5)), RuntimeError,
     "negative padding is not supported"),
    (lambda t, F, nn: nn.Conv2d(4, 6, 3, stride=0)(ones(t, 1, 4, 5, 5)), RuntimeError,
     "non-positive stride is not supported"),
    (lambda t, F, nn: nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda t, F, nn: nn.ConvTranspose2d(4, 6, 3, output_padding=2)(ones(t, 1, 4, 5, 5)), RuntimeError,
     "output padding must be smaller than either stride or dilation, but got output_padding_height: 2"),
    (lambda t, F, nn: nn.Conv2d(1, 1, 3, padding=5, padding_mode="circular")(ones(t, 1, 1, 4, 4)), RuntimeError,
     "Padding value causes wrapping around more than once."),
]


@pytest.mark.parametrize("index", range(len(BAD_INPUT)))
def test_bad_input_raises_pytorchs_error(index):
    call, error, message = BAD_INPUT[index]
    with pytest.raises(error, match=re.escape(message)):
        call(mg, F, nn)


def test_bad_input_errors_match_torch(torch):
    for call, error, message in BAD_INPUT:
        with pytest.raises(error, match=re.escape(message)):
            call(torch, torch.nn.functional, torch.nn)


def test_wrong_argument_types_raise_type_errors_naming_the_argument():
    x, w = mg.ones(1, 3, 5, 5), mg.ones(8, 3, 3, 3)
    with pytest.raises(TypeError, match="argument 'stride' must be tuple of ints, not float"):
        F.conv2d(x, w, stride=1.5)
    with pytest.raises(TypeError, match="argument 'padding' must be tuple of ints, but found element of type float "
                                        "at pos 1"):
        F.conv2d(x, w, padding=(1, 1.0))
    with pytest.raises(TypeError, match="argument 'groups' must be int, not float"):
        F.conv2d(x, w, groups=1.0)
    with pytest.raises(TypeError, match=re.escape("conv2d(): argument 'input' (position 1) must be Tensor, not list")):
        F.conv2d([[1.0]], w)
    with pytest.raises(TypeError, match=re.escape("argument 'bias' (position 3) must be Tensor, not float")):
        F.conv2d(x, w, 1.0)
