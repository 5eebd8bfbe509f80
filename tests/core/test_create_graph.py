"""create_graph=True: the recorded backward pass, checked against PyTorch and by hand.

Per-op second derivatives are in test_double_backward.py; this file covers the mechanism: custom
Functions differentiated twice, third derivatives, ``backward(create_graph=True)`` on leaves,
hooks under create_graph, gradient penalties, Hessian-vector products, and that the fast path
records nothing.
"""
import numpy as np
import pytest

import minigrad
from minigrad import nn

torch = pytest.importorskip("torch")


class Cube(minigrad.autograd.Function):
    """x^3 with a backward written in tensor ops, so it differentiates twice as in PyTorch."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


def test_a_custom_function_differentiates_twice():
    x = minigrad.tensor([1.0, -2.0, 0.5], dtype=minigrad.float64, requires_grad=True)
    (first,) = minigrad.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    (second,) = minigrad.autograd.grad(first.sum(), x)
    np.testing.assert_allclose(first.detach().numpy(), 3 * x.detach().numpy() ** 2)
    np.testing.assert_allclose(second.numpy(), 6 * x.detach().numpy())


def test_third_derivative_of_tanh_matches_pytorch():
    values = np.array([-1.5, 0.2, 0.9])
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        (d1,) = lib.autograd.grad(x.tanh().sum(), x, create_graph=True)
        (d2,) = lib.autograd.grad(d1.sum(), x, create_graph=True)
        (d3,) = lib.autograd.grad(d2.sum(), x)
        results.append(d3.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_backward_with_create_graph_leaves_differentiable_grads():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.grad_fn is not None and x.grad.requires_grad
    grad = x.grad
    x.grad = None
    grad.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.detach().numpy())


def test_create_graph_retains_the_graph_by_default():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    minigrad.autograd.grad(y, x, create_graph=True)
    minigrad.autograd.grad(y, x)  # the graph is still there: no "backward a second time" error
    with pytest.raises(RuntimeError, match="second time"):
        minigrad.autograd.grad(y, x)


def test_without_create_graph_nothing_is_recorded():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (g,) = minigrad.autograd.grad((x.sin() * x).sum(), x)
    assert g.grad_fn is None and not g.requires_grad
    (x.sin() * x).sum().backward()
    assert x.grad.grad_fn is None


def test_grad_outputs_that_require_grad_are_differentiated():
    """d/dv of the vector-Jacobian product v^T J = J^T: PyTorch's double-backward trick for jvp."""
    values = np.array([[0.3, -1.2], [2.0, 0.7]])
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        v = lib.ones(2, 2, dtype=lib.float64, requires_grad=True)
        (vjp,) = lib.autograd.grad(x.sin() * x, x, v, create_graph=True)
        (dv,) = lib.autograd.grad((vjp * lib.tensor(values, dtype=lib.float64)).sum(), v)
        results.append(dv.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_a_hook_sees_and_extends_the_recorded_gradient():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * x)  # the hook's own op is recorded too
    (g,) = minigrad.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = minigrad.autograd.grad(g.sum(), x)
    # g = 2 x * x = 2 x^2, so dg/dx = 4 x
    np.testing.assert_allclose(gg.numpy(), 4 * x.detach().numpy())


def _critic(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 8), lib.nn.Sigmoid(),
                             lib.nn.Linear(8, 1))


def _same_weights(ours: nn.Module, theirs) -> None:
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = minigrad.tensor(q.detach().numpy().copy())


def test_wgan_gp_gradient_penalty_reaches_the_weights_as_in_pytorch():
    rng = np.random.default_rng(0)
    real, fake = rng.standard_normal((5, 4)).astype(np.float32), rng.standard_normal((5, 4)).astype(np.float32)
    alpha = rng.random((5, 1)).astype(np.float32)
    grads = []
    ours, theirs = _critic(minigrad), _critic(torch)
    _same_weights(ours, theirs)
    for lib, critic in ((minigrad, ours), (torch, theirs)):
        mixed = lib.tensor(alpha * real + (1 - alpha) * fake, requires_grad=True)
        scores = critic(mixed)
        (slopes,) = lib.autograd.grad(scores, mixed, lib.ones_like(scores), create_graph=True)
        penalty = ((slopes.norm(2, dim=1) - 1) ** 2).mean() * 10
        (scores.mean() + penalty).backward()
        grads.append([p.grad.numpy() for p in critic.parameters()])
    for mine, reference in zip(*grads):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-6)


def test_hessian_vector_product_through_a_network_matches_pytorch():
    rng = np.random.default_rng(1)
    x_values, u_values = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    ours, theirs = _critic(minigrad).double(), _critic(torch).double()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = minigrad.tensor(q.detach().numpy().copy())
    results = []
    for lib, net in ((minigrad, ours), (torch, theirs)):
        x = lib.tensor(x_values, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(net(x).sum(), x, create_graph=True)
        (hvp,) = lib.autograd.grad((g * lib.tensor(u_values, dtype=lib.float64)).sum(), x)
        results.append(hvp.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10)


def test_an_op_whose_saved_value_is_derived_refuses_rather_than_lies():
    """A backward that would read a forward-computed float as a constant raises under create_graph."""

    class Scaled(minigrad.autograd.function.ArrayFunction):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x * 2)  # derived from x: its dependence on x would be lost
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (twice,) = ctx.saved_tensors
            return grad * twice

    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (g,) = minigrad.autograd.grad(Scaled.apply(x).sum(), x)  # fine without create_graph
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="does not support create_graph=True"):
        minigrad.autograd.grad(Scaled.apply(x).sum(), x, create_graph=True)


def test_once_differentiable_runs_once_and_refuses_a_second_derivative():
    from minigrad.autograd.function import once_differentiable

    class Square(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (g,) = minigrad.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    assert g.grad_fn is None  # the incoming gradient did not require grad: nothing to refuse
    v = minigrad.ones(2, requires_grad=True)
    (g,) = minigrad.autograd.grad(Square.apply(x), x, v, create_graph=True)
    assert g.grad_fn.name() == "Error"
    with pytest.raises(RuntimeError, match="differentiate twice a function that was marked with @once_differentiable"):
        minigrad.autograd.grad(g.sum(), v)
