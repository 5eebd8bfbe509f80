"""The CUDA stable sort (minigrad.kernels.cuda.sort: np.sort, np.argsort) against numpy's stable
sort, its CPU sibling: each axis, ties kept in input order, NaN last, strided inputs, lines of every
length up to past a power of two (the merge passes' parity picks where the load goes)."""
import numpy as np
import pytest

from minigrad.kernels.cuda.array import CudaArray
from minigrad.kernels.cuda.sort import sort_pairs


def _check(device: CudaArray, host: np.ndarray, axis) -> None:
    np.testing.assert_array_equal(np.sort(device, axis).to_host(), np.sort(host, axis, kind="stable"))
    indices = np.argsort(device, axis)
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.to_host(), np.argsort(host, axis, kind="stable"))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, None])
def test_each_axis_with_ties(axis):
    host = np.random.default_rng(0).integers(0, 3, size=(2, 3, 5)).astype(np.float64)  # many ties
    _check(CudaArray.from_host(host), host, axis)


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 8, 9, 16, 17, 37])
def test_line_lengths(length):
    host = np.random.default_rng(length).integers(-2, 3, size=(2, length)).astype(np.int64)
    _check(CudaArray.from_host(host), host, 1)


def test_nan_sorts_last_in_input_order():
    host = np.array([[np.nan, 1.0, -np.inf, np.nan, 0.5, np.inf, 1.0], [2.0, np.nan, 2.0, -1.0, np.nan, 0.0, 3.0]])
    _check(CudaArray.from_host(host), host, 1)
    _check(CudaArray.from_host(host.astype(np.float32)), host.astype(np.float32), 0)


@pytest.mark.parametrize("view", [lambda a: a.transpose(2, 0, 1), lambda a: a[:, ::2, 1:], lambda a: a[:, ::-1]])
def test_strided_inputs(view):
    host = np.random.default_rng(3).integers(0, 4, size=(2, 3, 4)).astype(np.float32)
    _check(view(CudaArray.from_host(host)), view(host), 1)


def test_bool_keys():
    host = np.array([[True, False, True, False, False]])
    _check(CudaArray.from_host(host), host, 1)


def test_values_and_indices_agree_and_empty_shapes():
    host = np.random.default_rng(4).standard_normal((3, 4))
    values, indices = sort_pairs(CudaArray.from_host(host), 0)
    np.testing.assert_array_equal(np.take_along_axis(host, indices.to_host(), 0), values.to_host())
    assert np.sort(CudaArray.from_host(np.zeros((2, 0))), 1).shape == (2, 0)
    assert np.argsort(CudaArray.from_host(np.zeros((0, 3))), 1).shape == (0, 3)
