"""F.unfold / F.fold and nn.Unfold / nn.Fold: against a naive-loop oracle written here, against
PyTorch (values, shapes, dtypes, node names, reprs, errors), gradients by finite differences, the
convolution-as-a-matrix-product identity, and the reference-kernel switch."""
import contextlib
import itertools

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck, gradgradcheck


def naive_unfold(x, kernel, dilation, padding, stride):
    """(N, C, H, W) -> (N, C*kH*kW, L) by the definition, one loop per index."""
    N, C, H, W = x.shape
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    oh_count = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow_count = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((N, C * kh * kw, oh_count * ow_count))
    for n, c, ki, kj, oh, ow in itertools.product(range(N), range(C), range(kh), range(kw), range(oh_count),
                                                  range(ow_count)):
        ih, iw = oh * sh - ph + ki * dh, ow * sw - pw + kj * dw
        if 0 <= ih < H and 0 <= iw < W:
            out[n, (c * kh + ki) * kw + kj, oh * ow_count + ow] = x[n, c, ih, iw]
    return out


def naive_fold(cols, size, kernel, dilation, padding, stride):
    """(N, C*kH*kW, L) -> (N, C, *size): each entry added onto the pixel it came from."""
    N, rows, _ = cols.shape
    (H, W), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = size, kernel, dilation, padding, stride
    ow_count = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((N, rows // (kh * kw), H, W))
    for n, row, block in itertools.product(range(N), range(rows), range(cols.shape[2])):
        c, ki, kj = row // (kh * kw), row // kw % kh, row % kw
        ih, iw = block // ow_count * sh - ph + ki * dh, block % ow_count * sw - pw + kj * dw
        if 0 <= ih < H and 0 <= iw < W:
            out[n, c, ih, iw] += cols[n, row, block]
    return out


def pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


# (input shape, kernel_size, dilation, padding, stride): ints and pairs, windows over every edge,
# strides that skip pixels, a batch of zero images.
CASES = [
    ((2, 3, 5, 6), (2, 3), 1, 0, 1),
    ((1, 2, 7, 5), 3, (2, 1), 1, (2, 3)),
    ((2, 1, 4, 4), (1, 2), 2, (0, 2), 3),
    ((3, 2, 3, 8), (3, 1), (1, 3), (1, 0), (1, 2)),
    ((1, 1, 1, 1), 1, 1, 0, 1),
    ((0, 2, 4, 4), 2, 1, 1, 2),
]


def _args(case):
    shape, kernel, dilation, padding, stride = case
    return shape, dict(kernel_size=kernel, dilation=dilation, padding=padding, stride=stride)


def _pairs(params):
    return [pair(params[name]) for name in ("kernel_size", "dilation", "padding", "stride")]


@pytest.mark.parametrize("case", CASES)
def test_unfold_and_fold_match_the_naive_loops(case):
    shape, params = _args(case)
    x = np.random.default_rng(0).standard_normal(shape)
    cols = F.unfold(minigrad.tensor(x), **params)
    expected = naive_unfold(x, *_pairs(params))
    assert cols.shape == expected.shape and cols.is_contiguous()
    np.testing.assert_array_equal(cols.numpy(), expected)
    c = np.random.default_rng(1).standard_normal(expected.shape)
    folded = F.fold(minigrad.tensor(c), shape[2:], **params)
    np.testing.assert_allclose(folded.numpy(), naive_fold(c, shape[2:], *_pairs(params)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES[:4])
def test_unbatched_inputs_are_one_image(case):
    shape, params = _args(case)
    x = np.random.default_rng(2).standard_normal(shape[1:])
    cols = F.unfold(minigrad.tensor(x, requires_grad=True), **params)
    np.testing.assert_array_equal(cols.detach().numpy(), naive_unfold(x[None], *_pairs(params))[0])
    assert cols.grad_fn.name() == "Im2ColBackward0"
    folded = F.fold(cols, shape[2:], **params)
    assert folded.shape == shape[1:] and folded.grad_fn.name() == "Col2ImBackward0"
    np.testing.assert_allclose(folded.detach().numpy(), naive_fold(cols.detach().numpy()[None], shape[2:],
                                                                   *_pairs(params))[0], rtol=1e-12)


@pytest.mark.parametrize("case", CASES[:4])
def test_gradcheck_and_gradgradcheck(case):
    shape, params = _args(case)
    rng = np.random.default_rng(3)
    x = minigrad.tensor(rng.standard_normal((1, *shape[1:])), requires_grad=True)
    assert gradcheck(lambda t: F.unfold(t, **params), (x,))
    assert gradgradcheck(lambda t: F.unfold(t, **params) ** 2, (x,))
    cols = minigrad.tensor(rng.standard_normal(F.unfold(x, **params).shape), requires_grad=True)
    assert gradcheck(lambda t: F.fold(t, shape[2:], **params), (cols,))
    assert gradgradcheck(lambda t: F.fold(t, shape[2:], **params) ** 2, (cols,))


def test_each_backward_is_the_other_op():
    """<unfold(x), c> == <x, fold(c)>, and the gradients are the adjoint maps."""
    rng = np.random.default_rng(4)
    params = dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(1, 2))
    x = minigrad.tensor(rng.standard_normal((2, 3, 5, 6)), requires_grad=True)
    cols = F.unfold(x, **params)
    c = minigrad.tensor(rng.standard_normal(cols.shape), requires_grad=True)
    folded = F.fold(c, (5, 6), **params)
    np.testing.assert_allclose((cols * c).sum().item(), (x * folded).sum().item(), rtol=1e-12)
    (cols * c).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), folded.detach().numpy(), rtol=1e-12)
    np.testing.assert_array_equal(c.grad.numpy(), cols.detach().numpy())


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 1), (2, 1, 1), ((2, 1), (0, 2), (1, 2)), (3, 2, 2)])
def test_convolution_is_a_matrix_product_of_the_unfolded_input(stride, padding, dilation):
    """conv2d(x, w) == (w.view(O, -1) @ unfold(x)).view(N, O, OH, OW): the learner's check."""
    rng = np.random.default_rng(5)
    x = minigrad.tensor(rng.standard_normal((2, 3, 7, 6)))
    w = minigrad.tensor(rng.standard_normal((4, 3, 3, 2)))
    out = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    cols = F.unfold(x, (3, 2), dilation=dilation, padding=padding, stride=stride)
    by_product = (w.view(4, -1) @ cols).view(2, 4, *out.shape[2:])
    np.testing.assert_allclose(by_product.numpy(), out.numpy(), rtol=1e-12, atol=1e-12)


def test_reference_kernels_give_the_same_numbers():
    rng = np.random.default_rng(6)
    params = dict(kernel_size=2, dilation=(1, 2), padding=(1, 0), stride=(2, 1))
    x = minigrad.tensor(rng.standard_normal((2, 2, 5, 5)).astype(np.float32), requires_grad=True)
    runs = []
    for reference in (False, True):
        x.grad = None
        with minigrad.use_reference_kernels() if reference else contextlib.nullcontext():
            out = F.fold(F.unfold(x, **params) * 2, (5, 5), **params)
            out.sum().backward()
        runs.append((out.detach().numpy(), x.grad.numpy()))
    for fast, slow in zip(*runs):
        assert fast.dtype == slow.dtype == np.float32
        np.testing.assert_allclose(slow, fast, rtol=1e-6)


def test_module_forward_and_attributes():
    x = minigrad.tensor(np.random.default_rng(7).standard_normal((2, 3, 4, 5)))
    unfold, fold = nn.Unfold(2, padding=1), nn.Fold((4, 5), 2, padding=1)
    assert (unfold.kernel_size, unfold.dilation, unfold.padding, unfold.stride) == (2, 1, 1, 1)
    assert fold.output_size == (4, 5) and list(unfold.parameters()) == []
    np.testing.assert_array_equal(unfold(x).numpy(), F.unfold(x, 2, padding=1).numpy())
    np.testing.assert_array_equal(fold(unfold(x)).numpy(), F.fold(F.unfold(x, 2, padding=1), (4, 5), 2,
                                                                  padding=1).numpy())


# ---- against PyTorch ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 1e-6), ("float16", 1e-3)])
@pytest.mark.parametrize("case", CASES)
def test_match_pytorch(case, dtype, tolerance):
    torch = pytest.importorskip("torch")
    shape, params = _args(case)
    x = np.random.default_rng(8).standard_normal(shape).astype(dtype)
    ours_x, theirs_x = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = F.unfold(ours_x, **params), torch.nn.functional.unfold(theirs_x, **params)
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype)[9:] == str(theirs.dtype)[6:]
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    c = np.random.default_rng(9).standard_normal(tuple(theirs.shape)).astype(dtype)
    ours_folded = F.fold(minigrad.tensor(c), shape[2:], **params)
    theirs_folded = torch.nn.functional.fold(torch.tensor(c), shape[2:], **params)
    assert ours_folded.shape == tuple(theirs_folded.shape) and str(ours_folded.dtype)[9:] == str(theirs_folded.dtype)[6:]
    np.testing.assert_allclose(ours_folded.numpy().astype(np.float64), theirs_folded.numpy().astype(np.float64),
                               rtol=tolerance, atol=tolerance)
    ours.backward(minigrad.tensor(c))
    theirs.backward(torch.tensor(c))
    np.testing.assert_allclose(ours_x.grad.numpy().astype(np.float64), theirs_x.grad.numpy().astype(np.float64),
                               rtol=tolerance, atol=tolerance)
    assert ours.grad_fn.name() == type(theirs.grad_fn).__name__ == "Im2ColBackward0"


def test_reprs_match_pytorch():
    torch = pytest.importorskip("torch")
    modules = [("Unfold", ((2, 3),), {}), ("Unfold", (2,), dict(dilation=(1, 2), padding=1, stride=2)),
               ("Fold", ((4, 5), 2), {}), ("Fold", (3, (1, 2)), dict(dilation=2, padding=(0, 1), stride=[2, 1]))]
    for name, args, kwargs in modules:
        assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


def _x(*shape, dtype="float32"):
    return np.ones(shape, dtype)


# (function, input, args, kwargs) that PyTorch refuses; each raises its exception type and message.
BAD = [
    ("unfold", _x(5), (2,), {}),
    ("unfold", _x(), (2,), {}),
    ("unfold", _x(5, 6), (2,), {}),
    ("unfold", _x(1, 2, 3, 5, 6), (2,), {}),
    ("unfold", _x(0, 5, 6), (2,), {}),
    ("unfold", _x(1, 2, 0, 6), (2,), {}),
    ("unfold", _x(1, 2, 5, 6), (0,), {}),
    ("unfold", _x(1, 2, 5, 6), ((2, -1),), {}),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(stride=0, padding=-1)),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(stride=0, dilation=-1)),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(padding=(1, -1), dilation=0)),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(stride=(1, 0))),
    ("unfold", _x(1, 2, 5, 6), ((6, 2),), {}),
    ("unfold", _x(1, 2, 5, 6), (7,), {}),
    ("unfold", _x(1, 2, 5, 6), ((2, 2, 2),), dict(dilation=(1, 1, 1))),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(dilation=(1, 1, 1), padding=(1, 2, 3))),
    ("unfold", _x(1, 2, 5, 6), ((),), {}),
    ("unfold", _x(1, 2, 5, 6), (2.0,), {}),
    ("unfold", _x(1, 2, 5, 6), ("2",), {}),
    ("unfold", _x(1, 2, 5, 6), (True,), {}),
    ("unfold", _x(1, 2, 5, 6), ((2, 2.5),), {}),
    ("unfold", _x(1, 2, 5, 6), ((2, 3, None),), {}),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(stride=1.5)),
    ("unfold", _x(1, 2, 5, 6), (2,), dict(padding=(1, 2.0))),
    ("unfold", _x(1, 2, 5, 6, dtype="int64"), (2,), {}),
    ("fold", _x(1, 8, 6), (4, 2), {}),
    ("fold", _x(4, 8), (4, 2), {}),
    ("fold", _x(1, 7, 9), (4, 2), {}),
    ("fold", _x(3, 8), (4, 2), {}),
    ("fold", _x(9), (4, 2), {}),
    ("fold", _x(), (4, 2), {}),
    ("fold", _x(1, 1, 8, 9), (4, 2), {}),
    ("fold", _x(0, 9), (4, 2), {}),
    ("fold", _x(1, 8, 0), (4, 2), {}),
    ("fold", _x(1, 0, 9), (4, 2), {}),
    ("fold", _x(1, 8, 9), (4, 0), {}),
    ("fold", _x(4, 9), (4, 2), dict(stride=0, padding=-1)),
    ("fold", _x(4, 9), (4, 2), dict(stride=0, dilation=0)),
    ("fold", _x(4, 9), (4, 2), dict(padding=-1, dilation=0)),
    ("fold", _x(1, 8, 9), (4, 2), dict(padding=(0, -1))),
    ("fold", _x(1, 4, 1), (0, 2), {}),
    ("fold", _x(1, 4, 1), ((2, -3), 2), {}),
    ("fold", _x(1, 4, 1), ((0, 0), 2), dict(padding=1)),
    ("fold", _x(1, 4, 4), ((-1, -1), 2), dict(padding=2)),
    ("fold", _x(1, 4, 9), ((4, 4, 4), (2, 2, 2)), {}),
    ("fold", _x(1, 4, 9), (4, (2,)), {}),
    ("fold", _x(1, 4, 9), (4, 2), dict(padding=(1, 1, 1))),
    ("fold", _x(1, 4, 9), ((4, 4.0), 2), {}),
    ("fold", _x(1, 4, 9), ((4.0, 4), 2), {}),
    ("fold", _x(1, 4, 9), (4, 2.5), {}),
    ("fold", _x(1, 4, 9, dtype="int32"), (4, 2), {}),
]


@pytest.mark.parametrize("fn, x, args, kwargs", BAD, ids=lambda v: v if isinstance(v, str) else None)
def test_bad_input_raises_pytorchs_errors(fn, x, args, kwargs):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        getattr(torch.nn.functional, fn)(torch.tensor(x), *args, **kwargs)
    with pytest.raises(type(theirs.value)) as ours:
        getattr(F, fn)(minigrad.tensor(x), *args, **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("fn", ["unfold", "fold"])
def test_non_tensor_input(fn):
    torch = pytest.importorskip("torch")
    args = (2,) if fn == "unfold" else (4, 2)
    with pytest.raises(TypeError) as theirs:
        getattr(torch.nn.functional, fn)([1.0, 2.0], *args)
    with pytest.raises(TypeError, match="must be Tensor") as ours:
        getattr(F, fn)([1.0, 2.0], *args)
    assert str(ours.value) == str(theirs.value)
