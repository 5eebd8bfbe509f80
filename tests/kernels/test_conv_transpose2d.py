"""conv_transpose2d_forward / _backward against the naive float64 scatter reference
(minigrad.kernels.reference.conv_transpose2d), the adjoint identity with conv2d, hand-computed
all-ones cases, and randomized PyTorch autograd parity."""
import numpy as np
import pytest

from minigrad.kernels.conv2d import conv2d_forward
from minigrad.kernels.conv_transpose2d import (
    conv_transpose2d_backward,
    conv_transpose2d_forward,
    conv_transpose2d_output_size,
)
from minigrad.kernels.reference.conv_transpose2d import conv_transpose2d_backward as naive_conv_transpose2d_grads
from minigrad.kernels.reference.conv_transpose2d import conv_transpose2d_forward as naive_conv_transpose2d


def check_against_naive(x_shape, w_shape, stride, padding, output_padding, dilation, groups, dtype=np.float64):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[1] * groups).astype(dtype)
    args = (stride, padding, output_padding, dilation, groups)
    out = conv_transpose2d_forward(x, w, b, *args)
    assert out.dtype == dtype
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out, naive_conv_transpose2d(x, w, b, *args), **tol)
    g = rng.standard_normal(out.shape).astype(dtype)
    grads = conv_transpose2d_backward(g, x, w, *args)
    for got, want, like in zip(grads, naive_conv_transpose2d_grads(g, x, w, *args), (x, w, b)):
        assert got.shape == like.shape and got.dtype == dtype
        np.testing.assert_allclose(got, want, **tol)
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_padding(dtype):
    # output_padding adds rows/columns at the bottom/right; with stride 3 and pad 0 the last
    # ones are reached by no input, so they hold just the bias.
    out = check_against_naive((2, 2, 3, 4), (2, 3, 2, 2), (3, 2), (0, 1), (2, 1), (1, 1), 1, dtype=dtype)
    assert out.shape == (2, 3, 3 * 2 + 2 + 2, 3 * 2 - 2 + 1 + 1 + 1)
    # output_padding >= stride is allowed while it is < dilation (the input gradient is cropped).
    check_against_naive((1, 2, 3, 3), (2, 2, 2, 2), (1, 1), (0, 0), (2, 1), (3, 2), 1, dtype=dtype)


def test_grouped_strided_dilated():
    check_against_naive((2, 4, 3, 4), (4, 3, 3, 2), (2, 3), (1, 1), (1, 0), (2, 1), 2)


def test_depthwise_with_and_without_multiplier():
    check_against_naive((2, 3, 4, 3), (3, 1, 3, 3), (2, 1), (1, 0), (0, 0), (1, 2), 3)
    check_against_naive((2, 3, 4, 3), (3, 2, 2, 3), (1, 2), (0, 1), (0, 1), (2, 1), 3)


def test_all_ones_strided():
    # Two 3x3 footprints per axis, stride 2, overlapping on the middle row/column of a 5x5 output:
    # per axis coverage [1, 1, 2, 1, 1], in 2-D its outer product.
    out = conv_transpose2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), None, (2, 2), (0, 0), (0, 0), (1, 1), 1)
    np.testing.assert_array_equal(out[0, 0], np.outer([1, 1, 2, 1, 1], [1, 1, 2, 1, 1]))


def test_all_ones_grouped_with_output_padding():
    # 2 groups of 2 input channels; every output channel sums its group's 2 input channels.
    out = conv_transpose2d_forward(np.ones((1, 4, 2, 2)), np.ones((4, 3, 2, 2)), None, (2, 2), (0, 0), (1, 1), (1, 1), 2)
    assert out.shape == (1, 6, 5, 5)
    expected = np.zeros((5, 5))
    expected[:4, :4] = 2  # stride == kernel: footprints tile the first 4x4 exactly once
    np.testing.assert_array_equal(out[0], np.broadcast_to(expected, (6, 5, 5)))


@pytest.mark.parametrize("groups,w_shape", [(1, (3, 2, 3, 2)), (3, (3, 1, 2, 3)), (3, (3, 2, 3, 3))])
def test_is_adjoint_of_conv2d(groups, w_shape):
    """<conv2d(z, W), x> == <z, conv_transpose2d(x, W)> for the same W, stride, padding, dilation."""
    rng = np.random.default_rng(3)
    stride, padding, dilation = (2, 1), (1, 2), (1, 2)
    z = rng.standard_normal((2, w_shape[1] * groups, 9, 10))
    w = rng.standard_normal(w_shape)
    conv = conv2d_forward(z, w, None, stride, (1, 1, 2, 2), dilation, groups)
    x = rng.standard_normal(conv.shape)
    out_hw = conv_transpose2d_output_size(x.shape[2:], w.shape[2:], stride, padding, (0, 0), dilation)
    op = (9 - out_hw[0], 10 - out_hw[1])  # output_padding recovering z's size
    t = conv_transpose2d_forward(x, w, None, stride, padding, op, dilation, groups)
    assert t.shape == z.shape
    assert np.isclose(np.sum(conv * x), np.sum(z * t), rtol=1e-12)


@pytest.mark.parametrize("groups,w_shape", [(1, (4, 3, 3, 3)), (4, (4, 1, 3, 3))])
def test_deterministic_per_thread_count(check_thread_counts, conv_path, groups, w_shape):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 4, 7, 6)).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    args = ((2, 2), (1, 0), (1, 1), (1, 1), groups)
    g = rng.standard_normal(conv_transpose2d_forward(x, w, None, *args).shape).astype(np.float32)
    check_thread_counts(
        lambda: (conv_transpose2d_forward(x, w, None, *args),) + conv_transpose2d_backward(g, x, w, *args))


@pytest.mark.parametrize("seed", range(100))
def test_matches_torch_autograd(seed, conv_path):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1000 + seed)
    groups = int(rng.choice([1, 1, 2, 3]))
    C_in, C_out = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4))
    hw = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    k = tuple(int(v) for v in rng.integers(1, 4, 2))
    stride = tuple(int(v) for v in rng.integers(1, 4, 2))
    dilation = tuple(int(v) for v in rng.integers(1, 3, 2))
    padding = tuple(int(rng.integers(0, d * (kk - 1) + 1)) for d, kk in zip(dilation, k))
    output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
    if min(conv_transpose2d_output_size(hw, k, stride, padding, output_padding, dilation)) < 1:
        padding = (0, 0)
    dtype = np.float32 if rng.random() < 0.5 else np.float64
    x = rng.standard_normal((int(rng.integers(1, 3)), C_in) + hw).astype(dtype)
    w = rng.standard_normal((C_in, C_out // groups) + k).astype(dtype)
    b = rng.standard_normal(C_out).astype(dtype)
    args = (stride, padding, output_padding, dilation, groups)

    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv_transpose2d(tx, tw, tb, stride, padding, output_padding, groups, dilation)
    g = rng.standard_normal(tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(g))

    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    msg = str((x.shape, w.shape, args))
    np.testing.assert_allclose(conv_transpose2d_forward(x, w, b, *args), ty.detach().numpy(), **tol, err_msg=msg)
    for got, t in zip(conv_transpose2d_backward(g, x, w, *args), (tx, tw, tb)):
        np.testing.assert_allclose(got, t.grad.numpy(), **tol, err_msg=msg)
