"""max_pool2d_forward / max_pool2d_backward against the naive loops (minigrad.kernels.reference.max_pool2d),
named cases, and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels import _parallel
from minigrad.kernels.max_pool2d import max_pool2d_backward, max_pool2d_forward, window_max
from minigrad.kernels.pool_output_size import pool_output_size
from minigrad.kernels import _threads

from minigrad.kernels.reference.max_pool2d import max_pool2d_backward as naive_backward
from minigrad.kernels.reference.max_pool2d import max_pool2d_forward as naive_max_pool

DTYPES = [np.float32, np.float64]


def check_against_naive(x, *params):
    out, indices = max_pool2d_forward(x, *params)
    ref_out, ref_indices = naive_max_pool(x.astype(np.float64), *params)
    assert out.dtype == x.dtype and indices.dtype == np.int64
    np.testing.assert_array_equal(out, ref_out.astype(x.dtype))
    np.testing.assert_array_equal(indices, ref_indices)
    grad_out = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    grad_x = max_pool2d_backward(grad_out, indices, x.shape[2:])
    assert grad_x.dtype == x.dtype
    np.testing.assert_allclose(grad_x, naive_backward(grad_out, indices, x.shape[2:]), rtol=1e-6, atol=1e-6)
    return out, indices, grad_x


@pytest.mark.parametrize("dtype", DTYPES)
def test_ties_pick_first_maximum(dtype):
    x = np.array([[0, 5, 5], [5, 1, 5], [5, 5, 5]], dtype).reshape(1, 1, 3, 3)
    out, indices, _ = check_against_naive(x, (2, 2), (1, 1), (0, 0))
    np.testing.assert_array_equal(out[0, 0], [[5, 5], [5, 5]])
    np.testing.assert_array_equal(indices[0, 0], [[1, 1], [3, 5]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_propagates_with_last_nan_index(dtype):
    x = np.array([[1, np.nan, 9, np.nan, 2, 3, 7, 4]], dtype).reshape(1, 1, 1, 8)
    out, indices, _ = check_against_naive(x, (1, 4), (1, 4), (0, 0))
    assert np.isnan(out[0, 0, 0, 0]) and out[0, 0, 0, 1] == 7
    np.testing.assert_array_equal(indices[0, 0, 0], [3, 6])


@pytest.mark.parametrize("dtype", DTYPES)
def test_overlapping_windows_accumulate_gradient(dtype):
    x = np.array([[1, 2, 3], [4, 9, 5], [6, 7, 8]], dtype).reshape(1, 1, 3, 3)
    out, indices, _ = check_against_naive(x, (2, 2), (1, 1), (0, 0))
    assert (indices == 4).all()  # the centre wins all four windows
    grad_x = max_pool2d_backward(np.array([1, 2, 3, 4], dtype).reshape(1, 1, 2, 2), indices, (3, 3))
    expected = np.zeros((3, 3))
    expected[1, 1] = 10
    np.testing.assert_array_equal(grad_x[0, 0], expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_ceil_mode_edge_windows(dtype):
    x = np.arange(25, dtype=dtype).reshape(1, 1, 5, 5)
    out, indices, _ = check_against_naive(x, (2, 2), (2, 2), (0, 0), (1, 1), True)
    assert out.shape == (1, 1, 3, 3)  # the third row / column windows are partial
    np.testing.assert_array_equal(out[0, 0, 2], [21, 23, 24])
    np.testing.assert_array_equal(indices[0, 0, 2], [21, 23, 24])
    # ceil window that would start in the right padding is dropped: 5 -> 2 windows, not 3
    out, _, _ = check_against_naive(x, (3, 3), (3, 3), (1, 1), (1, 1), True)
    assert out.shape == (1, 1, 2, 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_padding_never_wins(dtype):
    x = -1 - np.random.default_rng(0).random((2, 3, 4, 5)).astype(dtype)
    out, indices, _ = check_against_naive(x, (3, 3), (2, 2), (1, 1))
    assert np.isfinite(out).all() and (indices >= 0).all() and (indices < 20).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_dilation(dtype):
    x = np.arange(16, dtype=dtype).reshape(1, 1, 4, 4) % 7
    out, indices, _ = check_against_naive(x, (2, 2), (1, 1), (1, 1), (2, 2))
    # window (0, 0) taps rows -1, 1 and columns -1, 1: only x[1, 1] = 5 is inside
    assert out[0, 0, 0, 0] == 5 and indices[0, 0, 0, 0] == 5
    check_against_naive(x, (2, 3), (2, 1), (1, 1), (3, 2), True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_window_entirely_in_padding(dtype):
    # rows: taps -1 and 2 of a 2-row input are both padding (PyTorch accepts this configuration)
    x = np.array([[1], [2]], dtype).reshape(1, 1, 2, 1)
    out, indices, grad_x = check_against_naive(x, (2, 1), (3, 1), (1, 0), (3, 1))
    assert out[0, 0, 0, 0] == -np.inf and indices[0, 0, 0, 0] == 2  # PyTorch's values
    assert not grad_x.any()


@pytest.mark.parametrize("dtype", DTYPES)
def test_one_dimensional_kernel(dtype):
    x = np.random.default_rng(2).standard_normal((2, 3, 1, 11)).astype(dtype)
    out, _, _ = check_against_naive(x, (1, 3), (1, 2), (0, 1), (1, 2), True)
    assert out.shape == (2, 3, 1, 5)


def has_all_padding_window(size, kernel, stride, pad, dilation, ceil_mode):
    return any(
        all(not 0 <= o * stride - pad + j * dilation < size for j in range(kernel))
        for o in range(pool_output_size(size, kernel, stride, pad, dilation, ceil_mode))
    )


def random_configs(count, seed, all_padding_windows=True):
    """(shape, kernel, stride, padding, dilation, ceil_mode) that PyTorch accepts; every fourth is
    a 1-D pooling (H = 1, kernel (1, k)). ``all_padding_windows=False`` leaves out configurations
    with a window entirely in the padding (PyTorch's backward writes out of bounds for those)."""
    rng = np.random.default_rng(seed)
    while count:
        kernel, stride, dilation = (tuple(int(v) for v in rng.integers(1, 4, 2)) for _ in range(3))
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4))) + tuple(int(v) for v in rng.integers(1, 10, 2))
        if count % 4 == 0:
            shape, kernel, stride, padding, dilation = shape[:2] + (1, shape[3]), (1, kernel[1]), \
                (1, stride[1]), (0, padding[1]), (1, dilation[1])
        ceil_mode = bool(rng.integers(2))
        axes = [args + (ceil_mode,) for args in zip(shape[2:], kernel, stride, padding, dilation)]
        if min(pool_output_size(*axis) for axis in axes) < 1:
            continue
        if not all_padding_windows and any(has_all_padding_window(*axis) for axis in axes):
            continue
        count -= 1
        yield shape, kernel, stride, padding, dilation, ceil_mode


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_configs_against_naive(dtype):
    rng = np.random.default_rng(3)
    for shape, *params in random_configs(25, seed=4):
        check_against_naive(rng.standard_normal(shape).astype(dtype), *params)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for shape, kernel, stride, padding, dilation, ceil_mode in random_configs(100, 6, False):
        # rounding to a coarse grid makes ties common, exercising the first-maximum rule
        x = np.round(rng.standard_normal(shape) * 2).astype(dtype)
        out, indices = max_pool2d_forward(x, kernel, stride, padding, dilation, ceil_mode)
        tx = torch.from_numpy(x).requires_grad_()
        t_out, t_indices = torch.nn.functional.max_pool2d(
            tx, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
        np.testing.assert_array_equal(out, t_out.detach().numpy())
        np.testing.assert_array_equal(indices, t_indices.numpy())
        grad_out = rng.standard_normal(out.shape).astype(dtype)
        t_out.backward(torch.from_numpy(grad_out))
        np.testing.assert_allclose(max_pool2d_backward(grad_out, indices, shape[2:]),
                                   tx.grad.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("params", [((3, 3), (2, 2), (1, 1), (1, 1), True), ((2, 2), (2, 2), (0, 0), (1, 1), False)])
def test_identical_across_thread_counts(dtype, params, thread_counts, monkeypatch):
    monkeypatch.setattr(_parallel, "SERIAL_POOL_LIMIT", 0)  # the prange drivers, window and 2 x 2
    monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)  # and the gradient scatter's
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 5, 17, 19)).astype(dtype)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        out, indices = max_pool2d_forward(x, *params)
        grad_out = np.random.default_rng(8).standard_normal(out.shape).astype(dtype)
        results.append((out, indices, max_pool2d_backward(grad_out, indices, (17, 19))))
    check_against_naive(x, *params)
    for result in results[1:]:
        for a, b in zip(results[0], result):
            assert np.array_equal(a, b)


def special_values(shape, dtype, seed):
    """Coarse values (many ties) with NaNs, infinities and signed zeros sprinkled in."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal(shape)).astype(dtype)
    flat = x.reshape(-1)
    picks = rng.choice(flat.size, size=flat.size // 5, replace=False)
    flat[picks] = rng.choice(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype), size=picks.size)
    return x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, ceil_mode", [((2, 3, 8, 6), False), ((2, 3, 7, 9), False), ((1, 4, 6, 10), True)])
def test_unrolled_2x2_path_matches_the_window_loop(shape, ceil_mode, dtype):
    """Kernel 2 / stride 2 takes the unrolled loop: same values (NaN, ties, -0.0) and indices as
    the table-driven loop and the naive reference."""
    x = special_values(shape, dtype, seed=9)
    out, indices, _ = check_against_naive(x, (2, 2), (2, 2), (0, 0), (1, 1), ceil_mode)
    OH, OW = out.shape[2:]
    starts = np.arange(OH) * 2, np.arange(OW) * 2
    table_out, table_indices = window_max(x, starts[0], starts[0] + 2, 1, starts[1], starts[1] + 2, 1)
    np.testing.assert_array_equal(indices, table_indices)
    assert np.array_equal(out, table_out, equal_nan=True)
    assert np.array_equal(np.signbit(out), np.signbit(table_out))
