"""The autograd engine: accumulation, graph freeing, grad modes, custom Functions, in-place rules."""
import gc
import weakref

import numpy as np
import pytest

import minigrad as mg


def test_gradients_accumulate_across_backward_calls():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])


def test_a_tensor_used_twice_gets_the_sum_of_both_paths():
    x = mg.tensor(2.0, requires_grad=True)
    y = x * x + x.exp()
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 2 + np.exp(2), rel=1e-6)


def test_broadcast_operand_gradient_is_reduced_to_its_shape():
    a = mg.ones(3, 4, requires_grad=True)
    b = mg.ones(4, requires_grad=True)
    c = mg.ones(3, 1, requires_grad=True)
    (a * b + c).sum().backward()
    assert b.grad.shape == (4,) and np.all(b.grad.numpy() == 3)
    assert c.grad.shape == (3, 1) and np.all(c.grad.numpy() == 4)


def test_gradient_argument_for_non_scalar_outputs():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(mg.tensor([1.0, 0.5, 0.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 1.0, 0.0])


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.tensor([1.0]).sum().backward()


def test_second_backward_raises_unless_graph_retained():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_graph_frees_saved_arrays_after_backward():
    x = mg.randn(100, 100, requires_grad=True)
    h = x.exp()  # Exp saves its output
    node = h.grad_fn
    h.sum().backward()
    assert node._saved == () and node._freed


def test_intermediate_tensors_are_not_kept_alive_by_the_graph():
    x = mg.randn(10, requires_grad=True)
    hidden = x + 1  # Add saves nothing: nothing but our name holds this tensor
    ref = weakref.ref(hidden)
    y = (hidden * 2).sum()
    del hidden
    gc.collect()
    y.backward()
    # Mul saved the *array*, not the tensor; the tensor object itself is gone.
    assert ref() is None


def test_training_loop_graph_is_collected():
    w = mg.randn(5, 5, requires_grad=True)
    refs = []
    for _ in range(3):
        loss = (mg.randn(4, 5) @ w).relu().sum()
        refs.append(weakref.ref(loss.grad_fn))
        loss.backward()
        del loss
    gc.collect()
    assert all(r() is None for r in refs)


def test_100000_op_chain_needs_no_recursion():
    x = mg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_no_grad_context_and_decorator():
    x = mg.ones(2, requires_grad=True)
    with mg.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None

    @mg.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad
    assert mg.is_grad_enabled()


def test_enable_grad_inside_no_grad_and_set_grad_enabled():
    x = mg.ones(2, requires_grad=True)
    with mg.no_grad():
        with mg.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    with mg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert mg.is_grad_enabled()
    mg.set_grad_enabled(False)
    assert not mg.is_grad_enabled()
    mg.set_grad_enabled(True)
    assert mg.is_grad_enabled()


def test_retain_grad_on_non_leaf():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [6.0, 12.0])
    assert h.retains_grad and not h.is_leaf


def test_custom_function_with_save_for_backward():
    class Cube(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    y = Cube.apply(x)
    assert "CubeBackward" in repr(y)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])
    assert mg.autograd.gradcheck(Cube.apply, (x,))


def test_custom_function_with_two_outputs_and_a_non_tensor_argument():
    class ScaleBoth(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor):
            ctx.factor = factor
            return x * factor, x + factor

        @staticmethod
        def backward(ctx, grad_scaled, grad_shifted):
            return grad_scaled * ctx.factor + grad_shifted, None

    x = mg.tensor([1.0, 2.0], requires_grad=True)
    scaled, shifted = ScaleBoth.apply(x, 3.0)
    scaled.sum().backward()  # only one output used: the other's gradient is zero
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_custom_function_wrong_gradient_shape_is_reported():
    class Bad(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return mg.ones(7)

    x = mg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="invalid gradient at index 0 - got \\[7\\] but expected shape compatible with \\[3\\]"):
        Bad.apply(x).sum().backward()


def test_in_place_on_leaf_requiring_grad_raises_outside_no_grad():
    w = mg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w.add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 5.0
    with mg.no_grad():
        w.add_(1).mul_(2)
        w[0] = 7.0
        w.sub_(mg.ones(3))
    np.testing.assert_allclose(w.numpy(force=True), [6.0, 3.0, 3.0])


def test_in_place_ops_under_no_grad():
    t = mg.zeros(2, 3)
    t.fill_(2.0)
    t[0, 1] = 5.0
    t[1] = mg.tensor([1.0, 2.0, 3.0])
    u = mg.empty(2, 3).copy_(t)
    np.testing.assert_allclose(u.numpy(), [[2, 5, 2], [1, 2, 3]])
    u.zero_()
    assert float(u.sum()) == 0.0


def test_in_place_on_non_leaf_is_recorded():
    x = mg.tensor([-1.0, 2.0], requires_grad=True)
    h = x * 2
    h.relu_()
    assert h.grad_fn.name() == "ReluBackward0"
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 2.0])


def test_setitem_with_autograd_routes_gradients():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = mg.tensor(10.0, requires_grad=True)
    h = x * 1
    h[1] = v * 2
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 1.0])
    assert v.grad.item() == 2.0


def test_modifying_a_saved_tensor_in_place_is_detected():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0])
    y = a * b  # Mul saves b to compute a's gradient
    b.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_in_place_change_of_an_unsaved_input_is_fine():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0])
    y = a + b  # Add saves nothing
    b.mul_(2)
    y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.0, 1.0])


def test_autograd_grad_returns_without_accumulating():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    (g,) = mg.autograd.grad(y, x)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    assert x.grad is None


def test_backward_inputs_restricts_accumulation():
    a = mg.tensor(1.0, requires_grad=True)
    b = mg.tensor(2.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None


def test_detach_shares_storage_and_stops_gradients():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad
    with mg.no_grad():
        x.mul_(3)
    np.testing.assert_allclose(d.numpy(), [3.0, 6.0])


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        mg.tensor([1, 2]).requires_grad_()
    y = mg.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad = False


def test_mixed_dtype_gradients_come_back_in_each_inputs_dtype():
    a = mg.ones(3, dtype=mg.float32, requires_grad=True)
    b = mg.ones(3, dtype=mg.float64, requires_grad=True)
    out = a * b
    assert out.dtype == mg.float64
    out.sum().backward()
    assert a.grad.dtype == mg.float32 and b.grad.dtype == mg.float64


def test_leaf_gradients_never_alias_each_other_or_the_callers_gradient():
    a = mg.ones(3, requires_grad=True)
    b = mg.ones(3, requires_grad=True)
    c = mg.ones(6, requires_grad=True)
    (a + b + c.reshape(2, 3)[0]).sum().backward()  # one gradient array flows to a, b and (a view) c
    with mg.no_grad():
        a.grad.mul_(10)
    np.testing.assert_allclose(b.grad.numpy(), [1, 1, 1])
    np.testing.assert_allclose(c.grad.numpy(), [1, 1, 1, 0, 0, 0])
    seed = mg.tensor([1.0, 2.0, 3.0])
    x = mg.zeros(3, requires_grad=True)
    x.backward(seed)
    with mg.no_grad():
        x.grad.zero_()
    np.testing.assert_allclose(seed.numpy(), [1.0, 2.0, 3.0])
