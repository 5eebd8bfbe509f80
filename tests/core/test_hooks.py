"""Tensor gradient hooks: register_hook (leaf and non-leaf), register_post_accumulate_grad_hook,
their interplay with retain_grad, autograd.grad and backward(inputs=...), handles and errors
(each scenario also run in PyTorch where it is installed)."""
import gc

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.hooks import RemovableHandle


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def values(t):
    return None if t is None else np.asarray(t.detach().numpy()).tolist()


# ---- scenarios, written once for either framework ---------------------------------------------
def leaf_hooks_in_order(lib):
    """Two leaf hooks (the first doubles), a post-accumulate hook; two backward passes."""
    log = []
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: log.append(("h1", values(g))) or g * 2)
    x.register_hook(lambda g: log.append(("h2", values(g))))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post", values(t.grad))))
    (x * 3).sum().backward()
    (x * x).sum().backward()
    return log, values(x.grad)


def non_leaf_hook_with_retain(lib):
    """A non-leaf hook replaces what flows on; retain_grad (before or after) sees the result."""
    x = lib.tensor([1.0, -1.0], requires_grad=True)
    y, z = x * 2, x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    z.register_hook(lambda g: g + 1)
    z.retain_grad()
    (y * z).sum().backward()
    return values(y.grad), values(z.grad), values(x.grad)


def hooks_under_autograd_grad(lib):
    """autograd.grad runs a captured leaf's hooks (not its post hooks), and a non-leaf target's
    hooks and retain, but nothing below the targets."""
    log = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: log.append("x") or g * 5)
    x.register_post_accumulate_grad_hook(lambda t: log.append("x post"))
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: log.append("y") or g + 1)
    out = (y * y).sum()
    (gy,) = lib.autograd.grad(out, y, retain_graph=True)
    (gx,) = lib.autograd.grad(out, x)
    return log, values(gy), values(gx), values(y.grad), x.grad


def backward_with_inputs(lib):
    """backward(inputs=...): a leaf input's hooks and post hooks run, an excluded leaf's do not;
    a non-leaf input retains its (hooked) gradient from then on."""
    log = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    x.register_hook(lambda g: log.append("x") or g * 2)
    x.register_post_accumulate_grad_hook(lambda t: log.append(("x post", values(t.grad))))
    w.register_hook(lambda g: log.append("w"))
    y = x * w
    y.register_hook(lambda g: log.append("y") or g * 10)
    y.sum().backward(inputs=[x], retain_graph=True)
    y.sum().backward(inputs=[y])
    return log, values(x.grad), w.grad, values(y.grad), y.retains_grad


def inplace_after_hooks(lib):
    """A hook stays with the value it was registered on; retain_grad follows the tensor."""
    log = []
    x = lib.tensor([1.0, 1.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: log.append(("old", values(g))))
    y.retain_grad()
    y.mul_(5)
    y.register_hook(lambda g: log.append(("new", values(g))))
    (y * 3).sum().backward()
    return log, values(y.grad), values(x.grad)


SCENARIOS = [leaf_hooks_in_order, non_leaf_hook_with_retain, hooks_under_autograd_grad, backward_with_inputs,
             inplace_after_hooks]


def test_leaf_hooks_run_in_order_before_accumulation_and_post_hooks_after():
    log, grad = leaf_hooks_in_order(mg)
    assert log == [("h1", [3.0, 3.0, 3.0]), ("h2", [6.0, 6.0, 6.0]), ("post", [6.0, 6.0, 6.0]),
                   ("h1", [2.0, 4.0, 6.0]), ("h2", [4.0, 8.0, 12.0]), ("post", [10.0, 14.0, 18.0])]
    assert grad == [10.0, 14.0, 18.0]


def test_non_leaf_hook_replaces_the_flowing_gradient_and_retained_grad_shows_it():
    y_grad, z_grad, x_grad = non_leaf_hook_with_retain(mg)
    # y*z: dy = z = [3, -3] -> *10; dz = y = [2, -2] -> +1; dx = 2*dy + 3*dz
    assert y_grad == [30.0, -30.0] and z_grad == [3.0, -1.0]
    assert x_grad == [2 * 30.0 + 3 * 3.0, 2 * -30.0 + 3 * -1.0]


def test_autograd_grad_runs_only_the_hooks_of_captured_and_needed_nodes():
    log, gy, gx, y_grad, x_grad = hooks_under_autograd_grad(mg)
    assert log == ["y", "y", "x"]
    assert gy == [5.0, 9.0] and y_grad == [10.0, 18.0]  # retained twice: both passes reach y
    assert gx == [(4 * 1 + 1) * 2 * 5, (4 * 2 + 1) * 2 * 5]
    assert x_grad is None


def test_backward_with_inputs_runs_the_hooks_of_the_inputs_only():
    log, x_grad, w_grad, y_grad, retains = backward_with_inputs(mg)
    assert log == ["y", "x", ("x post", [60.0, 80.0]), "y"]
    assert x_grad == [60.0, 80.0] and w_grad is None
    assert y_grad == [10.0, 10.0] and retains is True


def test_inplace_keeps_hooks_on_the_old_value_and_moves_retained_grad():
    log, y_grad, x_grad = inplace_after_hooks(mg)
    assert log == [("new", [3.0, 3.0]), ("old", [15.0, 15.0])]
    assert y_grad == [3.0, 3.0] and x_grad == [30.0, 30.0]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenarios_match_torch(torch, scenario):
    ours, theirs = scenario(mg), scenario(torch)
    assert ours == theirs


# ---- what hooks receive and may return --------------------------------------------------------
def test_hook_gets_a_gradient_tensor_with_grad_mode_off_once_per_pass():
    seen = []
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: seen.append((type(g), g.requires_grad, mg.is_grad_enabled(), values(g))))
    (y * y + y).sum().backward()  # y used three times: one hook call on the summed gradient
    assert seen == [(mg.Tensor, False, False, [2 * 2.0 + 1, 2 * 4.0 + 1])]


def test_hook_on_the_root_scales_everything_below():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * 2).sum()
    loss.register_hook(lambda g: g * 7)
    loss.backward()
    assert values(x.grad) == [14.0, 14.0]


def test_leaf_hooks_survive_between_graphs():
    x = mg.tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: g * 3)  # before any graph uses x
    gc.collect()
    (x * 1).sum().backward()
    gc.collect()
    (x * 1).sum().backward()
    assert values(x.grad) == [6.0]


def test_a_gradient_a_hook_kept_is_not_changed_by_later_accumulation():
    kept = []
    x = mg.tensor([1.0, 1.0], requires_grad=True)
    y = x + mg.tensor([5.0, 5.0])  # add passes y's gradient array on to x unchanged
    y.register_hook(kept.append)
    (y * 2).sum().backward()
    (x * 2).sum().backward()
    assert values(kept[0]) == [2.0, 2.0] and values(x.grad) == [4.0, 4.0]


def test_hook_may_change_the_gradient_in_place():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g.mul_(2))
    (x * 1).sum().backward()
    assert values(x.grad) == [2.0, 2.0]


def two_outputs(lib):
    """A Function computing (2x, 3x) whose backward records what it received."""
    class TwoOutputs(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, materialize):
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            ctx.received = (values(ga), values(gb))
            return (ga if ga is not None else 0) * 2 + (gb if gb is not None else 0) * 3, None

    return TwoOutputs


def unused_second_output(lib, materialize: bool):
    """Backward through the first output only: what the second output's hook and backward get."""
    seen = []
    x = lib.tensor([1.0, 1.0], requires_grad=True)
    a, b = two_outputs(lib).apply(x, materialize)
    b.register_hook(lambda g: seen.append(g))
    a.sum().backward()
    return seen, a.grad_fn.received, values(x.grad)


@pytest.mark.parametrize("materialize", [True, False])
def test_output_without_gradient_gets_none_in_its_hook_and_backward_as_configured(materialize):
    seen, received, x_grad = unused_second_output(mg, materialize)
    assert seen == [None]
    assert received == ([1.0, 1.0], [0.0, 0.0] if materialize else None)
    assert x_grad == [2.0, 2.0]


@pytest.mark.parametrize("materialize", [True, False])
def test_output_without_gradient_matches_torch(torch, materialize):
    assert unused_second_output(mg, materialize) == unused_second_output(torch, materialize)


def test_leaf_whose_gradient_is_none_runs_its_hooks_with_none():
    class NoGrad(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return None

    log = []
    x = mg.tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: log.append(g))
    x.register_post_accumulate_grad_hook(lambda t: log.append("post"))
    NoGrad.apply(x).sum().backward()
    assert log == [None, "post"] and x.grad is None


# ---- handles ----------------------------------------------------------------------------------
def test_removed_hooks_stop_running():
    calls = []
    x = mg.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: calls.append("hook") or g * 100)
    post = x.register_post_accumulate_grad_hook(lambda t: calls.append("post"))
    assert isinstance(handle, RemovableHandle)
    handle.remove()
    handle.remove()  # a second remove is harmless
    post.remove()
    (x * 1).sum().backward()
    assert calls == [] and values(x.grad) == [1.0]


def test_handle_as_context_manager_and_removal_during_backward():
    x = mg.tensor([1.0], requires_grad=True)
    with x.register_hook(lambda g: g * 9):
        (x * 1).sum().backward()
    assert values(x.grad) == [9.0]
    calls, handles = [], []
    handles.append(x.register_hook(lambda g: calls.append("first") or handles[1].remove()))
    handles.append(x.register_hook(lambda g: calls.append("second")))
    (x * 1).sum().backward()  # the removed hook still runs in this pass, as in PyTorch
    (x * 1).sum().backward()
    assert calls == ["first", "second", "first"]


# ---- errors -----------------------------------------------------------------------------------
def test_registration_errors():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        mg.ones(2).register_hook(lambda g: g)
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        mg.ones(2).register_post_accumulate_grad_hook(lambda t: None)
    y = mg.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf tensors"):
        y.register_post_accumulate_grad_hook(lambda t: None)


def bad_shape(g):
    return mg.ones(2)


@pytest.mark.parametrize("leaf", [True, False])
def test_wrong_results_raise_torch_errors(leaf):
    def run(hook):
        x = mg.ones(3, requires_grad=True)
        target = x if leaf else x * 1
        target.register_hook(hook)
        (target * 2).sum().backward()

    with pytest.raises(RuntimeError, match="^hook 'bad_shape' has changed the size of value$"):
        run(bad_shape)
    with pytest.raises(RuntimeError, match="has changed the size of value"):
        run(lambda g: mg.ones(1, 3))  # broadcastable is not enough
    with pytest.raises(RuntimeError, match=r"hook '<lambda>' has changed the type of value "
                                           r"\(was minigrad.FloatTensor got minigrad.DoubleTensor\)"):
        run(lambda g: g.double())
    with pytest.raises(TypeError, match="expected Variable, but hook returned 'int'"):
        run(lambda g: 3)


def test_wrong_results_raise_the_same_types_in_torch(torch):
    for hook, error in [(lambda g: torch.ones(2), RuntimeError), (lambda g: g.double(), RuntimeError),
                        (lambda g: 3, TypeError)]:
        x = torch.ones(3, requires_grad=True)
        x.register_hook(hook)
        with pytest.raises(error):
            (x * 2).sum().backward()


def test_replacing_a_none_gradient_and_returning_from_post_hooks_raise():
    x = mg.ones(2, requires_grad=True)
    a, b = two_outputs(mg).apply(x, True)
    b.register_hook(lambda g: mg.ones(2))
    with pytest.raises(RuntimeError, match="can't replace a None gradient with a non-None value"):
        a.sum().backward()
    x.register_post_accumulate_grad_hook(lambda t: t.grad)
    with pytest.raises(RuntimeError, match="Tensor post accumulate grad hooks should return None."):
        (x * 1).sum().backward()
