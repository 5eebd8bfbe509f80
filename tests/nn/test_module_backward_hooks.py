"""Module.register_full_backward_hook / register_full_backward_pre_hook: what the hooks receive,
replacing gradients, order in nested modules, handles, the no-input-grad case and errors (each
scenario also run in PyTorch where it is installed)."""
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def values(grads):
    """Tensors (or a tuple of tensors / None) as nested lists, rounded for comparing frameworks."""
    if isinstance(grads, (tuple, list)):
        return tuple(values(g) for g in grads)
    return None if grads is None else np.round(np.asarray(grads.detach().numpy(), dtype=np.float64), 5).tolist()


def linear(lib, n_in: int, n_out: int, seed: int):
    """A Linear layer with the same weights in either framework."""
    rng = np.random.default_rng(seed)
    layer = lib.nn.Linear(n_in, n_out)
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(rng.standard_normal((n_out, n_in)).astype(np.float32)))
        layer.bias.copy_(lib.tensor(rng.standard_normal(n_out).astype(np.float32)))
    return layer


def two_inputs(lib):
    """A module with two tensor inputs, a non-tensor one and two outputs."""
    class TwoInputs(lib.nn.Module):
        def forward(self, a, b, scale):
            return a * b * scale, a + b

    return TwoInputs()


X = np.array([[1.0, -2.0, 0.5], [0.0, 1.5, -1.0]], dtype=np.float32)


# ---- scenarios, written once for either framework ---------------------------------------------
def linear_hooks(lib):
    log = []
    layer = linear(lib, 3, 2, seed=0)
    layer.register_full_backward_pre_hook(lambda m, go: log.append(("pre", type(m).__name__, values(go))))
    layer.register_full_backward_hook(lambda m, gi, go: log.append(("full", values(gi), values(go))))
    x = lib.tensor(X, requires_grad=True)
    out = layer(x)
    (out * lib.tensor([1.0, -3.0])).sum().backward()
    return log, out.grad_fn.name(), values(x.grad), values(layer.weight.grad)


def nested_order(lib):
    log = []
    net = lib.nn.Sequential(linear(lib, 3, 3, seed=1), lib.nn.ReLU(), linear(lib, 3, 2, seed=2))
    for name, module in [("seq", net), ("0", net[0]), ("1", net[1]), ("2", net[2])]:
        module.register_full_backward_pre_hook(lambda m, go, name=name: log.append(("pre", name)))
        module.register_full_backward_hook(lambda m, gi, go, name=name: log.append(("full", name, values(gi))))
    net(lib.tensor(X, requires_grad=True)).sum().backward()
    return log


def two_inputs_grads(lib):
    """b does not require grad (zeros in grad_input), 3.0 is no tensor (None), the second output
    gets no gradient (None in grad_output)."""
    log = []
    module = two_inputs(lib)
    module.register_full_backward_pre_hook(lambda m, go: log.append(("pre", values(go))))
    module.register_full_backward_hook(lambda m, gi, go: log.append(("full", values(gi), values(go))))
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, -1.0])
    product, _ = module(a, b, 3.0)
    product.sum().backward()
    return log, values(a.grad)


def replaced_grads(lib):
    """The pre-hook replaces grad_output, the hook then replaces grad_input."""
    layer = linear(lib, 3, 2, seed=3)
    layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 0 + 1,))
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
    x = lib.tensor(X, requires_grad=True)
    (layer(x) * 5).sum().backward()
    return values(x.grad), values(layer.bias.grad), values(layer.weight.grad)


def replaced_in_two_inputs(lib):
    module = two_inputs(lib)
    module.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1, None, "ignored"))
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, -1.0], requires_grad=True)
    product, total = module(a, b, 2.0)
    (product + total).sum().backward()
    return values(a.grad), b.grad


def no_input_requires_grad(lib):
    log = []
    layer = linear(lib, 3, 2, seed=4)
    layer.register_full_backward_hook(lambda m, gi, go: log.append((values(gi), values(go))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer(lib.tensor(X)).sum().backward()
    return log, [str(w.message)[:60] for w in caught], values(layer.bias.grad)


def integer_input(lib):
    log = []
    loss = lib.nn.CrossEntropyLoss()
    loss.register_full_backward_hook(lambda m, gi, go: log.append((values(gi), values(go), gi[1].dtype is lib.int64)))
    loss(lib.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True), lib.tensor([0, 2])).backward()
    return log


def hooks_of_the_call(lib):
    """Hooks are taken at call time: removing one after the call still runs it, adding one does not;
    prepend puts a hook first; a module called twice runs its hooks twice."""
    log = []
    layer = linear(lib, 3, 3, seed=5)
    removed = layer.register_full_backward_hook(lambda *a: log.append("removed after call"))
    layer.register_full_backward_hook(lambda *a: log.append("prepended"), prepend=True)
    layer.register_full_backward_pre_hook(lambda *a: log.append("pre"))
    layer.register_full_backward_pre_hook(lambda *a: log.append("pre prepended"), prepend=True)
    out = layer(layer(lib.tensor(X, requires_grad=True)))
    removed.remove()
    layer.register_full_backward_hook(lambda *a: log.append("added after call"))
    out.sum().backward()
    return log


def under_autograd_grad(lib):
    log = []
    layer = linear(lib, 3, 2, seed=6)
    layer.register_full_backward_pre_hook(lambda *a: log.append("pre"))
    layer.register_full_backward_hook(lambda *a: log.append("full"))
    x = lib.tensor(X, requires_grad=True)
    out = layer(x).sum()
    lib.autograd.grad(out, layer.weight, retain_graph=True)
    (gx,) = lib.autograd.grad(out, x)
    return log, values(gx)


SCENARIOS = [linear_hooks, nested_order, two_inputs_grads, replaced_grads, replaced_in_two_inputs,
             no_input_requires_grad, integer_input, hooks_of_the_call, under_autograd_grad]


def test_linear_hooks_see_the_gradients_at_its_boundary():
    log, grad_fn_name, x_grad, _ = linear_hooks(mg)
    layer = linear(mg, 3, 2, seed=0)
    go = np.tile([1.0, -3.0], (2, 1))
    expected_gi = np.round(go @ layer.weight.detach().numpy().astype(np.float64), 5).tolist()
    assert log == [("pre", "Linear", (go.tolist(),)), ("full", (expected_gi,), (go.tolist(),))]
    assert x_grad == expected_gi and grad_fn_name == "BackwardHookFunctionBackward"


def test_hooks_of_nested_modules_run_from_the_output_side_inwards():
    log = nested_order(mg)
    assert [entry[:2] for entry in log] == [("pre", "seq"), ("pre", "2"), ("full", "2"), ("pre", "1"),
                                            ("full", "1"), ("pre", "0"), ("full", "0"), ("full", "seq")]
    assert log[-1][2] == log[-2][2]  # the container's grad_input is its first layer's


def test_grad_input_and_grad_output_entries_for_non_tensors_and_missing_gradients():
    log, a_grad = two_inputs_grads(mg)
    assert log == [("pre", ([1.0, 1.0], None)), ("full", ([9.0, -3.0], [0.0, 0.0], None), ([1.0, 1.0], None))]
    assert a_grad == [9.0, -3.0]


def test_hooks_replace_grad_output_and_grad_input():
    x_grad, bias_grad, _ = replaced_grads(mg)
    layer = linear(mg, 3, 2, seed=3)
    assert bias_grad == [2.0, 2.0]  # grad_output replaced by ones (not 5s)
    expected = np.ones((2, 2)) @ layer.weight.detach().numpy().astype(np.float64) * 10
    np.testing.assert_allclose(x_grad, expected, rtol=1e-5)
    a_grad, b_grad = replaced_in_two_inputs(mg)
    assert a_grad == [2 * 3.0 + 1 + 1, 2 * -1.0 + 1 + 1] and b_grad is None


def test_without_input_gradients_the_hook_runs_at_the_outputs_with_a_warning():
    log, messages, bias_grad = no_input_requires_grad(mg)
    assert log == [((None,), ([[1.0, 1.0], [1.0, 1.0]],))]
    assert messages == ["Full backward hook is firing when gradients are computed wit"]
    assert bias_grad == [2.0, 2.0]


def test_an_integer_tensor_input_gets_a_zero_integer_grad_input():
    [(gi, go, is_int64)] = integer_input(mg)
    assert gi[1] == [0, 0] and is_int64 and go == (1.0,)
    assert np.allclose(np.sum(gi[0], axis=1), 0.0)  # softmax minus one-hot, over the batch mean


def test_hooks_are_those_of_the_call_and_run_per_call():
    assert hooks_of_the_call(mg) == ["pre prepended", "pre", "prepended", "removed after call"] * 2


def test_autograd_grad_runs_the_input_hook_only_when_the_inputs_are_differentiated():
    log, gx = under_autograd_grad(mg)
    assert log == ["pre", "pre", "full"]
    assert gx == values(mg.ones(2, 2) @ linear(mg, 3, 2, seed=6).weight)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenarios_match_torch(torch, scenario):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = scenario(mg), scenario(torch)
    assert ours == theirs


# ---- transparency, when hooks do not fire, errors ---------------------------------------------
def test_hooks_that_return_none_leave_every_gradient_unchanged():
    def grads(hooked: bool):
        mg.manual_seed(0)
        net = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
        if hooked:
            for module in (net, net[0], net[2]):
                module.register_full_backward_hook(lambda *a: None)
                module.register_full_backward_pre_hook(lambda *a: None)
        x = mg.tensor(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4), requires_grad=True)
        (net(x) ** 2).sum().backward()
        return [x.grad.numpy()] + [p.grad.numpy() for p in net.parameters()]

    for hooked, plain in zip(grads(True), grads(False)):
        np.testing.assert_array_equal(hooked, plain)


def test_no_hook_runs_without_a_graph_or_for_outputs_that_are_not_tensors():
    calls = []
    layer = linear(mg, 3, 2, seed=7)
    layer.register_full_backward_hook(lambda *a: calls.append("full"))
    with mg.no_grad():
        out = layer(mg.tensor(X, requires_grad=True))
    assert out.grad_fn is None and not out.requires_grad

    class ToDict(nn.Module):
        def forward(self, x):
            return {"y": x * 2}

    module = ToDict()
    module.register_full_backward_hook(lambda *a: calls.append("dict"))
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple of Tensors but received "
                                         "<class 'dict'>"):
        out = module(mg.ones(2, requires_grad=True))
    out["y"].sum().backward()
    assert calls == []


def _backward_through(layer, requires_grad: bool = True):
    layer(mg.tensor(X, requires_grad=requires_grad)).sum().backward()


def test_wrong_hook_results_raise_torch_errors():
    layer = linear(mg, 3, 2, seed=8)
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, got 2, but expected 1"):
        _backward_through(layer)
    layer = linear(mg, 3, 2, seed=8)
    layer.register_full_backward_pre_hook(lambda m, go: go[0] * 2)  # a tensor, not a tuple
    with pytest.raises(RuntimeError, match="Backward pre hook returned an invalid number of grad_output, got 2, "
                                           "but expected 1"):
        _backward_through(layer)

    def wrong_shape(m, gi, go):
        return (mg.ones(2, 4),)

    layer = linear(mg, 3, 2, seed=8)
    layer.register_full_backward_hook(wrong_shape)
    with pytest.raises(RuntimeError, match="hook 'wrong_shape' has changed the size of value"):
        _backward_through(layer)
    layer = linear(mg, 3, 2, seed=8)
    layer.register_full_backward_hook(lambda m, gi, go: (3,))
    with pytest.raises(TypeError, match="expected Variable, but hook returned 'int'"):
        _backward_through(layer)
    layer = linear(mg, 3, 2, seed=8)
    layer.register_full_backward_hook(lambda m, gi, go: (mg.ones(2, 3),))
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="Backward hook for Modules where no input "
                                                                      "requires gradient should always return None"):
        _backward_through(layer, requires_grad=False)


def test_wrong_hook_results_raise_the_same_types_in_torch(torch):
    cases = [("hook", lambda m, gi, go: (gi[0], gi[0]), True, RuntimeError),
             ("pre", lambda m, go: go[0] * 2, True, RuntimeError),
             ("hook", lambda m, gi, go: (torch.ones(2, 4),), True, RuntimeError),
             ("hook", lambda m, gi, go: (3,), True, TypeError),
             ("hook", lambda m, gi, go: (torch.ones(2, 3),), False, RuntimeError)]
    for kind, hook, requires_grad, error in cases:
        layer = linear(torch, 3, 2, seed=8)
        register = layer.register_full_backward_hook if kind == "hook" else layer.register_full_backward_pre_hook
        register(hook)
        with warnings.catch_warnings(), pytest.raises(error):
            warnings.simplefilter("ignore")
            layer(torch.tensor(X, requires_grad=requires_grad)).sum().backward()


def test_removed_hooks_do_not_run_on_later_calls():
    calls = []
    layer = linear(mg, 3, 2, seed=9)
    with layer.register_full_backward_hook(lambda *a: calls.append("full")):
        pre = layer.register_full_backward_pre_hook(lambda *a: calls.append("pre"))
        pre.remove()
    _backward_through(layer)
    assert calls == [] and not layer._backward_hooks and not layer._backward_pre_hooks
