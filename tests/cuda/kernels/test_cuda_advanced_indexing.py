"""kernels/cuda/advanced_indexing.py against numpy (its CPU sibling): advanced reads, writes,
``ufunc.at`` with repeated indices, ``take_along_axis`` / ``put_along_axis``, on tiny shapes,
contiguous and not (transposed, sliced), with numpy's errors."""
import numpy as np
import pytest

from minigrad.kernels.cuda.array import CudaArray

A = np.arange(60, dtype=np.float64).reshape(3, 4, 5) * 0.5 - 7

# Keys in numpy's terms; every array in them is also tried as a CudaArray.
KEYS = [
    (np.array([0, 2, -1]),),
    (slice(None), [1, 3, 1]),
    (np.array([0, 2, -1]), slice(1, 3), [4, 0, 2]),  # arrays apart: their dims go first
    (0, slice(None), np.array([[1], [4]])),  # an int beside an array is an index array too
    (np.array([[1], [2]]), 1),
    (Ellipsis, [0, 0]),
    (None, np.array([2, 0]), None, slice(None, None, 2)),
    (A[:, 0, 0] > -5,),  # a boolean mask, one dim
    (A[:, :, 0] > -5, slice(1, 2)),  # a boolean mask over two dims
    (np.array(1),),
    (1, [2], 3),
    ([],),
]


def _on_device(key):
    return tuple(CudaArray.from_host(k) if isinstance(k, np.ndarray) else k for k in key)


def _views(array):
    """(host, device) pairs holding ``array``: contiguous, a transposed view, a sliced view (fresh
    buffers on each call, so that writes through one do not reach the next)."""
    yield array.copy(), CudaArray.from_host(array)
    moved = np.ascontiguousarray(array.transpose(1, 2, 0))
    yield moved.transpose(2, 0, 1), CudaArray.from_host(moved).transpose(2, 0, 1)
    inner = (slice(1, -1),) * array.ndim
    bigger = np.pad(array, 1)
    yield bigger[inner], CudaArray.from_host(bigger)[inner]


@pytest.mark.parametrize("key", KEYS, ids=range(len(KEYS)))
def test_read_matches_numpy(key):
    for host, device in _views(A):
        expected = host[key]
        got = device[_on_device(key)]
        assert got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_array_equal(got.to_host(), expected)


@pytest.mark.parametrize("key", KEYS[:7], ids=range(7))
def test_write_matches_numpy(key):
    for host, device in _views(A):
        value = np.arange(host[key].size, dtype=np.float64).reshape(host[key].shape) + 100
        host[key] = value
        device[_on_device(key)] = CudaArray.from_host(value)
        np.testing.assert_array_equal(device.to_host(), host)


def test_write_broadcasts_a_scalar_and_casts():
    host, device = np.zeros((3, 4), np.int32), CudaArray.zeros((3, 4), np.int32)
    host[[0, 2], 1:] = 7.9
    device[[0, 2], 1:] = 7.9
    np.testing.assert_array_equal(device.to_host(), host)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint32, np.uint64])
@pytest.mark.parametrize("ufunc", [np.add, np.maximum, np.minimum])
def test_ufunc_at_adds_up_repeated_indices(ufunc, dtype):
    host = (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    values = (np.arange(8).reshape(4, 2) * 3 % 7).astype(dtype)
    key = ([2, 0, 2, 2], slice(None, None, 2))  # row 2 three times
    device = CudaArray.from_host(host)
    ufunc.at(host, key, values)
    ufunc.at(device, key, CudaArray.from_host(values))
    np.testing.assert_array_equal(device.to_host(), host)


def test_ufunc_at_through_a_transposed_view_and_a_basic_key():
    host = np.zeros((4, 3))
    device = CudaArray.zeros((4, 3), np.float64)
    np.add.at(host.T, (1, [0, 0, 3]), 2.5)
    np.add.at(device.T, (1, [0, 0, 3]), 2.5)
    np.add.at(host, (slice(1, 3),), 1.0)  # basic: each element once
    np.add.at(device, (slice(1, 3),), 1.0)
    np.testing.assert_array_equal(device.to_host(), host)


def test_ufunc_at_refuses_what_has_no_atomic():
    with pytest.raises(NotImplementedError, match="int8"):
        np.add.at(CudaArray.zeros(3, np.int8), [0, 0], 1)
    with pytest.raises(NotImplementedError, match="subtract.at"):
        np.subtract.at(CudaArray.zeros(3, np.float64), [0, 0], 2.0)


@pytest.mark.parametrize("ufunc", [np.multiply, np.maximum, np.minimum], ids=lambda u: u.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.float16])
def test_folded_ufunc_at_is_numpys_bit_for_bit(ufunc, dtype):
    """multiply / maximum / minimum.at: the positions sorted and each run folded by one thread, in
    the order of numpy's loop, so the results are numpy's exactly (NaN propagated as numpy does)."""
    rng = np.random.default_rng(5)
    host = rng.uniform(0.5, 1.5, size=(3, 4)).astype(dtype) if dtype != np.int64 else rng.integers(1, 4, (3, 4))
    values = rng.uniform(0.5, 1.5, size=7).astype(dtype) if dtype != np.int64 else rng.integers(1, 4, 7)
    if dtype != np.int64:
        values[3] = np.nan  # into element (2, 1), hit three times
    rows, cols = np.array([2, 0, 2, 2, 1, 0, 2]), np.array([1, 3, 1, 1, 0, 3, 2])
    device = CudaArray.from_host(host)
    ufunc.at(host, (rows, cols), values)
    ufunc.at(device, (CudaArray.from_host(rows), cols), CudaArray.from_host(values))
    np.testing.assert_array_equal(device.to_host(), host)


def test_float16_accumulates_in_a_float32_copy():
    half = CudaArray.zeros(3, np.float16)
    np.add.at(half, [0, 0, 2], np.array([1.5, 2.0, -1.0], np.float16))
    assert half.dtype == np.float16
    np.testing.assert_array_equal(half.to_host(), [3.5, 0.0, -1.0])


def _distinct_indices(axis: int) -> np.ndarray:
    """Two distinct indices per line along ``axis`` (the second negative), A's extent elsewhere."""
    order = np.argsort(np.random.default_rng(0).random(A.shape), axis=axis)
    first, second = np.split(np.take(order, [0, 1], axis=axis), 2, axis=axis)
    return np.concatenate([first, second - A.shape[axis]], axis=axis)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_and_put_along_axis_match_numpy(axis):
    indices = _distinct_indices(axis)  # distinct: numpy keeps the last repeated write, the kernel one of them
    values = np.arange(indices.size, dtype=np.float64).reshape(indices.shape)
    for host, device in _views(A):
        expected = np.take_along_axis(host, indices, axis)
        np.testing.assert_array_equal(np.take_along_axis(device, CudaArray.from_host(indices), axis).to_host(),
                                      expected)
        np.put_along_axis(host, indices, values, axis)
        np.put_along_axis(device, CudaArray.from_host(indices), CudaArray.from_host(values), axis)
        np.testing.assert_array_equal(device.to_host(), host)


def test_take_along_axis_broadcasts_like_numpy():
    indices = np.array([[[1]], [[0]], [[3]]])  # (3, 1, 1) against (3, 4, 5) along axis 1
    got = np.take_along_axis(CudaArray.from_host(A), CudaArray.from_host(indices), 1)
    np.testing.assert_array_equal(got.to_host(), np.take_along_axis(A, indices, 1))


def test_take_matches_numpy():
    device = CudaArray.from_host(A)
    np.testing.assert_array_equal(np.take(device, CudaArray.from_host(np.array([[4, -1], [0, 0]])), 2).to_host(),
                                  np.take(A, [[4, -1], [0, 0]], 2))
    np.testing.assert_array_equal(np.take(device, np.array([59, 0])).to_host(), np.take(A, [59, 0]))


def test_count_nonzero_matches_numpy():
    mask = A > 3
    assert np.count_nonzero(CudaArray.from_host(mask)) == np.count_nonzero(mask)
    np.testing.assert_array_equal(np.count_nonzero(CudaArray.from_host(mask), axis=1).to_host(),
                                  np.count_nonzero(mask, axis=1))


@pytest.mark.parametrize("key, message", [
    (([0, 3],), "index 3 is out of bounds for axis 0 with size 3"),
    ((slice(None), [-5]), "index -5 is out of bounds for axis 1 with size 4"),
    (([0, 1], [[0], [1], [2]], [0, 1, 1, 0]), "shape mismatch"),
    ((np.array([True, False]),), "boolean index did not match"),
    ((0, 0, 0, [0]), "too many indices"),
    ((np.array([0.5]),), "integer"),
])
def test_errors_are_numpys(key, message):
    with pytest.raises(IndexError, match=message):
        CudaArray.from_host(A)[_on_device(key)]
    with pytest.raises(IndexError, match=message):
        A[key]



@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (2, 2, 1), (-1, 1, 2), (9, 0, 2)])
def test_diagonal_is_a_writable_view_matching_numpy(offset, axis1, axis2):
    for host, device in _views(A):
        view = np.diagonal(device, offset, axis1, axis2)
        np.testing.assert_array_equal(view.to_host(), np.diagonal(host, offset, axis1, axis2))
        view[...] = -1.0
        steps = np.arange(view.shape[-1])  # numpy's diagonal is read-only: write the host's by indices
        np.moveaxis(host, (axis1, axis2), (-2, -1))[..., steps + max(-offset, 0), steps + max(offset, 0)] = -1.0
        np.testing.assert_array_equal(device.to_host(), host)
