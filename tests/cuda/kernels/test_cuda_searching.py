"""Positions and membership on CUDA (kernels/cuda/searching.py, numpy_api.py's isin, isclose,
allclose, array_equal, isposinf / isneginf, atleast_1d, and reshape's views) against numpy itself,
their CPU sibling, on contiguous and strided inputs."""
import numpy as np
import pytest

from minigrad.kernels.cuda.array import CudaArray

HOST = np.array([[[0.0, 1.5, -2.0, 0.0], [3.0, np.nan, 0.0, -np.inf]],
                 [[0.0, 0.0, 0.0, 0.0], [np.inf, -1.0, 1.5, 2.0]]])
SORTED = np.array([-np.inf, -2.0, 0.0, 0.0, 1.5, 3.0, np.nan])
VIEWS = {"contiguous": lambda a: a, "transposed": lambda a: a.transpose(2, 0, 1), "sliced": lambda a: a[:, :, ::2]}


def _as_host(value):
    if isinstance(value, (tuple, list)):
        return type(value)(_as_host(v) for v in value)
    return value.to_host() if isinstance(value, CudaArray) else value


def _assert_equal(got, want):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, type(want)) and len(got) == len(want)
        for g, w in zip(got, want):
            _assert_equal(g, w)
    elif isinstance(want, np.ndarray):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    else:
        assert type(got) is type(want) and got == want


CALLS = {
    "searchsorted_left": lambda np_, a, s: np_.searchsorted(s, a),
    "searchsorted_right": lambda np_, a, s: np_.searchsorted(s, a, side="right"),
    "searchsorted_sorter": lambda np_, a, s: np_.searchsorted(s[::-1], a, sorter=np_.argsort(s[::-1], kind="stable")),
    "searchsorted_int_values": lambda np_, a, s: np_.searchsorted(s, np_.isnan(a).astype(np_.int64)),
    "argwhere": lambda np_, a, s: np_.argwhere(a),
    "argwhere_none": lambda np_, a, s: np_.argwhere(a[:, :0]),
    "nonzero": lambda np_, a, s: np_.nonzero(a),
    "where_indices": lambda np_, a, s: np_.where(a > 0),
    "isin": lambda np_, a, s: np_.isin(a, s),
    "isin_invert": lambda np_, a, s: np_.isin(a, s[2:4], invert=True),
    "isin_empty": lambda np_, a, s: np_.isin(a, s[:0]),
    "isclose": lambda np_, a, s: np_.isclose(a, a + 1e-6),
    "isclose_nan": lambda np_, a, s: np_.isclose(a, a, equal_nan=True),
    "isclose_far": lambda np_, a, s: np_.isclose(a, a * 1.1, rtol=0.01, atol=0.5),
    "allclose": lambda np_, a, s: np_.allclose(a, a, equal_nan=True),
    "allclose_nan": lambda np_, a, s: np_.allclose(a, a),
    "array_equal": lambda np_, a, s: np_.array_equal(a, a),
    "array_equal_nan": lambda np_, a, s: np_.array_equal(a, a, equal_nan=True),
    "array_equal_shapes": lambda np_, a, s: np_.array_equal(a, a[0]),
    "isposinf": lambda np_, a, s: np_.isposinf(a),
    "isneginf": lambda np_, a, s: np_.isneginf(a),
    "atleast_1d": lambda np_, a, s: np_.atleast_1d(a[0, 0, 0], a),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("call", CALLS)
def test_numpy_function_on_device_matches_host(call, view):
    host = VIEWS[view](HOST)
    expected = CALLS[call](np, host, SORTED)
    result = CALLS[call](np, VIEWS[view](CudaArray.from_host(HOST)), CudaArray.from_host(SORTED))
    _assert_equal(_as_host(result), expected)


def test_searchsorted_of_a_scalar_is_0d_and_bad_sides_are_numpys_errors():
    device = CudaArray.from_host(SORTED)
    _assert_equal(np.searchsorted(device, 0.5).to_host(), np.asarray(np.searchsorted(SORTED, 0.5)))
    with pytest.raises(ValueError, match=r"^search side must be 'left' or 'right' \(got 'x'\)$"):
        np.searchsorted(device, device, side="x")
    with pytest.raises(ValueError, match="^object too deep for desired array$"):
        np.searchsorted(CudaArray.from_host(HOST), device)
    with pytest.raises(TypeError, match="^a host \\(numpy\\) array cannot enter a CUDA computation"):
        np.searchsorted(device, SORTED)
    with pytest.raises(ValueError, match="^Calling nonzero on 0d arrays is not allowed"):
        np.nonzero(device[0])


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("shape", [(-1,), (2, -1), (-1, 2), (1, 2, 1, -1), (4, -1)])
def test_reshape_views_exactly_where_numpy_does(view, shape):
    """``copy=None`` views where the strides allow (numpy's rule), ``copy=False`` raises elsewhere."""
    host, device = VIEWS[view](HOST), VIEWS[view](CudaArray.from_host(HOST))
    try:
        host.reshape(shape, copy=False)
        viewable = True
    except ValueError:
        viewable = False
    np.testing.assert_array_equal(device.reshape(shape).to_host(), host.reshape(shape))
    assert np.shares_memory(device.reshape(shape), device) == viewable
    if viewable:
        np.testing.assert_array_equal(device.reshape(shape, copy=False).to_host(), host.reshape(shape))
    else:
        with pytest.raises(ValueError, match="^Unable to avoid creating a copy while reshaping\\.$"):
            device.reshape(shape, copy=False)
    assert not np.shares_memory(device.reshape(shape, copy=True), device)
