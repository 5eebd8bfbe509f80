"""Randomized parity of the fast convolution kernels with their plain-loop references
(minigrad.kernels.reference): hundreds of seeded Conv2d and ConvTranspose2d configurations crossing
every parameter, each run through every code path the kernels can take for the same arguments.

Forward, input gradient, weight gradient and bias gradient are compared with the float64 reference
within a tolerance for the kernel's dtype; gradients that are not requested must come back None.
"""
import numpy as np
import pytest

from minigrad.kernels import conv2d as conv2d_module
from minigrad.kernels.conv2d import conv2d_backward, conv2d_forward
from minigrad.kernels.conv_transpose2d import conv_transpose2d_backward, conv_transpose2d_forward
from minigrad.kernels.reference import conv2d as reference
from minigrad.kernels.reference import conv_transpose2d as reference_transpose

TOL = {np.float32: dict(rtol=1e-4, atol=1e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}

# Every code path the convolution entry points can take for the same arguments, as the module
# attributes that select it: besides the defaults, the GEMM path with each unfold layout (in chunks
# of one image, so every thread's slice runs several chunks) and the direct loops for every grouped
# convolution. A new engine adds its switches here, so every configuration below runs each path.
HUGE = 1 << 30
PATHS = {
    "default": {},
    "channels_first_gemm": {(conv2d_module, "DIRECT_MAX_GROUP_CHANNELS"): 0,
                            (conv2d_module, "CHANNELS_LAST_MIN_CHANNELS"): HUGE,
                            (conv2d_module, "COLS_BUDGET_BYTES"): 1},
    "channels_last_gemm": {(conv2d_module, "DIRECT_MAX_GROUP_CHANNELS"): 0,
                           (conv2d_module, "CHANNELS_LAST_MIN_CHANNELS"): 1,
                           (conv2d_module, "COLS_BUDGET_BYTES"): 1},
    "direct": {(conv2d_module, "DIRECT_MAX_GROUP_CHANNELS"): HUGE},
}


@pytest.fixture(params=list(PATHS))
def path(request, monkeypatch):
    for (module, name), value in PATHS[request.param].items():
        monkeypatch.setattr(module, name, value)
    return request.param


def same_padding(kernel: int, dilation: int) -> tuple[int, int]:
    """PyTorch's padding='same' on one axis: total d*(k-1), the odd extra after (bottom/right)."""
    total = dilation * (kernel - 1)
    return total // 2, total - total // 2


def conv2d_config(rng):
    """A small random Conv2d call: dense (1-5 channels in and out, C_in == 1 included), grouped
    (2-4 groups of 1-3 channels) or depthwise (2-6 groups of one input channel, channel multiplier
    1-3); kernels 1-4 per axis (even and non-square), strides 1-3, dilations 1-3, asymmetric padding
    0-3 per side or PyTorch's 'same' (stride 1), H and W 1-10, Conv1d-shaped (H == kH == 1)
    sometimes, batch 1-3, bias or not, float32 or float64, and which gradients are requested."""
    while True:
        kind = rng.choice(["dense", "grouped", "depthwise"])
        if kind == "dense":
            groups, per_group_in, per_group_out = 1, int(rng.integers(1, 6)), int(rng.integers(1, 6))
        elif kind == "grouped":
            groups, per_group_in, per_group_out = (int(v) for v in rng.integers([2, 1, 1], [5, 4, 4]))
        else:
            groups, per_group_in, per_group_out = int(rng.integers(2, 7)), 1, int(rng.integers(1, 4))
        conv1d = rng.random() < 0.15
        H, W = (1 if conv1d else int(rng.integers(1, 11))), int(rng.integers(1, 11))
        kernel = (1 if conv1d else int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        dilation = (1 if conv1d else int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        if rng.random() < 0.25:
            stride = (1, 1)
            padding = same_padding(kernel[0], dilation[0]) + same_padding(kernel[1], dilation[1])
        else:
            stride = tuple(int(v) for v in rng.integers(1, 4, 2))
            padding = tuple(int(v) for v in rng.integers(0, 4, 4))
        if conv1d:
            padding = (0, 0) + padding[2:]
        out_hw = reference.conv2d_output_size((H, W), kernel, stride, padding, dilation)
        if min(out_hw) >= 1:
            return dict(
                x_shape=(int(rng.integers(1, 4)), groups * per_group_in, H, W),
                w_shape=(groups * per_group_out, per_group_in) + kernel, C_out=groups * per_group_out,
                args=(stride, padding, dilation, groups), bias=bool(rng.random() < 0.7),
                dtype=np.float32 if rng.random() < 0.5 else np.float64,
                needs=tuple(bool(v) for v in rng.random(3) < 0.85),
            )


def conv_transpose2d_config(rng):
    """A small random ConvTranspose2d call: 1-3 groups of 1-3 input and output channels (depthwise
    included), kernels 1-4, strides 1-3, dilations 1-3, padding 0-2, output_padding below the
    stride or the dilation (PyTorch's rule), H and W 1-6, batch 1-2, bias or not, either dtype."""
    while True:
        groups = int(rng.integers(1, 4))
        per_group_in, per_group_out = (int(v) for v in rng.integers(1, 4, 2))
        hw = tuple(int(v) for v in rng.integers(1, 7, 2))
        kernel, stride, dilation = (tuple(int(v) for v in rng.integers(1, high, 2)) for high in (5, 4, 4))
        padding = tuple(int(v) for v in rng.integers(0, 3, 2))
        output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
        args = (stride, padding, output_padding, dilation, groups)
        if min(reference_transpose.conv_transpose2d_output_size(hw, kernel, *args[:4])) >= 1:
            return dict(
                x_shape=(int(rng.integers(1, 3)), groups * per_group_in) + hw,
                w_shape=(groups * per_group_in, per_group_out) + kernel, C_out=groups * per_group_out,
                args=args, bias=bool(rng.random() < 0.7),
                dtype=np.float32 if rng.random() < 0.5 else np.float64,
                needs=tuple(bool(v) for v in rng.random(3) < 0.85),
            )


def check_parity(config, seed, fast_forward, fast_backward, reference_forward, reference_backward):
    """Forward and the three gradients of the fast kernel against the reference on random data."""
    rng = np.random.default_rng(seed)
    dtype, args, needs = config["dtype"], config["args"], config["needs"]
    x = rng.standard_normal(config["x_shape"]).astype(dtype)
    w = rng.standard_normal(config["w_shape"]).astype(dtype)
    b = rng.standard_normal(config["C_out"]).astype(dtype) if config["bias"] else None
    message = str(config)

    out = fast_forward(x, w, b, *args)
    assert out.dtype == dtype, message
    np.testing.assert_allclose(out, reference_forward(x, w, b, *args), **TOL[dtype], err_msg=message)

    g = rng.standard_normal(out.shape).astype(dtype)
    grads = fast_backward(g, x, w, *args, *needs)
    for got, want, like, needed in zip(grads, reference_backward(g, x, w, *args), (x, w, g[0, :, 0, 0]), needs):
        if not needed:
            assert got is None, message
            continue
        assert got.shape == like.shape and got.dtype == dtype, message
        np.testing.assert_allclose(got, want, **TOL[dtype], err_msg=message)


@pytest.mark.parametrize("seed", range(400))
def test_conv2d_matches_reference(seed, path):
    config = conv2d_config(np.random.default_rng(seed))
    check_parity(config, seed, conv2d_forward, conv2d_backward, reference.conv2d_forward, reference.conv2d_backward)


@pytest.mark.parametrize("seed", range(200))
def test_conv_transpose2d_matches_reference(seed, path):
    config = conv_transpose2d_config(np.random.default_rng(10_000 + seed))
    check_parity(config, seed, conv_transpose2d_forward, conv_transpose2d_backward,
                 reference_transpose.conv_transpose2d_forward, reference_transpose.conv_transpose2d_backward)


def test_configurations_cover_every_parameter():
    """The seeds above reach every kind of convolution and every parameter value class, so a path
    that only one of them takes cannot go untested."""
    configs = [conv2d_config(np.random.default_rng(seed)) for seed in range(400)]
    kinds = {(c["args"][3] == 1, c["w_shape"][1] == 1 and c["args"][3] > 1) for c in configs}
    assert kinds == {(True, False), (False, False), (False, True)}  # dense, grouped, depthwise
    assert any(c["w_shape"][0] > c["x_shape"][1] == c["args"][3] for c in configs)  # depthwise multiplier
    assert any(c["x_shape"][1] == 1 for c in configs)  # single input channel
    assert {k % 2 for c in configs for k in c["w_shape"][2:]} == {0, 1}  # even and odd kernels
    assert any(c["w_shape"][2] != c["w_shape"][3] for c in configs)  # non-square kernels
    assert any(c["x_shape"][2] == 1 for c in configs)  # Conv1d-shaped
    stride, padding, dilation = (np.array([c["args"][i] for c in configs]) for i in range(3))
    assert (stride > 1).any() and (dilation > 1).any()
    assert (padding[:, 0] != padding[:, 1]).any() and (padding[:, 2] != padding[:, 3]).any()  # asymmetric
    assert any(c["args"][1] == same_padding(c["w_shape"][2], c["args"][2][0]) + same_padding(c["w_shape"][3], c["args"][2][1])
               and c["w_shape"][3] % 2 == 0 for c in configs)  # 'same' with an even kernel
    assert {c["bias"] for c in configs} == {True, False} and {c["dtype"] for c in configs} == {np.float32, np.float64}
    assert {needed for c in configs for needed in c["needs"]} == {True, False}
