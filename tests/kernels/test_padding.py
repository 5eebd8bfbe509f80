"""pad2d / pad2d_backward: numpy's np.pad as the forward oracle, hand-counted gradients, the adjoint
identity, and PyTorch parity."""
import numpy as np
import pytest

from minigrad.kernels.padding import pad2d, pad2d_backward
from minigrad.kernels import _threads

NUMPY_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
# (left, right, top, bottom) pads for a (.., 3, 4) input; reflect at its maximum (size - 1),
# circular at its maximum (size), asymmetric and zero pads.
PADS = {
    "constant": [(0, 0, 0, 0), (2, 1, 0, 3), (5, 5, 4, 4)],
    "reflect": [(1, 2, 2, 0), (3, 3, 2, 2), (0, 3, 1, 1)],
    "replicate": [(1, 2, 2, 0), (4, 0, 5, 3)],
    "circular": [(1, 2, 2, 0), (4, 4, 3, 3), (0, 3, 1, 2)],
}
CASES = [(mode, pad) for mode, pads in PADS.items() for pad in pads]


def numpy_pad(x, pad, mode, value):
    left, right, top, bottom = pad
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    extra = {"constant_values": value} if mode == "constant" else {}
    return np.pad(x, widths, mode=NUMPY_MODE[mode], **extra)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode,pad", CASES)
def test_pad2d_matches_numpy_pad(mode, pad, dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 3, 4)).astype(dtype)
    out = pad2d(x, pad, mode, value=-1.5)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, numpy_pad(x, pad, mode, -1.5))


@pytest.mark.parametrize("mode,pad", CASES)
def test_pad2d_backward_is_adjoint(mode, pad):
    """<pad(x), g> == <x, pad_backward(g)> (constant padding with value 0 is linear)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4))
    g = rng.standard_normal(pad2d(x, pad, mode).shape)
    grad_x = pad2d_backward(g, pad, mode, (3, 4))
    assert grad_x.shape == x.shape
    assert np.isclose(np.sum(pad2d(x, pad, mode) * g), np.sum(x * grad_x), rtol=1e-12)


def test_circular_gradient_accumulates_wrapped_copies():
    # [a b c] padded by 3 on both sides is a b c | a b c | a b c: each element appears 3 times.
    g = np.arange(9.0).reshape(1, 1, 9)
    np.testing.assert_array_equal(pad2d_backward(g, (3, 3, 0, 0), "circular", (1, 3)), [[[0 + 3 + 6, 1 + 4 + 7, 2 + 5 + 8]]])


def test_reflect_at_maximum_pad():
    # [a b c] padded by 2 = size - 1 on both sides is c b | a b c | b a.
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(pad2d(x, (2, 2, 0, 0), "reflect"), [[3, 2, 1, 2, 3, 2, 1]])
    # Gradient of ones counts the copies: a twice, b three times, c twice; per axis, so 2-D is
    # the outer product of the row and column counts.
    grad = pad2d_backward(np.ones((5, 7)), (2, 2, 1, 1), "reflect", (3, 3))
    np.testing.assert_array_equal(grad, np.outer([1, 3, 1], [2, 3, 2]))


def test_replicate_gradient_piles_onto_edges():
    grad = pad2d_backward(np.ones((1, 6)), (2, 1, 0, 0), "replicate", (1, 3))
    np.testing.assert_array_equal(grad, [[3, 1, 2]])


def test_constant_gradient_crops():
    g = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(pad2d_backward(g, (1, 2, 1, 0), "constant", (3, 2)), g[1:, 1:3])


def test_any_leading_shape():
    x = np.arange(2 * 3 * 2 * 2 * 2.0).reshape(2, 3, 2, 2, 2)
    out = pad2d(x, (1, 1, 1, 1), "replicate")
    assert out.shape == (2, 3, 2, 4, 4)
    assert pad2d_backward(out, (1, 1, 1, 1), "replicate", (2, 2)).shape == x.shape
    assert pad2d(np.ones((2, 3)), (1, 0, 0, 1), "constant").shape == (3, 4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode,pad", CASES)
def test_matches_torch(mode, pad, dtype):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 3, 4)).astype(dtype)
    tx = torch.tensor(x, requires_grad=True)
    extra = {"value": 0.5} if mode == "constant" else {}
    ty = F.pad(tx, pad, mode=mode, **extra)
    g = rng.standard_normal(tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(g))
    np.testing.assert_array_equal(pad2d(x, pad, mode, 0.5), ty.detach().numpy())
    np.testing.assert_allclose(pad2d_backward(g, pad, mode, (3, 4)), tx.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_backward_identical_across_thread_counts(thread_counts):
    g = np.random.default_rng(3).standard_normal((6, 11, 12)).astype(np.float32)
    results = []
    for n in thread_counts:
        _threads.set_num_threads(n)
        results.append(pad2d_backward(g, (4, 4, 3, 4), "circular", (4, 4)))
    assert all(np.array_equal(r, results[0]) for r in results[1:])
