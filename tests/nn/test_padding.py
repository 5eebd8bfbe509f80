"""F.pad and the padding layers: numpy's np.pad as the reference (constant / reflect / edge / wrap
are PyTorch's constant / reflect / replicate / circular), float64 gradcheck per mode and rank,
hand-counted gradients of the copying modes, negative pads, randomized PyTorch parity, reprs,
grad_fn names and PyTorch's errors."""
import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

NUMPY_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
MODES = list(NUMPY_MODES)


def leaf(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=mg.float64, requires_grad=True)


def numpy_pad(x: np.ndarray, pad: tuple, mode: str, value: float = 0.0) -> np.ndarray:
    """np.pad for non-negative ``pad`` in F.pad's last-dim-first order."""
    widths = [(0, 0)] * (x.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
    extra = {"constant_values": value} if mode == "constant" else {}
    return np.pad(x, widths, mode=NUMPY_MODES[mode], **extra)


# (input shape, pad) per number of padded dims, valid for every mode
SHAPES_AND_PADS = [
    ((2, 3, 5), (2, 1)),
    ((3, 4), (0, 3)),  # unbatched 1-D
    ((2, 2, 4, 5), (1, 2, 3, 0)),
    ((2, 4, 3), (2, 2, 1, 1)),  # unbatched 2-D
    ((1, 2, 3, 4, 3), (1, 2, 0, 1, 2, 1)),
    ((2, 3, 3, 2), (1, 0, 2, 2, 1, 1)),  # unbatched 3-D
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape,pad", SHAPES_AND_PADS)
def test_forward_matches_numpy_pad(mode, shape, pad):
    x = np.random.default_rng(1).standard_normal(shape)
    out = F.pad(mg.tensor(x), pad, mode)
    np.testing.assert_array_equal(out.numpy(), numpy_pad(x, pad, mode))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape,pad", SHAPES_AND_PADS)
def test_gradcheck(mode, shape, pad):
    assert gradcheck(lambda x: F.pad(x, pad, mode), (leaf(*shape),))


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_with_negative_pads(mode):
    assert gradcheck(lambda x: F.pad(x, (-1, 2, 1, -2), mode), (leaf(1, 2, 5, 4),))
    assert gradcheck(lambda x: F.pad(x, (2, -1), mode), (leaf(2, 4),))


def test_constant_padding_of_any_number_of_dims_with_a_value():
    x = np.arange(24.0).reshape(2, 3, 4)
    out = F.pad(mg.tensor(x), (1, 0, 0, 2, 1, 1), value=-5.0)
    np.testing.assert_array_equal(out.numpy(), np.pad(x, ((1, 1), (0, 2), (1, 0)), constant_values=-5.0))
    assert gradcheck(lambda x: F.pad(x, (1, 1, 2, 0, 0, 1, 1, 0), value=3.0), (leaf(2, 1, 2, 3),))
    assert F.pad(mg.tensor(x), ()).tolist() == x.tolist()
    # integer tensors truncate the fill value, as a cast does
    assert F.pad(mg.tensor([1, 1]), (1, 1), value=-1.7).tolist() == [-1, 1, 1, -1]


def test_constant_negative_pads_crop():
    x = mg.arange(10.0).reshape(2, 5)
    assert F.pad(x, (-1, -2)).tolist() == [[1, 2], [6, 7]]
    assert F.pad(x, (-5, 0)).shape == (2, 0)
    assert F.pad(x, (1, -3, -1, 0)).tolist() == [[0, 5, 6]]


def test_copying_modes_send_each_copy_back_to_its_source():
    # [a b c d] padded by (3, 2): count how often each element appears, weighted by the gradient
    g = np.arange(1.0, 10.0)  # one gradient value per output position
    x = leaf(1, 1, 4)
    expected = {
        "reflect": [g[3], g[2] + g[4] + g[8], g[1] + g[5] + g[7], g[0] + g[6]],  # d c b [a b c d] c b
        "replicate": [g[0] + g[1] + g[2] + g[3], g[4], g[5], g[6] + g[7] + g[8]],  # a a a [a b c d] d d
        "circular": [g[3] + g[7], g[0] + g[4] + g[8], g[1] + g[5], g[2] + g[6]],  # b c d [a b c d] a b
    }
    for mode, grad in expected.items():
        x.grad = None
        F.pad(x, (3, 2), mode).backward(mg.tensor(g[None, None]))
        np.testing.assert_array_equal(x.grad.numpy()[0, 0], grad, err_msg=mode)


def test_circular_padding_as_large_as_the_input_wraps_once():
    x = leaf(1, 2, 2)
    out = F.pad(x, (2, 2, 2, 2), "circular")
    np.testing.assert_array_equal(out.detach().numpy(), np.tile(x.detach().numpy(), (1, 3, 3)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 2, 2), 9.0))


def test_negative_pads_in_the_copying_modes():
    x = mg.arange(4.0).reshape(1, 1, 4)
    # reflect/replicate index the whole input; circular crops first and then wraps the rest
    assert F.pad(x, (-1, 2), "reflect").tolist() == [[[1, 2, 3, 2, 1]]]
    assert F.pad(x, (2, -1), "reflect").tolist() == [[[2, 1, 0, 1, 2]]]
    assert F.pad(x, (1, -3), "reflect").tolist() == [[[1, 0]]]
    assert F.pad(x, (2, -1), "replicate").tolist() == [[[0, 0, 0, 1, 2]]]
    assert F.pad(x, (-1, 2), "circular").tolist() == [[[1, 2, 3, 1, 2]]]
    assert F.pad(x, (2, -1), "circular").tolist() == [[[1, 2, 0, 1, 2]]]
    assert F.pad(x, (-4, 0), "circular").shape == (1, 1, 0)


def test_half_precision_pads_and_keeps_its_dtype():
    x = np.random.default_rng(2).standard_normal((1, 2, 3, 4)).astype(np.float16)
    for mode in MODES:
        t = mg.tensor(x, requires_grad=True)
        out = F.pad(t, (1, 2, 2, 1), mode)
        assert out.dtype == mg.float16
        np.testing.assert_array_equal(out.detach().numpy(), numpy_pad(x, (1, 2, 2, 1), mode))
        out.sum().backward()
        assert t.grad.dtype == mg.float16


def test_grad_fn_names_are_pytorchs():
    inputs = {2: leaf(2, 3, 3), 4: leaf(1, 2, 3, 3), 6: leaf(1, 2, 3, 3, 3)}  # batched 1-D, 2-D, 3-D
    names = {
        ("constant", 2): "ConstantPadNdBackward0", ("reflect", 2): "ReflectionPad1DBackward0",
        ("reflect", 4): "ReflectionPad2DBackward0", ("reflect", 6): "ReflectionPad3DBackward0",
        ("replicate", 2): "ReplicationPad1DBackward0", ("replicate", 4): "ReplicationPad2DBackward0",
        ("replicate", 6): "ReplicationPad3DBackward0", ("circular", 4): "CopySlices",
    }
    for (mode, length), name in names.items():
        assert F.pad(inputs[length], (1,) * length, mode).grad_fn.name() == name


def test_integer_and_empty_batch_inputs():
    assert F.pad(mg.tensor([[1, 2, 3]]), (2, 1), "reflect").tolist() == [[3, 2, 1, 2, 3, 2]]
    assert F.pad(mg.tensor([[[True, False]]]), (1, 1), "circular").tolist() == [[[False, True, False, True]]]
    assert F.pad(mg.ones(0, 2, 3, 3), (1, 1, 1, 1), "reflect").shape == (0, 2, 5, 5)
    assert F.pad(mg.ones(1, 0, 3), (1, 1), "circular").shape == (1, 0, 5)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_randomized_parity_with_torch(torch):
    for seed in range(120):
        rng = np.random.default_rng(seed)
        mode = MODES[seed % 4]
        dims = int(rng.integers(1, 4))
        batched = bool(rng.random() < 0.7)
        shape = tuple(int(n) for n in rng.integers(1, 4, 1 + batched)) + tuple(
            int(n) for n in rng.integers(2, 6, dims))
        pad = []
        for size in reversed(shape[-dims:]):  # within each mode's limits, negatives included
            high = size - 1 if mode == "reflect" else size
            low = -(size // 2 - 1) if mode != "circular" else 0
            pad += [int(rng.integers(low, high + 1)) for _ in range(2)]
        x = rng.standard_normal(shape)
        ours, theirs = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out_ours = F.pad(ours, tuple(pad), mode)
        out_theirs = torch.nn.functional.pad(theirs, tuple(pad), mode)
        label = f"seed {seed}: {mode} {shape} {pad}"
        np.testing.assert_array_equal(out_ours.detach().numpy(), out_theirs.detach().numpy(), err_msg=label)
        grad = rng.standard_normal(out_ours.shape)
        out_ours.backward(mg.tensor(grad))
        out_theirs.backward(torch.tensor(grad))
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=label)


# ---- layers ------------------------------------------------------------------------------------------

LAYERS = [
    (lambda nn: nn.ZeroPad2d(2), "ZeroPad2d((2, 2, 2, 2))"),
    (lambda nn: nn.ZeroPad1d((1, 3)), "ZeroPad1d((1, 3))"),
    (lambda nn: nn.ZeroPad3d(1), "ZeroPad3d((1, 1, 1, 1, 1, 1))"),
    (lambda nn: nn.ConstantPad1d(2, 1.0), "ConstantPad1d(padding=(2, 2), value=1.0)"),
    (lambda nn: nn.ConstantPad2d((1, 2, 3, 4), 3.5), "ConstantPad2d(padding=(1, 2, 3, 4), value=3.5)"),
    (lambda nn: nn.ConstantPad3d(1, -1), "ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=-1)"),
    (lambda nn: nn.ReflectionPad1d(2), "ReflectionPad1d((2, 2))"),
    (lambda nn: nn.ReflectionPad2d((1, 0, 2, 1)), "ReflectionPad2d((1, 0, 2, 1))"),
    (lambda nn: nn.ReflectionPad3d(1), "ReflectionPad3d((1, 1, 1, 1, 1, 1))"),
    (lambda nn: nn.ReplicationPad1d(3), "ReplicationPad1d((3, 3))"),
    (lambda nn: nn.ReplicationPad2d((1, 2, 3, 4)), "ReplicationPad2d((1, 2, 3, 4))"),
    (lambda nn: nn.ReplicationPad3d(2), "ReplicationPad3d((2, 2, 2, 2, 2, 2))"),
    (lambda nn: nn.CircularPad1d(1), "CircularPad1d((1, 1))"),
    (lambda nn: nn.CircularPad2d((2, 1, 0, 1)), "CircularPad2d((2, 1, 0, 1))"),
    (lambda nn: nn.CircularPad3d(1), "CircularPad3d((1, 1, 1, 1, 1, 1))"),
]


@pytest.mark.parametrize("index", range(len(LAYERS)))
def test_layer_repr_and_output(index):
    make, expected = LAYERS[index]
    layer = make(nn)
    assert repr(layer) == expected
    x = np.random.default_rng(index).standard_normal((2, 2, 3, 3, 3)[:2 + len(layer.padding) // 2])
    np.testing.assert_array_equal(layer(mg.tensor(x)).numpy(),
                                  numpy_pad(x, layer.padding, layer.mode, getattr(layer, "value", 0.0)))
    assert gradcheck(layer, (leaf(*x.shape),))


def test_layers_match_torch(torch):
    for make, _ in LAYERS:
        ours, theirs = make(nn), make(torch.nn)
        x = np.random.default_rng(0).standard_normal((2, 2, 3, 3, 3)[:2 + len(ours.padding) // 2])
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours(mg.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy())


def test_zero_pad_is_a_constant_pad_and_circular_pad_checks_the_rank():
    assert isinstance(nn.ZeroPad2d(1), nn.ConstantPad2d) and nn.ZeroPad2d(1).value == 0.0
    with pytest.raises(ValueError, match=re.escape("expected 3D or 4D input (got 2D input)")):
        nn.CircularPad2d(1)(mg.ones(4, 4))


# ---- bad input -------------------------------------------------------------------------------------

def ones(lib, *shape, dtype=None):
    return lib.ones(*shape, dtype=getattr(lib, dtype) if dtype else None)


BAD_INPUT = [  # (call with (library, its F, its nn), exception type, message)
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (4, 4, 1, 1), mode="reflect"), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at "
     "dimension 3 of input [1, 1, 4, 4]"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1, 4, 4), mode="reflect"), RuntimeError,
     "Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at "
     "dimension 2 of input [1, 1, 4, 4]"),
    (lambda t, F, nn: F.pad(ones(t, 2, 3), (1, 3), mode="reflect"), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (1, 3) at "
     "dimension 1 of input [2, 3]"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 2, 3, 3), (1, 1, 1, 1, 2, 2), mode="reflect"), RuntimeError,
     "Argument #8: Padding size should be less than the corresponding input dimension, but got: padding (2, 2) at "
     "dimension 2 of input [1, 1, 2, 3, 3]"),
    (lambda t, F, nn: nn.ReflectionPad2d(4)(ones(t, 1, 4, 4)), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at "
     "dimension 2 of input [1, 4, 4]"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1, 5, 0), mode="circular"), RuntimeError,
     "Padding value causes wrapping around more than once."),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1, -3, -2), mode="circular"), RuntimeError,
     "Negative padding value is resulting in an empty dimension"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4), (-2, -2), mode="replicate"), RuntimeError,
     "input (W: 4) is too small. Calculated output W: 0"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (-3, -3, 1, 1), mode="replicate"), RuntimeError,
     "Trying to create tensor with negative dimension -2: [1, 1, 6, -2]"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1), mode="reflect"), NotImplementedError,
     "Padding size 2 is not supported for 4D input tensor."),
    (lambda t, F, nn: F.pad(ones(t, 4, 4), (1, 1, 1, 1), mode="replicate"), NotImplementedError,
     "Padding size 4 is not supported for 2D input tensor."),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 1, 4, 4), (1,) * 8, mode="circular"), NotImplementedError,
     "Padding size 8 is not supported for 5D input tensor."),
    (lambda t, F, nn: F.pad(ones(t, 2, 3), (), mode="reflect"), NotImplementedError,
     "Padding size 0 is not supported for 2D input tensor.\nSupported combinations for non-constant padding:\n"
     "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1), mode="mirror"), NotImplementedError,
     "Unrecognised padding mode mirror"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1, 1)), RuntimeError, "Padding length must be divisible by 2"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1,) * 10), RuntimeError,
     "Padding length should be less than or equal to two times the input dimension but got padding length 10 and "
     "input of dimension 4"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1, 1, 1), mode="reflect", value=2.0), RuntimeError,
     'Padding mode "reflect" doesn\'t take in value argument'),
    (lambda t, F, nn: F.pad(ones(t, 1, 0, 4, 4), (1, 1, 1, 1), mode="reflect"), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but "
     "got: [1, 0, 4, 4]"),
    (lambda t, F, nn: F.pad(ones(t, 0, 3), (1, 1), mode="replicate"), RuntimeError,
     "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but "
     "got: [0, 3]"),
    (lambda t, F, nn: F.pad(ones(t, 1, 2, 3, dtype="bool"), (1, 1), mode="reflect"), NotImplementedError,
     "\"reflection_pad1d\" not implemented for 'Bool'"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (-3, -2, 0, 0)), RuntimeError, "narrow(): length must be "
     "non-negative."),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), 1), TypeError,
     "pad(): argument 'pad' (position 2) must be tuple of ints, not int"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1.0, 1)), TypeError,
     "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type float at pos 0"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1), mode=None), TypeError,
     "pad(): argument 'mode' (position 3) must be str, not NoneType"),
    (lambda t, F, nn: F.pad(ones(t, 1, 1, 4, 4), (1, 1), value="a"), TypeError,
     "pad(): argument 'value' (position 4) must be float, not str"),
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
