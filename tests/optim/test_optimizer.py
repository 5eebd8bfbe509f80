"""The Optimizer base class: construction errors, parameter groups, zero_grad, repr, state dicts."""
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import optim


def make_param(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return minigrad.tensor(data, requires_grad=True)


def test_empty_parameter_list_is_a_value_error():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)


def test_a_tensor_instead_of_an_iterable_is_a_type_error():
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got minigrad.FloatTensor"):
        optim.SGD(make_param(2), lr=0.1)


def test_non_tensor_parameters_are_a_type_error():
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is int"):
        optim.SGD([make_param(2), 3], lr=0.1)


def test_sets_of_parameters_are_rejected_for_their_unstable_order():
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {make_param(2)}}], lr=0.1)


def test_non_leaf_tensors_cannot_be_optimized():
    leaf = make_param(2)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.Adam([leaf * 2])


def test_non_leaf_tensor_that_retains_grad_can_be_optimized():
    computed = make_param(2) * 2
    computed.retain_grad()
    assert optim.SGD([computed], lr=0.1).param_groups[0]["params"][0] is computed


def test_a_parameter_in_two_groups_is_a_value_error():
    shared = make_param(2)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [shared]}, {"params": [make_param(3), shared]}], lr=0.1)


def test_duplicate_parameters_in_one_group_warn():
    p = make_param(2)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_groups_take_defaults_for_what_they_do_not_set():
    a, b = make_param(2), make_param(3)
    opt = optim.SGD([{"params": a}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    first, second = opt.param_groups
    assert first["params"] == [a] and first["lr"] == 0.1 and first["momentum"] == 0
    assert second["params"][0] is b and second["lr"] == 0.5 and second["momentum"] == 0.9


def test_add_param_group_checks_its_argument():
    opt = optim.SGD([make_param(2)], lr=0.1)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([make_param(2)])
    opt.add_param_group({"params": make_param(4), "lr": 0.01})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["lr"] == 0.01


def test_required_hyperparameter_must_be_given():
    from minigrad.optim.optimizer import Optimizer, required

    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter lr"):
        Optimizer([make_param(2)], {"lr": required})


def test_named_parameters_are_recorded_in_param_names():
    a, b = make_param(2), make_param(3)
    opt = optim.SGD([("layer.weight", a), ("layer.bias", b)], lr=0.1)
    assert opt.param_groups[0]["params"] == [a, b]
    assert opt.param_groups[0]["param_names"] == ["layer.weight", "layer.bias"]
    with pytest.raises(ValueError, match="with/without names"):
        optim.SGD([("w", a), b], lr=0.1)


def test_state_is_a_defaultdict_keyed_by_parameter():
    p = make_param(2)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    assert opt.state[p] == {}
    p.grad = minigrad.ones(2)
    opt.step()
    assert set(opt.state[p]) == {"momentum_buffer"}


def test_zero_grad_sets_gradients_to_none_by_default():
    p = make_param(3)
    p.sum().backward()
    opt = optim.SGD([p], lr=0.1)
    opt.zero_grad()
    assert p.grad is None


def test_zero_grad_without_set_to_none_fills_zeros_in_the_same_tensor():
    p = make_param(3)
    p.sum().backward()
    grad = p.grad
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(grad.numpy(), np.zeros(3, np.float32))


def test_step_skips_parameters_without_gradient():
    a, b = make_param(2), make_param(2, seed=1)
    before = b.detach().numpy().copy()
    a.grad = minigrad.ones(2)
    opt = optim.Adam([a, b], lr=0.1)
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), before)
    assert b not in opt.state and a in opt.state


def test_step_bumps_the_parameter_version_like_an_in_place_op():
    p = make_param(2)
    p.grad = minigrad.ones(2)
    version = p._version
    optim.SGD([p], lr=0.1).step()
    assert p._version > version


def test_closure_runs_with_grad_enabled_and_its_loss_is_returned():
    p = make_param(3)
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with minigrad.no_grad():
        loss = opt.step(closure)
    expected = make_param(3).detach().numpy()
    assert loss.item() == pytest.approx(float((expected**2).sum()), rel=1e-6)
    np.testing.assert_allclose(p.detach().numpy(), expected - 0.1 * 2 * expected, rtol=1e-6)


def test_base_class_step_is_abstract():
    from minigrad.optim.optimizer import Optimizer

    with pytest.raises(NotImplementedError):
        Optimizer([make_param(2)], {}).step()


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adadelta", "RMSprop"])
def test_repr_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    kwargs = {"lr": 0.1} if name == "SGD" else {}
    ours = getattr(optim, name)([{"params": [make_param(2)]}, {"params": [make_param(2)], "lr": 0.5}], **kwargs)
    theirs = getattr(torch.optim, name)(
        [{"params": [torch.zeros(2, requires_grad=True)]}, {"params": [torch.zeros(2, requires_grad=True)], "lr": 0.5}],
        **kwargs,
    )
    assert repr(ours) == repr(theirs)


def test_sgd_repr_text():
    assert repr(optim.SGD([make_param(2)], lr=0.1)) == (
        "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n"
        "    fused: None\n    lr: 0.1\n    maximize: False\n    momentum: 0\n    nesterov: False\n"
        "    weight_decay: 0\n)"
    )


def test_state_dict_uses_indices_across_groups():
    a, b, c = make_param(2), make_param(3), make_param(4)
    opt = optim.SGD([{"params": [a]}, {"params": [b, c], "lr": 0.5}], lr=0.1, momentum=0.9)
    for p in (a, c):
        p.grad = minigrad.ones(*p.shape)
    opt.step()
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0], [1, 2]]
    assert sorted(state["state"]) == [0, 2]
    assert state["state"][2]["momentum_buffer"] is opt.state[c]["momentum_buffer"]
    assert state["param_groups"][1]["lr"] == 0.5


def test_state_dict_does_not_alias_param_groups():
    opt = optim.SGD([make_param(2)], lr=0.1)
    state = opt.state_dict()
    state["param_groups"][0]["lr"] = 5.0
    assert opt.param_groups[0]["lr"] == 0.1


def test_load_state_dict_rejects_mismatched_groups():
    opt = optim.SGD([make_param(2)], lr=0.1)
    two_groups = optim.SGD([{"params": [make_param(2)]}, {"params": [make_param(2)]}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups.state_dict())
    bigger = optim.SGD([make_param(2), make_param(2)], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(bigger.state_dict())


def test_load_state_dict_restores_hyperparameters_and_keeps_own_params():
    p, q = make_param(2), make_param(2)
    source = optim.Adam([p], lr=0.3, betas=(0.8, 0.9))
    target = optim.Adam([q], lr=0.001)
    target.load_state_dict(source.state_dict())
    group = target.param_groups[0]
    assert group["params"] == [q] and group["lr"] == 0.3 and group["betas"] == (0.8, 0.9)


def test_load_state_dict_casts_buffers_to_the_parameter_dtype_but_not_the_step():
    p = make_param(3)
    p.grad = minigrad.ones(3)
    source = optim.Adam([p])
    source.step()
    target_param = minigrad.zeros(3, dtype=minigrad.float64, requires_grad=True)
    target = optim.Adam([target_param])
    target.load_state_dict(source.state_dict())
    state = target.state[target_param]
    assert state["exp_avg"].dtype == minigrad.float64
    assert state["step"].dtype == minigrad.float32


def test_state_dict_layout_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = [make_param(2, 3), make_param(3)]
    theirs = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in ours]
    opt = optim.Adam([{"params": ours[:1]}, {"params": ours[1:], "lr": 0.5}], amsgrad=True)
    topt = torch.optim.Adam([{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.5}], amsgrad=True)
    for p, tp in zip(ours, theirs):
        p.grad = minigrad.ones(*p.shape)
        tp.grad = torch.ones(tp.shape)
    opt.step()
    topt.step()
    state, tstate = opt.state_dict(), topt.state_dict()
    assert state["param_groups"] == tstate["param_groups"]
    assert list(state["state"]) == list(tstate["state"])
    for index, buffers in tstate["state"].items():
        assert list(state["state"][index]) == list(buffers)
        for name, value in buffers.items():
            np.testing.assert_allclose(state["state"][index][name].numpy(), value.numpy(), rtol=1e-6)
            assert state["state"][index][name].dtype.name == str(value.dtype).removeprefix("torch.")


def test_no_warnings_on_an_ordinary_step():
    p = make_param(2)
    p.grad = minigrad.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optim.SGD([p], lr=0.1).step()
