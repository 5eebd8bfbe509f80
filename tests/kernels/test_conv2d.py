"""conv2d_forward / conv2d_backward (dense, grouped, depthwise) against the naive float64 loop
reference (minigrad.kernels.reference.conv2d) and its term-by-term backward, hand-computed all-ones
cases, the golden 'same' example, and randomized PyTorch autograd parity."""
import numpy as np
import pytest

from minigrad.kernels import conv2d as conv2d_module
from minigrad.kernels.conv2d import conv2d_backward, conv2d_forward, conv2d_output_size
from minigrad.kernels.reference.conv2d import conv2d_backward as naive_conv2d_grads
from minigrad.kernels.reference.conv2d import conv2d_forward as naive_conv2d


def check_against_naive(x_shape, w_shape, stride, padding, dilation, groups, bias=True, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype) if bias else None
    out = conv2d_forward(x, w, b, stride, padding, dilation, groups)
    assert out.dtype == dtype
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out, naive_conv2d(x, w, b, stride, padding, dilation, groups), **tol)
    g = rng.standard_normal(out.shape).astype(dtype)
    grads = conv2d_backward(g, x, w, stride, padding, dilation, groups)
    expected = naive_conv2d_grads(g, x, w, stride, padding, dilation, groups)
    for got, want, like in zip(grads, expected, (x, w, w[:, 0, 0, 0])):
        assert got.shape == like.shape and got.dtype == dtype
        np.testing.assert_allclose(got, want, **tol)
    return grads


# ---- named cases against the naive reference ------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grouped_weight_grad_stride2_pad1_many_groups(dtype):
    check_against_naive((2, 8, 7, 7), (16, 1, 3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 8, dtype=dtype)  # depthwise x2
    check_against_naive((2, 12, 7, 6), (6, 2, 3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 6, dtype=dtype)  # im2col path


def test_input_grad_with_groups_and_stride():
    check_against_naive((2, 4, 9, 8), (6, 2, 3, 2), (2, 3), (0, 0, 0, 0), (1, 1), 2)


def test_input_grad_shape_with_dilation():
    gx, _, _ = check_against_naive((1, 2, 9, 7), (3, 2, 3, 3), (1, 1), (0, 0, 0, 0), (3, 2), 1)
    assert gx.shape == (1, 2, 9, 7)


@pytest.mark.parametrize("groups", [1, 3])  # im2col/col2im path and depthwise path
def test_input_grad_when_stride_leaves_rows_unread(groups):
    # H + 2p - d(k-1) - 1 = 8 - 2 - 1 = 5, not a multiple of the stride 2: the last row and
    # column of x are never read, so their gradient is exactly zero.
    gx, _, _ = check_against_naive((2, 3, 8, 8), (3, 3 // groups, 3, 3), (2, 2), (0, 0, 0, 0), (1, 1), groups)
    assert gx.shape == (2, 3, 8, 8)
    assert np.all(gx[:, :, -1, :] == 0) and np.all(gx[:, :, :, -1] == 0)
    assert np.all(gx[:, :, -2, :-1] != 0)


def test_even_kernel_asymmetric_same_padding():
    # PyTorch's padding='same' for kernel (2, 4): total pad (1, 3) split as top 0 / bottom 1,
    # left 1 / right 2, so the output keeps the input size.
    gx, _, _ = check_against_naive((2, 2, 5, 6), (3, 2, 2, 4), (1, 1), (0, 1, 1, 2), (1, 1), 1)
    assert conv2d_output_size((5, 6), (2, 4), (1, 1), (0, 1, 1, 2), (1, 1)) == (5, 6)


def test_non_square_kernel_with_per_axis_dilation():
    check_against_naive((2, 3, 8, 9), (4, 3, 2, 3), (1, 2), (1, 0, 2, 1), (3, 2), 1)
    check_against_naive((2, 3, 8, 9), (6, 1, 3, 2), (2, 1), (0, 2, 1, 1), (2, 3), 3)


@pytest.mark.parametrize("groups", [1, 2])
def test_pointwise_reads_the_images_in_place(groups):
    # 1x1, stride 1, no padding: each image is its own unfolding (no copy); dilation is irrelevant.
    check_against_naive((3, 4, 5, 6), (6, 4 // groups, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1), groups)
    check_against_naive((2, 4, 5, 6), (6, 4 // groups, 1, 1), (1, 1), (0, 0, 0, 0), (2, 3), groups, dtype=np.float32)


def test_conv1d_as_height_one():
    check_against_naive((3, 4, 1, 11), (6, 2, 1, 3), (1, 2), (0, 0, 2, 1), (1, 2), 2)


# ---- hand-computed cases ---------------------------------------------------------------------


def test_golden_same_padding_even_kernel():
    x = np.array([[4, 1, 7, 5], [4, 4, 2, 5], [7, 7, 2, 4], [1, 0, 2, 4]], np.float64)[None, None]
    w = np.array([[1, 0], [2, 1]], np.float64)[None, None]
    out = conv2d_forward(x, w, None, (1, 1), (0, 1, 0, 1), (1, 1), 1)
    expected = [[16, 11, 16, 15], [25, 20, 10, 13], [9, 9, 10, 12], [1, 0, 2, 4]]
    np.testing.assert_array_equal(out[0, 0], expected)


def test_all_ones_grouped():
    # Each output sums 3x3 taps over the 2 input channels of its group: 18 everywhere.
    out = conv2d_forward(np.ones((1, 4, 4, 4)), np.ones((4, 2, 3, 3)), None, (1, 1), (0,) * 4, (1, 1), 2)
    np.testing.assert_array_equal(out, np.full((1, 4, 2, 2), 18.0))
    # Gradient of ones: each input element is read by (its windows) x (2 output channels).
    gx, gw, gb = conv2d_backward(np.ones((1, 4, 2, 2)), np.ones((1, 4, 4, 4)), np.ones((4, 2, 3, 3)),
                                 (1, 1), (0,) * 4, (1, 1), 2)
    windows = np.outer([1, 2, 2, 1], [1, 2, 2, 1])
    np.testing.assert_array_equal(gx, np.broadcast_to(2 * windows, (1, 4, 4, 4)))
    np.testing.assert_array_equal(gw, np.full((4, 2, 3, 3), 4.0))
    np.testing.assert_array_equal(gb, np.full(4, 4.0))


def test_all_ones_depthwise_on_arange():
    # x[c] = arange(16).reshape(4, 4) + 16c, kernel of ones, multiplier 2: each output is the sum
    # of a 3x3 window, [[45, 54], [81, 90]] + 9*16c, for both output channels of channel c.
    x = (np.arange(16.0).reshape(4, 4) + 16 * np.arange(3)[:, None, None])[None]
    out = conv2d_forward(x, np.ones((6, 1, 3, 3)), None, (1, 1), (0,) * 4, (1, 1), 3)
    expected = np.array([[45, 54], [81, 90]]) + 144 * np.arange(3)[:, None, None]
    np.testing.assert_array_equal(out[0], np.repeat(expected, 2, axis=0))


def test_all_ones_dilated_on_arange():
    # 2x2 kernel of ones with dilation 2 on x[i, j] = 5i + j:
    # x[i, j] + x[i, j+2] + x[i+2, j] + x[i+2, j+2] = 20i + 4j + 24.
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    out = conv2d_forward(x, np.ones((1, 1, 2, 2)), None, (1, 1), (0,) * 4, (2, 2), 1)
    i, j = np.indices((3, 3))
    np.testing.assert_array_equal(out[0, 0], 20 * i + 4 * j + 24)


@pytest.mark.parametrize("c_in,groups", [(1, 1), (2, 1), (2, 2)])  # GEMM K=9, GEMM, depthwise
def test_all_ones_strided_padded(c_in, groups):
    # 3x3 ones, stride 2, padding 1 on a 5x5 ones image: corner windows see 2x2 of the image,
    # edge windows 2x3, the centre 3x3 (times the input channels of the group).
    w = np.ones((2, c_in // groups, 3, 3))
    out = conv2d_forward(np.ones((1, c_in, 5, 5)), w, np.array([0.5, 0.5]), (2, 2), (1,) * 4, (1, 1), groups)
    expected = (c_in // groups) * np.array([[4, 6, 4], [6, 9, 6], [4, 6, 4]]) + 0.5
    np.testing.assert_array_equal(out[0], np.broadcast_to(expected, (2, 3, 3)))


def test_conv1d_all_ones_on_arange():
    out = conv2d_forward(np.arange(6.0).reshape(1, 1, 1, 6), np.ones((1, 1, 1, 3)), None, (1, 1), (0,) * 4, (1, 1), 1)
    np.testing.assert_array_equal(out[0, 0, 0], [3, 6, 9, 12])


# ---- adjoint identity, float32 accuracy ------------------------------------------------------


@pytest.mark.parametrize("groups,w_shape", [(1, (4, 3, 3, 2)), (3, (6, 1, 2, 3))])
def test_backward_is_adjoint_of_forward(groups, w_shape):
    """The convolution is linear in x and in w: <g, conv(x, w)> == <x, grad_x> == <w, grad_w>."""
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal(w_shape)
    args = ((2, 1), (1, 0, 2, 1), (1, 2), groups)
    out = conv2d_forward(x, w, None, *args)
    g = rng.standard_normal(out.shape)
    gx, gw, _ = conv2d_backward(g, x, w, *args)
    assert np.isclose(np.sum(g * out), np.sum(x * gx), rtol=1e-12)
    assert np.isclose(np.sum(g * out), np.sum(w * gw), rtol=1e-12)


@pytest.mark.parametrize("groups,w_shape", [(1, (4, 3, 3, 3)), (3, (6, 1, 3, 3))])
def test_float32_long_sums_stay_accurate(groups, w_shape):
    # The weight and bias gradients sum over N*OH*OW = 8*40*40 terms.
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((8, 3, 42, 42)), rng.standard_normal(w_shape)
    g = rng.standard_normal((8, w_shape[0], 40, 40))
    args = ((1, 1), (0,) * 4, (1, 1), groups)
    want = conv2d_backward(g, x, w, *args)
    got = conv2d_backward(g.astype(np.float32), x.astype(np.float32), w.astype(np.float32), *args)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5 * np.abs(b).max())


def test_batch_chunks_one_image_at_a_time(monkeypatch):
    # A budget below one image's im2col makes every image its own chunk: the weight gradient then
    # sums over chunks and each chunk writes its own slice of the output and the input gradient.
    monkeypatch.setattr(conv2d_module, "COLS_BUDGET_BYTES", 1)
    check_against_naive((3, 4, 6, 5), (4, 2, 3, 2), (2, 1), (1, 0, 1, 1), (1, 2), 2)


def test_needs_flags_skip_work():
    x, w = np.ones((1, 2, 4, 4)), np.ones((2, 2, 3, 3))
    assert conv2d_backward(np.ones((1, 2, 2, 2)), x, w, (1, 1), (0,) * 4, (1, 1), 1, False, False, False) == (None, None, None)
    gx, gw, gb = conv2d_backward(np.ones((1, 2, 2, 2)), x, w, (1, 1), (0,) * 4, (1, 1), 1, True, False, False)
    assert gx.shape == x.shape and gw is None and gb is None


# ---- races -----------------------------------------------------------------------------------


@pytest.mark.parametrize("groups,w_shape", [(1, (6, 4, 3, 3)), (2, (6, 2, 3, 3)), (4, (8, 1, 3, 3))])
def test_deterministic_per_thread_count(check_thread_counts, conv_path, groups, w_shape, monkeypatch):
    # A budget of one image per chunk: every thread's slice runs several chunks.
    monkeypatch.setattr(conv2d_module, "COLS_BUDGET_BYTES", 1)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((9, 4, 11, 10)).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    args = ((2, 1), (1, 1, 2, 0), (1, 2), groups)
    g = rng.standard_normal(conv2d_forward(x, w, None, *args).shape).astype(np.float32)
    check_thread_counts(
        lambda: (conv2d_forward(x, w, None, *args),) + conv2d_backward(g, x, w, *args))


# ---- randomized PyTorch parity ---------------------------------------------------------------


def random_config(rng):
    """A small random convolution: groups with 1-3 input and output channels each (so depthwise
    with channel multipliers and C_in == 1 occur), kernels, strides, dilations and asymmetric
    paddings per axis, H == 1 (conv1d) sometimes."""
    while True:
        groups = int(rng.choice([1, 1, 2, 3, 4]))
        cg, og = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        H = 1 if rng.random() < 0.15 else int(rng.integers(1, 9))
        W = int(rng.integers(1, 9))
        kH = 1 if H == 1 else int(rng.integers(1, 4))
        kW = int(rng.integers(1, 4))
        stride = tuple(int(s) for s in rng.integers(1, 4, 2))
        dilation = (1 if kH == 1 else int(rng.integers(1, 3)), int(rng.integers(1, 4)))
        padding = tuple(int(p) for p in rng.integers(0, 3, 4))
        if H == 1:
            padding = (0, 0) + padding[2:]
        OH, OW = conv2d_output_size((H, W), (kH, kW), stride, padding, dilation)
        if OH >= 1 and OW >= 1:
            return dict(
                N=int(rng.integers(1, 4)), C_in=groups * cg, C_out=groups * og, hw=(H, W), k=(kH, kW),
                stride=stride, padding=padding, dilation=dilation, groups=groups,
                bias=bool(rng.random() < 0.7), dtype=np.float32 if rng.random() < 0.5 else np.float64,
            )


@pytest.mark.parametrize("seed", range(200))
def test_matches_torch_autograd(seed, conv_path):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    c = random_config(rng)
    x = rng.standard_normal((c["N"], c["C_in"]) + c["hw"]).astype(c["dtype"])
    w = rng.standard_normal((c["C_out"], c["C_in"] // c["groups"]) + c["k"]).astype(c["dtype"])
    b = rng.standard_normal(c["C_out"]).astype(c["dtype"]) if c["bias"] else None
    args = (c["stride"], c["padding"], c["dilation"], c["groups"])

    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True) if c["bias"] else None
    top, bottom, left, right = c["padding"]
    ty = F.conv2d(F.pad(tx, (left, right, top, bottom)), tw, tb, c["stride"], 0, c["dilation"], c["groups"])
    g = rng.standard_normal(tuple(ty.shape)).astype(c["dtype"])
    ty.backward(torch.tensor(g))

    tol = dict(rtol=1e-4, atol=1e-4) if c["dtype"] == np.float32 else dict(rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(conv2d_forward(x, w, b, *args), ty.detach().numpy(), **tol, err_msg=str(c))
    gx, gw, gb = conv2d_backward(g, x, w, *args, needs_bias_grad=c["bias"])
    np.testing.assert_allclose(gx, tx.grad.numpy(), **tol, err_msg=str(c))
    np.testing.assert_allclose(gw, tw.grad.numpy(), **tol, err_msg=str(c))
    if c["bias"]:
        np.testing.assert_allclose(gb, tb.grad.numpy(), **tol, err_msg=str(c))
