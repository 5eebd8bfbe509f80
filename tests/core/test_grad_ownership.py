"""When a leaf keeps the gradient array it receives as its ``.grad`` (no copy), and when it must copy:
the caller's ``backward(gradient)`` array, arrays shared between leaves or still held elsewhere."""
import weakref

import numpy as np

import minigrad as mg
from minigrad.autograd.function import ArrayFunction

KEPT = []  # arrays a test keeps alive on purpose


class ReshapedFreshGradient(ArrayFunction):
    """Identity whose backward returns a reshaped view of a fresh array (as the pooling and norm
    Functions do with their kernels' results); ``hold`` keeps the fresh array referenced."""

    @staticmethod
    def forward(ctx, x, hold, refs):
        ctx.hold, ctx.refs = hold, refs
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        fresh = np.array(grad.reshape(-1))
        ctx.refs.append(weakref.ref(fresh))
        if ctx.hold:
            KEPT.append(fresh)
        return fresh.reshape(grad.shape), None, None


def test_backward_gradient_argument_is_not_aliased():
    x = mg.ones(3, requires_grad=True)
    given = np.array([1.0, 2.0, 3.0], np.float32)
    (x * 1).backward(mg.from_numpy(given))
    given[:] = 100
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3])
    (x * 1).backward(mg.ones(3))  # accumulates into .grad in place
    np.testing.assert_array_equal(given, [100, 100, 100])


def test_leaf_keeps_a_sole_reshaped_view_without_copying():
    x = mg.ones(2, 3, requires_grad=True)
    refs = []
    ReshapedFreshGradient.apply(x, False, refs).sum().backward()
    fresh = refs[0]()
    assert fresh is not None and x.grad._data.base is fresh  # the fresh array itself, not a copy


def test_leaf_copies_a_view_whose_array_is_held_elsewhere():
    x = mg.ones(2, 3, requires_grad=True)
    refs = []
    ReshapedFreshGradient.apply(x, True, refs).sum().backward()
    held = KEPT.pop()
    assert not np.shares_memory(x.grad._data, held)
    held[:] = 7
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))


def test_one_gradient_reaching_two_leaves_is_copied_for_the_second():
    a, b = mg.ones(2, 3, requires_grad=True), mg.ones(2, 3, requires_grad=True)
    (a.reshape(6) + b.reshape(6)).sum().backward()  # both reshapes view one gradient array
    assert not np.shares_memory(a.grad._data, b.grad._data)
    (a * 2).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.full((2, 3), 3.0))
    np.testing.assert_array_equal(b.grad.numpy(), np.ones((2, 3)))
