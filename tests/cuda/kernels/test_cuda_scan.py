"""The CUDA scans (minigrad.kernels.cuda.scan: np.cumsum, np.cumprod, ufunc.accumulate, and np.flip
as a view) against numpy, their CPU sibling: each axis, each dtype's result type, strided inputs."""
import numpy as np
import pytest

from minigrad.kernels.cuda import scan
from minigrad.kernels.cuda.array import CudaArray

SCANS = [np.cumsum, np.cumprod, np.logaddexp.accumulate, np.maximum.accumulate, np.minimum.accumulate]


def _host(shape=(2, 3, 4), dtype=np.float64, seed=0) -> np.ndarray:
    values = np.random.default_rng(seed).uniform(-2, 2, size=shape)
    return (np.round(values) if np.dtype(dtype).kind in "iub" else values).astype(dtype)


@pytest.mark.parametrize("scan", SCANS, ids=lambda s: getattr(s, "__name__", "") or str(s))
@pytest.mark.parametrize("axis, dtype", [(0, np.float64), (1, np.float32), (2, np.float64), (-1, np.float32)])
def test_each_axis_matches_numpy(scan, axis, dtype):
    host = _host(dtype=dtype)
    result = scan(CudaArray.from_host(host), axis=axis)
    assert result.dtype == dtype
    np.testing.assert_allclose(result.to_host(), scan(host, axis=axis), rtol=1e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("scan", [np.cumsum, np.cumprod])
def test_result_dtype_is_numpys(scan, dtype):
    """Small integers and bools widen to int64, as numpy's cumsum / cumprod; dtype= casts first."""
    host = _host((3, 4), dtype)
    result = scan(CudaArray.from_host(host), 1)
    assert result.dtype == scan(host, 1).dtype
    np.testing.assert_allclose(result.to_host(), scan(host, 1), rtol=1e-6)
    as_float = scan(CudaArray.from_host(host), 0, dtype=np.float64)
    assert as_float.dtype == np.float64
    np.testing.assert_allclose(as_float.to_host(), scan(host, 0, dtype=np.float64))


def test_axis_none_scans_the_flattened_array():
    host = _host((2, 3))
    np.testing.assert_allclose(np.cumsum(CudaArray.from_host(host)).to_host(), np.cumsum(host))


@pytest.mark.parametrize("view", [lambda a: a.transpose(2, 0, 1), lambda a: a[:, ::2, 1:],
                                  lambda a: np.flip(a, 1), lambda a: np.flip(a)])
def test_strided_and_flipped_inputs(view):
    host = _host()
    device = view(CudaArray.from_host(host))
    np.testing.assert_allclose(np.cumsum(device, 1).to_host(), np.cumsum(view(host), 1), rtol=1e-12)
    np.testing.assert_allclose(np.logaddexp.accumulate(device, axis=0).to_host(),
                               np.logaddexp.accumulate(view(host), axis=0), rtol=1e-12)


def test_flip_is_a_view_with_a_negative_stride():
    device = CudaArray.from_host(_host((3, 4)))
    flipped = np.flip(device, 0)
    assert flipped.buffer is device.buffer and flipped.strides[0] < 0
    np.testing.assert_array_equal(flipped.to_host(), np.flip(device.to_host(), 0))


def test_logaddexp_keeps_infinities_and_nan():
    host = np.array([[-np.inf, -np.inf, 0.0, np.inf, 1.0], [1.0, np.nan, 2.0, -np.inf, 3.0]])
    with np.errstate(invalid="ignore"):
        expected = np.logaddexp.accumulate(host, axis=1)
    np.testing.assert_array_equal(np.logaddexp.accumulate(CudaArray.from_host(host), axis=1).to_host(), expected)


def test_empty_axis_and_zero_lines():
    assert np.cumsum(CudaArray.from_host(np.zeros((2, 0))), 1).shape == (2, 0)
    assert np.cumprod(CudaArray.from_host(np.zeros((0, 3))), 1).shape == (0, 3)


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "maximum", "logaddexp"])
@pytest.mark.parametrize("length", [17, 23, 40])
def test_long_lines_scan_in_parts(name, length, monkeypatch):
    """Few long lines are split into parts of _PART elements (4 here: 4 to 10 parts, the last one
    shorter or not), scanned alone, then offset by the parts before them; along a strided axis."""
    monkeypatch.setattr(scan, "_PART", 4)
    host = np.random.default_rng(length).uniform(0.5, 1.5, size=(length, 2))
    device = CudaArray.from_host(host)
    calls = {"cumsum": lambda np_, a: np_.cumsum(a, axis=0), "cumprod": lambda np_, a: np_.cumprod(a, axis=0),
             "maximum": lambda np_, a: np_.maximum.accumulate(a, axis=0),
             "logaddexp": lambda np_, a: np_.logaddexp.accumulate(a, axis=0)}
    np.testing.assert_allclose(calls[name](np, device).to_host(), calls[name](np, host), rtol=1e-12)
