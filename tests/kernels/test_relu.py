"""relu_forward / relu_backward against numpy's expressions (their reference), special values,
layouts, the serial and the parallel path under 1, 2 and 4 threads, and PyTorch."""
import numpy as np
import pytest

from minigrad.kernels import _threads
from minigrad.kernels import _parallel
from minigrad.kernels.relu import relu_backward, relu_forward

DTYPES = [np.float32, np.float64]
SPECIAL = [0.0, -0.0, 1.5, -1.5, np.inf, -np.inf, np.nan, 1e-40, -1e-40]


def sample(shape, dtype, seed=0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    x.flat[:len(SPECIAL)] = SPECIAL
    return x


def reference_backward(grad, out):
    """PyTorch's threshold_backward: exactly 0 where out <= 0, else the incoming gradient (a NaN
    output passes its gradient)."""
    return np.where(out <= 0, 0, grad).astype(out.dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_forward_is_numpy_maximum(dtype):
    x = sample((7, 13), dtype)
    out = relu_forward(x)
    assert out.dtype == dtype and out.shape == x.shape
    np.testing.assert_array_equal(out, np.maximum(x, 0))  # NaN propagates in both
    assert not np.signbit(out[x == 0]).any()  # -0.0 becomes +0.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_is_one_select(dtype):
    x = sample((7, 13), dtype, seed=1)
    out = relu_forward(x)
    grad = sample((7, 13), dtype, seed=2)  # NaN and inf gradients too: where out <= 0 they give 0
    grad_x = relu_backward(grad, out)
    assert grad_x.dtype == dtype and grad_x.shape == x.shape
    np.testing.assert_array_equal(grad_x, reference_backward(grad, out))


@pytest.mark.parametrize("dtype", DTYPES)
def test_layouts_and_broadcast_gradient(dtype):
    x = sample((6, 5), dtype).T  # a transposed (non-contiguous) view
    out = relu_forward(x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    grad = np.array(2.5, dtype)  # a 0-d gradient, as sum's backward broadcasts it
    np.testing.assert_array_equal(relu_backward(np.broadcast_to(grad, out.shape), out),
                                  reference_backward(np.full(out.shape, grad), out))


@pytest.mark.parametrize("dtype", DTYPES)
def test_in_place_into_the_input(dtype):
    x = sample((4, 9), dtype)
    expected = np.maximum(x, 0)
    out = relu_forward(x, out=x)
    assert out is x
    np.testing.assert_array_equal(x, expected)


def test_other_dtypes_go_through_numpy():
    ints = np.array([-3, 0, 4], np.int64)
    np.testing.assert_array_equal(relu_forward(ints), [0, 0, 4])
    half = np.array([-1, 2], np.float16)
    assert relu_forward(half).dtype == np.float16
    np.testing.assert_array_equal(relu_backward(np.ones(2, np.float16), relu_forward(half)), [0, 1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_parallel_path_matches_under_each_thread_count(dtype, thread_counts, monkeypatch):
    # Several blocks of ELEMENTWISE_BLOCK elements, and a ragged last one.
    x = sample((3 * _parallel.ELEMENTWISE_BLOCK + 77,), dtype, seed=3)
    grad = sample(x.shape, dtype, seed=4)
    expected = (np.maximum(x, 0), reference_backward(grad, np.maximum(x, 0)))
    monkeypatch.setattr(_parallel, "SERIAL_ELEMENTWISE_LIMIT", 0)  # the prange drivers
    for n in thread_counts:
        _threads.set_num_threads(n)
        out = relu_forward(x)
        np.testing.assert_array_equal(out, expected[0])
        np.testing.assert_array_equal(relu_backward(grad, out), expected[1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    x, grad = sample((5, 8), dtype), sample((5, 8), dtype, seed=5)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.relu(tx)
    ty.backward(torch.tensor(grad))
    out = relu_forward(x)
    np.testing.assert_array_equal(out, ty.detach().numpy())
    np.testing.assert_array_equal(relu_backward(grad, out), tx.grad.numpy())
