"""kernels/cuda/unique.py (np.unique, np.flatnonzero on CudaArrays) against numpy, its CPU sibling:
integers, floats with ties, NaNs and signed zeros (equal_nan both ways), every combination of the
return_* flags, slices along an axis, empty and 0-d inputs, and non-contiguous views."""
import itertools

import numpy as np
import pytest

from minigrad.kernels.cuda.array import CudaArray

_FLAGS = list(itertools.product([False, True], repeat=3))  # return_index, return_inverse, return_counts


def _check(device: CudaArray, host: np.ndarray, **kwargs) -> None:
    got, expected = np.unique(device, **kwargs), np.unique(host, **kwargs)
    got, expected = (got, expected) if isinstance(expected, tuple) else ((got,), (expected,))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert isinstance(g, CudaArray) and g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_array_equal(g.to_host(), e)


def _flags(flags) -> dict:
    return dict(zip(("return_index", "return_inverse", "return_counts"), flags))


@pytest.mark.parametrize("flags", _FLAGS)
def test_integers(flags):
    host = np.array([[3, 1, 4, 1], [5, 9, 2, 6], [5, 3, 5, 1]], np.int64)
    _check(CudaArray.from_host(host), host, **_flags(flags))


@pytest.mark.parametrize("equal_nan", [True, False])
@pytest.mark.parametrize("flags", _FLAGS)
def test_floats_with_nan_ties_and_signed_zeros(flags, equal_nan):
    host = np.array([np.nan, 1.0, -0.0, np.inf, 1.0, np.nan, 0.0, -np.inf, np.nan, 2.5], np.float32)
    _check(CudaArray.from_host(host), host, equal_nan=equal_nan, **_flags(flags))


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.bool_, np.float64])
def test_dtypes_keep_their_type(dtype):
    host = (np.arange(7) % 3).astype(dtype)
    _check(CudaArray.from_host(host), host, return_index=True, return_inverse=True, return_counts=True)


@pytest.mark.parametrize("flags", _FLAGS)
def test_empty_and_scalar_inputs(flags):
    for host in (np.zeros((0, 3)), np.zeros(0, np.int64), np.array(2.5)):
        _check(CudaArray.from_host(host), host, **_flags(flags))


@pytest.mark.parametrize("view", [lambda a: a.T, lambda a: a[::2, 1:], lambda a: a[:, ::-1]])
def test_non_contiguous_inputs(view):
    host = np.random.default_rng(0).integers(0, 4, size=(3, 5)).astype(np.float64)
    _check(view(CudaArray.from_host(host)), view(host), return_index=True, return_inverse=True,
           return_counts=True)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("flags", [(True, True, True), (False, False, False), (False, True, False)])
def test_slices_along_an_axis(axis, flags):
    host = np.array([[1, 0, 1, 2], [0, 2, 0, 1], [1, 0, 1, 2]], np.int64)  # rows 0 and 2, columns 0 and 2 equal
    _check(CudaArray.from_host(host), host, axis=axis, **_flags(flags))
    _check(CudaArray.from_host(host).T, host.T, axis=axis, **_flags(flags))


def test_slices_with_nan_are_never_equal_and_empty_slices_are():
    host = np.array([[np.nan, 1.0], [np.nan, 1.0], [0.0, 2.0], [0.0, 2.0]])
    _check(CudaArray.from_host(host), host, axis=0, return_inverse=True, return_counts=True)
    host = np.zeros((3, 0))
    _check(CudaArray.from_host(host), host, axis=0, return_index=True, return_inverse=True, return_counts=True)


@pytest.mark.parametrize("view", [lambda a: a, lambda a: a.T, lambda a: a[:, :0]])
def test_flatnonzero(view):
    host = np.array([[0.0, 1.5, 0.0], [-2.0, 0.0, np.nan]])
    got = np.flatnonzero(view(CudaArray.from_host(host)))
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got.to_host(), np.flatnonzero(view(host)))
