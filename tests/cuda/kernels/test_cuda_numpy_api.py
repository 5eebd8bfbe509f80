"""numpy functions on CudaArrays (kernels/cuda/numpy_api.py, triangular.py) against numpy itself
on the host, on contiguous and strided inputs."""
import numpy as np
import pytest

from minigrad.kernels.cuda.array import CudaArray

HOST = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4) - 7
VIEWS = {"contiguous": lambda a: a, "transposed": lambda a: a.transpose(0, 2, 1)}


def _both(view: str):
    """The same (strided) array on the host and on the device."""
    return VIEWS[view](HOST), VIEWS[view](CudaArray.from_host(HOST))


CALLS = {
    "flip_all": lambda np_, a: np_.flip(a),
    "flip_axes": lambda np_, a: np_.flip(a, (0, 2)),
    "split_sections": lambda np_, a: np_.split(a, 2, axis=0),
    "split_indices": lambda np_, a: np_.split(a, [1, 2], axis=-1),
    "array_split": lambda np_, a: np_.array_split(a, 2, axis=1),
    "roll_flat": lambda np_, a: np_.roll(a, 5),
    "roll_axes": lambda np_, a: np_.roll(a, (1, -2), axis=(1, 2)),
    "roll_none": lambda np_, a: np_.roll(a, 3, axis=1),
    "tile": lambda np_, a: np_.tile(a, (2, 1, 3)),
    "tile_more_dims": lambda np_, a: np_.tile(a[0], (2, 1, 2)),
    "tril": lambda np_, a: np_.tril(a),
    "tril_k": lambda np_, a: np_.tril(a, -1),
    "triu_k": lambda np_, a: np_.triu(a, 1),
    "trace": lambda np_, a: np_.trace(a, 1, 1, 2),
    "trace_int": lambda np_, a: np_.trace(a.astype(np_.int32), axis1=0, axis2=2),
    "count_nonzero": lambda np_, a: np_.count_nonzero(np_.maximum(a, 0)),
    "count_nonzero_axis": lambda np_, a: np_.count_nonzero(np_.maximum(a, 0), axis=1, keepdims=True),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("call", CALLS)
def test_numpy_function_on_device_matches_host(call, view):
    host, device = _both(view)
    expected, result = CALLS[call](np, host), CALLS[call](np, device)
    if isinstance(expected, list):
        assert len(result) == len(expected)
    for want, got in zip(expected if isinstance(expected, list) else [expected],
                         result if isinstance(result, list) else [result]):
        got = got.to_host()
        assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype
        np.testing.assert_array_equal(got, want)


def test_flip_is_a_view_and_roll_a_copy():
    device = CudaArray.from_host(HOST)
    assert np.shares_memory(np.flip(device, 1), device)
    assert not np.shares_memory(np.roll(device, 0, axis=1), device)


def test_reshape_copy_argument():
    """``copy=False`` (Tensor.view) views a contiguous array and refuses a strided one, as numpy
    does for this transpose; ``copy=True`` always copies."""
    device = CudaArray.from_host(HOST)
    assert np.shares_memory(device.reshape((6, 4), copy=False), device)
    assert not np.shares_memory(device.reshape((6, 4), copy=True), device)
    with pytest.raises(ValueError):
        HOST.transpose(0, 2, 1).reshape(-1, copy=False)
    with pytest.raises(ValueError, match="Unable to avoid creating a copy while reshaping"):
        device.transpose(0, 2, 1).reshape(-1, copy=False)


def test_split_into_unequal_sections_is_numpys_error():
    with pytest.raises(ValueError, match="^array split does not result in an equal division$"):
        np.split(CudaArray.from_host(HOST), 3, axis=2)
    with pytest.raises(ValueError, match="^array split does not result in an equal division$"):
        np.split(HOST, 3, axis=2)


def test_triangle_of_a_vector_is_refused():
    with pytest.raises(ValueError, match="at least 2 dims"):
        np.tril(CudaArray.from_host(HOST[0, 0]))


@pytest.mark.parametrize("weighted", [False, True])
def test_bincount_matches_numpy(weighted):
    x = np.array([3, 0, 3, 1, 3, 5, 0])
    weights = np.linspace(-1, 2, x.size) if weighted else None
    for minlength in (0, 9):
        expected = np.bincount(x, weights, minlength)
        result = np.bincount(CudaArray.from_host(x), None if weights is None else CudaArray.from_host(weights),
                             minlength).to_host()
        assert result.dtype == expected.dtype
        np.testing.assert_allclose(result, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="negative"):
        np.bincount(CudaArray.from_host(np.array([1, -1])))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histogram_matches_numpy_on_and_between_edges(dtype):
    edges_and_between = np.concatenate([np.linspace(-1, 2, 13), [-3.0, 5.0, 0.1, 0.7, 1.3]]).astype(dtype)
    expected, expected_edges = np.histogram(edges_and_between, bins=6, range=(-1.0, 2.0))
    counts, edges = np.histogram(CudaArray.from_host(edges_and_between), bins=6, range=(-1.0, 2.0))
    np.testing.assert_array_equal(counts.to_host(), expected)
    np.testing.assert_array_equal(edges.to_host(), expected_edges)
