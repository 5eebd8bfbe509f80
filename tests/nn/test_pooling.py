"""Pooling layers and their functional forms: float64 gradcheck across every parameter class,
max-pool tie and overlap gradients, randomized PyTorch parity (outputs, indices, input gradients),
reprs, signatures, shapes, and PyTorch's errors for bad arguments."""
import inspect

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck
from minigrad.kernels.pool_output_size import pool_output_size


def distinct(*shape, seed=0):
    """A float64 leaf with well-separated values, so no max-pool window has a near tie that the
    finite differences of gradcheck could flip."""
    values = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape)
    return mg.tensor(values * 0.1 - 1.0, dtype=mg.float64, requires_grad=True)


# ---- gradcheck ---------------------------------------------------------------------------------

def _first(result):
    return result[0] if isinstance(result, tuple) else result


GRADCHECK_LAYERS = {
    "max2d": (nn.MaxPool2d(2), (2, 2, 4, 4)),
    "max2d_overlap_padding": (nn.MaxPool2d(3, stride=1, padding=1), (1, 2, 4, 5)),
    "max2d_dilation": (nn.MaxPool2d(2, stride=1, dilation=2), (1, 1, 5, 5)),
    "max2d_ceil_mode": (nn.MaxPool2d(2, ceil_mode=True), (1, 2, 5, 5)),
    "max2d_rectangular": (nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 0)), (2, 1, 4, 5)),
    "max2d_return_indices": (nn.MaxPool2d(2, return_indices=True), (1, 2, 4, 4)),
    "max2d_unbatched": (nn.MaxPool2d(2, stride=1), (2, 3, 3)),
    "max1d": (nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True), (2, 2, 8)),
    "max1d_unbatched_indices": (nn.MaxPool1d(2, return_indices=True), (3, 6)),
    "avg2d": (nn.AvgPool2d(2), (2, 2, 4, 4)),
    "avg2d_padding_include_pad": (nn.AvgPool2d(3, stride=2, padding=1), (1, 2, 5, 5)),
    "avg2d_padding_exclude_pad": (nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 2, 5, 5)),
    "avg2d_ceil_mode": (nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False), (1, 1, 5, 3)),
    "avg2d_divisor_override": (nn.AvgPool2d((2, 3), stride=1, padding=1, divisor_override=4), (1, 2, 3, 4)),
    "avg2d_unbatched": (nn.AvgPool2d(2, stride=1), (2, 3, 3)),
    "avg1d": (nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 2, 7)),
    "adaptive_avg2d_overlapping": (nn.AdaptiveAvgPool2d((3, 2)), (2, 2, 7, 5)),
    "adaptive_avg2d_none_entry": (nn.AdaptiveAvgPool2d((None, 2)), (1, 2, 3, 5)),
    "adaptive_avg2d_upsizing": (nn.AdaptiveAvgPool2d(5), (1, 1, 3, 2)),
    "adaptive_avg2d_global_unbatched": (nn.AdaptiveAvgPool2d(1), (3, 4, 4)),
    "adaptive_avg1d": (nn.AdaptiveAvgPool1d(3), (2, 2, 7)),
    "adaptive_max2d": (nn.AdaptiveMaxPool2d((3, 2)), (2, 2, 7, 5)),
    "adaptive_max2d_indices_unbatched": (nn.AdaptiveMaxPool2d(2, return_indices=True), (2, 5, 4)),
    "adaptive_max1d": (nn.AdaptiveMaxPool1d(4), (2, 2, 9)),
}


@pytest.mark.parametrize("name", GRADCHECK_LAYERS)
def test_layer_gradcheck(name):
    layer, shape = GRADCHECK_LAYERS[name]
    assert gradcheck(lambda x: _first(layer(x)), (distinct(*shape),))


# Non-overlapping windows only: with overlapping ones an index can repeat, the forward scatter keeps
# one of the values and the (PyTorch) gather backward is then not the derivative.
@pytest.mark.parametrize("stride, padding, output_size", [(2, 0, None), (2, 0, (5, 5)), (2, 1, (2, 2, 5, 5))])
def test_max_unpool2d_gradcheck(stride, padding, output_size):
    x = distinct(2, 2, 4, 4)
    pooled, indices = F.max_pool2d(x.detach(), 2, stride=stride, padding=padding, return_indices=True)
    unpool = nn.MaxUnpool2d(2, stride=stride, padding=padding)
    values = pooled.clone().requires_grad_()
    assert gradcheck(lambda v: unpool(v, indices, output_size), (values,))


def test_max_unpool1d_gradcheck_and_round_trip():
    x = distinct(2, 3, 8)
    pooled, indices = nn.MaxPool1d(2, return_indices=True)(x)
    restored = nn.MaxUnpool1d(2)(pooled, indices)
    # Every pooled maximum is back where it came from; everything else is zero.
    kept = restored.detach().numpy() != 0
    np.testing.assert_array_equal(restored.detach().numpy()[kept], x.detach().numpy()[kept])
    assert kept.sum() == pooled.numel()
    values = pooled.detach().clone().requires_grad_()
    assert gradcheck(lambda v: F.max_unpool1d(v, indices, 2), (values,))


# ---- max-pool gradient routing -----------------------------------------------------------------

def test_max_pool_ties_send_the_gradient_to_the_first_maximum_only():
    x = mg.tensor([[[[1.0, 1.0, 0.0, 2.0],
                     [1.0, 1.0, 2.0, 2.0]]]], requires_grad=True)
    out, indices = F.max_pool2d(x, 2, return_indices=True)
    out.backward(mg.tensor([[[[10.0, 20.0]]]]))
    np.testing.assert_array_equal(indices.numpy(), [[[[0, 3]]]])  # first in row-major scan order
    np.testing.assert_array_equal(x.grad.numpy(), [[[[10.0, 0.0, 0.0, 20.0],
                                                     [0.0, 0.0, 0.0, 0.0]]]])


def test_max_pool_overlapping_windows_sum_the_gradients_of_a_shared_maximum():
    # The centre 9 wins every 2x2 window of stride 1, so it collects all four output gradients.
    x = mg.tensor([[[[1.0, 2.0, 3.0],
                     [4.0, 9.0, 5.0],
                     [6.0, 7.0, 8.0]]]], requires_grad=True)
    out = F.max_pool2d(x, kernel_size=2, stride=1)
    np.testing.assert_array_equal(out.detach().numpy(), np.full((1, 1, 2, 2), 9.0))
    out.backward(mg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 10.0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_overlapping_ties_route_each_window_to_its_own_first_maximum():
    x = mg.ones(1, 1, 3, 3, requires_grad=True)
    F.max_pool2d(x, 2, stride=1).sum().backward()
    # Window (i, j) picks its top-left element (i, j).
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_window_entirely_in_the_padding_gives_minus_inf_and_no_gradient():
    x = mg.randn(1, 3, 1, requires_grad=True)
    out = F.max_pool1d(x, kernel_size=2, stride=3, padding=1, dilation=2, ceil_mode=True)  # taps at -1 and 1
    np.testing.assert_array_equal(out.detach().numpy(), np.full((1, 3, 1), -np.inf))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((1, 3, 1)))


# ---- randomized PyTorch parity -----------------------------------------------------------------

def _has_all_padding_window(size, kernel, stride, padding, dilation, ceil_mode):
    """Whether some window's dilated taps all miss the input (PyTorch's backward then writes that
    window's gradient into the neighbouring plane, so such configurations are not compared)."""
    out = pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    return any(all(not 0 <= o * stride - padding + j * dilation < size for j in range(kernel)) for o in range(out))


def _max_pool_config(rng, dims):
    while True:
        kernel = tuple(int(k) for k in rng.integers(1, 4, dims))
        dilation = tuple(int(d) for d in rng.integers(1, 3, dims))
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        stride = tuple(int(s) for s in rng.integers(1, 4, dims))
        sizes = tuple(int(rng.integers(max(1, d * (k - 1) + 1 - 2 * p), d * (k - 1) + 7))
                      for k, d, p in zip(kernel, dilation, padding))
        ceil_mode = bool(rng.random() < 0.5)
        if not any(_has_all_padding_window(*axis, ceil_mode) for axis in zip(sizes, kernel, stride, padding, dilation)):
            break
    kwargs = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
                  return_indices=bool(rng.random() < 0.5), ceil_mode=ceil_mode)
    return kwargs, sizes


def _avg_pool_config(rng, dims):
    kernel = tuple(int(k) for k in rng.integers(1, 5, dims))
    padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
    sizes = tuple(int(rng.integers(max(1, k - 2 * p), k + 6)) for k, p in zip(kernel, padding))
    kwargs = dict(kernel_size=kernel, stride=tuple(int(s) for s in rng.integers(1, 4, dims)), padding=padding,
                  ceil_mode=bool(rng.random() < 0.5), count_include_pad=bool(rng.random() < 0.5))
    if dims == 2 and rng.random() < 0.3:
        kwargs["divisor_override"] = int(rng.integers(1, 6))
    return kwargs, sizes


def _adaptive_config(rng, dims, with_indices):
    sizes = tuple(int(n) for n in rng.integers(1, 9, dims))
    output = [int(o) for o in rng.integers(1, 7, dims)]
    if dims == 2 and rng.random() < 0.2:
        output[int(rng.integers(0, 2))] = None
    kwargs = dict(output_size=tuple(output) if dims == 2 else output[0])
    if with_indices:
        kwargs["return_indices"] = bool(rng.random() < 0.5)
    return kwargs, sizes


def _pool_case(seed):
    """(layer name, constructor kwargs, input shape) for a seeded random configuration."""
    rng = np.random.default_rng(seed)
    name = ["MaxPool2d", "MaxPool1d", "AvgPool2d", "AvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool1d",
            "AdaptiveMaxPool2d", "AdaptiveMaxPool1d"][seed % 8]
    dims = 1 if name.endswith("1d") else 2
    if name.startswith("MaxPool"):
        kwargs, sizes = _max_pool_config(rng, dims)
    elif name.startswith("AvgPool"):
        kwargs, sizes = _avg_pool_config(rng, dims)
    else:
        kwargs, sizes = _adaptive_config(rng, dims, with_indices="Max" in name)
    if dims == 1:
        kwargs = {k: v[0] if isinstance(v, tuple) else v for k, v in kwargs.items()}
    leading = (int(rng.integers(1, 3)), int(rng.integers(1, 4)))[int(rng.random() < 0.3):]  # unbatched too
    return name, kwargs, leading + sizes


def _compare_with_torch(torch, ours, theirs, x, rtol=1e-4, atol=1e-5):
    """Run both layers on the same float32 input; compare outputs, indices and input gradients."""
    xm = mg.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out_m, out_t = ours(xm), theirs(xt)
    outs_m = out_m if isinstance(out_m, tuple) else (out_m,)
    outs_t = out_t if isinstance(out_t, tuple) else (out_t,)
    assert len(outs_m) == len(outs_t)
    for a, b in zip(outs_m, outs_t):
        assert a.shape == tuple(b.shape) and a.dtype.name == str(b.dtype).removeprefix("torch.")
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol)
    grad = np.random.default_rng(1).standard_normal(outs_t[0].shape).astype(np.float32)
    outs_m[0].backward(mg.tensor(grad))
    outs_t[0].backward(torch.tensor(grad))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("seed", range(96))
def test_pooling_layers_match_torch(seed):
    torch = pytest.importorskip("torch")
    name, kwargs, shape = _pool_case(seed)
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    _compare_with_torch(torch, getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs), x)


@pytest.mark.parametrize("seed", range(12))
def test_max_unpool2d_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    kwargs, (h, w) = _max_pool_config(rng, 2)
    kwargs.update(dilation=1, return_indices=True, ceil_mode=False)
    x = rng.standard_normal((2, 3, h + 2, w + 2)).astype(np.float32)
    pooled_t, indices_t = torch.nn.MaxPool2d(**kwargs)(torch.tensor(x))
    pooled_m, indices_m = nn.MaxPool2d(**kwargs)(mg.tensor(x))
    np.testing.assert_array_equal(indices_m.numpy(), indices_t.numpy())
    unpool_args = dict(kernel_size=kwargs["kernel_size"], stride=kwargs["stride"], padding=kwargs["padding"])
    output_size = x.shape[-2:] if seed % 2 else x.shape  # spatial only, or led by N and C
    ours, theirs = nn.MaxUnpool2d(**unpool_args), torch.nn.MaxUnpool2d(**unpool_args)
    _compare_with_torch(torch, lambda v: ours(v, indices_m, output_size),
                        lambda v: theirs(v, indices_t, output_size), pooled_t.numpy())


# ---- shapes, dtypes, graph -----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_dtype_is_preserved_and_indices_are_int64(dtype):
    x = mg.randn(1, 2, 4, 4, dtype=dtype)
    out, indices = F.max_pool2d(x, 2, return_indices=True)
    assert out.dtype == dtype and indices.dtype == mg.int64
    assert F.avg_pool2d(x, 2).dtype == dtype
    assert F.adaptive_avg_pool2d(x, 3).dtype == dtype
    assert F.max_unpool2d(out, indices, 2).dtype == dtype


def test_grad_fn_names_match_torch():
    x = mg.randn(1, 2, 4, 4, requires_grad=True)
    out, indices = F.max_pool2d(x, 2, return_indices=True)
    assert out.grad_fn.name() == "MaxPool2DWithIndicesBackward0" and indices.grad_fn is None
    assert F.avg_pool2d(x, 2).grad_fn.name() == "AvgPool2DBackward0"
    assert F.adaptive_avg_pool2d(x, 3).grad_fn.name() == "AdaptiveAvgPool2DBackward0"
    assert F.adaptive_max_pool2d(x, 3).grad_fn.name() == "AdaptiveMaxPool2DBackward0"
    assert F.max_unpool2d(out, indices, 2).grad_fn.name() == "MaxUnpool2DBackward0"
    assert F.max_pool2d(x[0], 2).grad_fn.name() == "MaxPool2DWithIndicesBackward0"  # unbatched too


def test_empty_batch_and_empty_adaptive_output():
    x = mg.randn(0, 2, 4, 4, requires_grad=True)
    assert F.max_pool2d(x, 2).shape == (0, 2, 2, 2)
    assert F.avg_pool2d(x, 2).shape == (0, 2, 2, 2)
    y = mg.randn(2, 3, 4, 4, requires_grad=True)
    out = F.adaptive_avg_pool2d(y, 0)
    assert out.shape == (2, 3, 0, 0)
    out.sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), np.zeros((2, 3, 4, 4)))
    assert F.adaptive_max_pool1d(mg.randn(2, 5), 0).shape == (2, 0)


def test_module_forward_returns_indices_when_asked():
    out, indices = nn.MaxPool2d(2, return_indices=True)(mg.randn(1, 1, 4, 4))
    assert out.shape == indices.shape == (1, 1, 2, 2)
    out, indices = nn.AdaptiveMaxPool1d(2, return_indices=True)(mg.randn(1, 6))
    assert out.shape == indices.shape == (1, 2)


def test_stride_defaults_to_kernel_size():
    x = mg.randn(1, 1, 6, 6)
    for f in (F.max_pool2d, F.avg_pool2d):
        np.testing.assert_array_equal(f(x, 3).numpy(), f(x, 3, 3).numpy())
        np.testing.assert_array_equal(f(x, 3, stride=[]).numpy(), f(x, 3, 3).numpy())
        assert f(x, 3).shape == (1, 1, 2, 2)
    assert nn.MaxPool2d(3).stride == 3 and nn.AvgPool1d(3).stride == (3,)


# ---- API: reprs and signatures -----------------------------------------------------------------

REPRS = [
    "MaxPool2d(2)",
    "MaxPool2d((2, 3), stride=1, padding=1, dilation=(1, 2), return_indices=True, ceil_mode=True)",
    "MaxPool1d(3)",
    "MaxPool1d(3, 2, 1, 2, True, True)",
    "AvgPool2d(2)",
    "AvgPool2d((2, 3), 1, 1, True, False, 3)",
    "AvgPool1d(2)",
    "AvgPool1d(3, 1, 1, True, False)",
    "AdaptiveAvgPool2d((1, 1))",
    "AdaptiveAvgPool2d(1)",
    "AdaptiveAvgPool2d((None, 3))",
    "AdaptiveAvgPool1d(3)",
    "AdaptiveMaxPool2d((2, 3), return_indices=True)",
    "AdaptiveMaxPool1d(2)",
    "MaxUnpool2d(2)",
    "MaxUnpool2d((2, 3), stride=1, padding=(1, 0))",
    "MaxUnpool1d(2)",
]


def test_reprs_as_documented():
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.AdaptiveAvgPool2d((1, 1))) == "AdaptiveAvgPool2d(output_size=(1, 1))"
    assert repr(nn.MaxUnpool1d(2)) == "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))"


@pytest.mark.parametrize("construction", REPRS)
def test_repr_matches_torch(construction):
    torch = pytest.importorskip("torch")
    assert repr(eval("nn." + construction)) == repr(eval("torch.nn." + construction))


SIGNATURES = {
    F.max_pool1d: "(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)",
    F.max_pool2d: "(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)",
    F.avg_pool1d: "(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)",
    F.avg_pool2d: ("(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, "
                   "divisor_override=None)"),
    F.adaptive_avg_pool1d: "(input, output_size)",
    F.adaptive_avg_pool2d: "(input, output_size)",
    F.adaptive_max_pool1d: "(input, output_size, return_indices=False)",
    F.adaptive_max_pool2d: "(input, output_size, return_indices=False)",
    F.max_unpool1d: "(input, indices, kernel_size, stride=None, padding=0, output_size=None)",
    F.max_unpool2d: "(input, indices, kernel_size, stride=None, padding=0, output_size=None)",
}


@pytest.mark.parametrize("function", SIGNATURES, ids=lambda f: f.__name__)
def test_functional_signatures_are_torchs(function):
    parameters = inspect.signature(function).parameters.values()
    plain = ", ".join(p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
                      for p in parameters)
    assert f"({plain})" == SIGNATURES[function]


# ---- bad input ----------------------------------------------------------------------------------

X4, X3, X2 = mg.randn(2, 3, 6, 6), mg.randn(2, 3, 6), mg.randn(2, 3)
POOLED, INDICES = F.max_pool2d(X4, 2, return_indices=True)
BAD_INDICES = INDICES.clone()
BAD_INDICES[1, 2, 0, 1] = 100

BAD_CALLS = [
    (lambda: F.max_pool2d(X4, 2, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1"),
    (lambda: F.max_pool2d(X4, 2, padding=2, dilation=3), RuntimeError,
     "pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 2, kH = 2"),
    (lambda: F.max_pool2d(X4, 2, padding=-1), RuntimeError, "pad must be non-negative, but got pad: -1"),
    (lambda: F.max_pool2d(X2, 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[2, 3]"),
    (lambda: F.avg_pool2d(mg.randn(2, 0, 4, 4), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[2, 0, 4, 4]"),
    (lambda: F.max_pool2d(mg.randn(1, 2, 2), 3), RuntimeError,
     "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small"),
    (lambda: F.avg_pool1d(mg.randn(2, 3, 2), 3), RuntimeError,
     "Given input size: (3x1x2). Calculated output size: (3x1x0). Output size is too small"),
    (lambda: F.max_pool2d(X4, 2, stride=0), RuntimeError, "stride should not be zero"),
    (lambda: F.avg_pool2d(X4, 2, stride=-1), RuntimeError, "stride should be greater than zero, but got dH: -1 dW: -1"),
    (lambda: F.max_pool2d(X4, 0, stride=1), RuntimeError, "kernel size should be greater than zero, but got kH: 0 kW: 0"),
    (lambda: F.avg_pool2d(X4, (2, -1)), RuntimeError, "kernel size should be greater than zero, but got kH: 2 kW: -1"),
    (lambda: F.avg_pool1d(X3, 0, stride=1), RuntimeError, "kernel size should be greater than zero, but got kH: 1 kW: 0"),
    (lambda: F.max_pool2d(X4, 2, dilation=0), RuntimeError,
     "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"),
    (lambda: F.max_pool2d(X4, (2, 2, 2)), RuntimeError,
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.avg_pool2d(X4, 2, stride=(1, 1, 1)), RuntimeError,
     "avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(X4, 2.0), TypeError,
     "max_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not float"),
    (lambda: F.max_pool2d(X4, 2, padding=(1.0, 0)), TypeError,
     "max_pool2d(): argument 'padding' (position 4) must be tuple of ints, but found element of type float at pos 0"),
    (lambda: F.avg_pool2d(X4, 2, divisor_override=0), RuntimeError, "divisor must be not zero"),
    (lambda: F.avg_pool2d(X4, 2, divisor_override=2.5), TypeError,
     "avg_pool2d(): argument 'divisor_override' must be int, not float"),
    (lambda: F.avg_pool2d(mg.ones(1, 1, 4, 4, dtype=mg.bool), 2), NotImplementedError,
     "\"avg_pool2d\" not implemented for 'Bool'"),
    (lambda: F.max_pool1d(X4, 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking "
     "arguments for max_pool1d)"),
    (lambda: F.avg_pool1d(X3, (2, 2)), RuntimeError, "avg_pool1d() argument 'kernel_size' should contain one int (got 2)"),
    (lambda: F.max_pool1d(X3, 2, padding=(1, 1)), RuntimeError,
     "max_pool1d() argument 'padding' should contain one int (got 2)"),
    (lambda: F.adaptive_avg_pool2d(X2, (1, 2, 3)), ValueError, "Input dimension should be at least 4"),
    (lambda: F.adaptive_avg_pool2d(X4, (2,)), RuntimeError, "adaptive_avg_pool2d: output_size must be 2"),
    (lambda: F.adaptive_max_pool2d(mg.randn(1, 2, 3, 4, 5), (1, 2, 3)), RuntimeError,
     "adaptive_max_pool2d: output_size must be 2"),
    (lambda: F.adaptive_avg_pool2d(X4, -1), RuntimeError,
     "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, -1}"),
    (lambda: F.adaptive_avg_pool2d(X2, 2), RuntimeError, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [2, 3]"),
    (lambda: F.adaptive_max_pool2d(mg.randn(2, 3, 0, 4), 2), RuntimeError,
     "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
     "[2, 3, 0, 4] with dimension 2 being empty"),
    (lambda: F.adaptive_avg_pool1d(X3, (1, 2)), RuntimeError,
     "adaptive_avg_pool1d() argument 'output_size' should contain one int (got 2)"),
    (lambda: F.adaptive_avg_pool2d(X4, 2.0), TypeError,
     "adaptive_avg_pool2d(): argument 'output_size' (position 2) must be tuple of ints, but found element of "
     "type float at pos 0"),
    (lambda: F.max_unpool2d(POOLED, BAD_INDICES, 2), RuntimeError,
     "Found an invalid max index: 100 (output volumes are of size 6x6)"),
    (lambda: F.max_unpool2d(POOLED, INDICES, 2, output_size=(9, 9)), ValueError,
     'invalid output_size "(9, 9)" (dim 0 must be between 4 and 8)'),
    (lambda: F.max_unpool2d(POOLED, INDICES, 2, output_size=(1, 7, 7)), ValueError,
     "output_size should be a sequence containing 2 or 4 elements, but it has a length of '3'"),
    (lambda: F.max_unpool1d(X3, INDICES[:, :, 0], 2, output_size=(1, 1)), ValueError,
     "output_size should be a sequence containing 1 or 3 elements, but it has a length of '2'"),
    (lambda: F.max_unpool2d(POOLED, INDICES.float(), 2), RuntimeError,
     "elements in indices should be type int64 but got: Float"),
    (lambda: F.max_unpool2d(POOLED, INDICES[:, :, :2], 2), RuntimeError,
     "Expected shape of indices to be same as that of the input tensor ([2, 3, 3, 3]) but got indices tensor "
     "with shape: [2, 3, 2, 3]"),
    (lambda: F.max_unpool2d(X2, X2.long(), 2), RuntimeError,
     "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 dimensions."),
    (lambda: F.max_unpool2d(mg.randn(1, 1, 1, 1), mg.zeros(1, 1, 1, 1, dtype=mg.int64), 2, padding=2), ValueError,
     "max_unpooling: output_size must contain non-negative spatial dimensions, but got output_size[0]=-2"),
]


@pytest.mark.parametrize("call, error, message", BAD_CALLS, ids=[m[:48] for _, _, m in BAD_CALLS])
def test_bad_input_raises_torchs_error(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_layers_validate_on_forward_like_torch():
    layer = nn.MaxPool2d(2, padding=2)  # PyTorch accepts the construction and fails in forward
    with pytest.raises(RuntimeError, match="pad=2, kernel_size=2"):
        layer(X4)
