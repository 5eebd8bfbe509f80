"""Module: registration rules, tree walks, state_dict round trips and errors, hooks, modes,
dtype moves, copies and reprs (against PyTorch where it is installed)."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(3, 2)
        self.scale = nn.Parameter(minigrad.ones(2))
        self.register_buffer("steps", minigrad.zeros(1))
        self.register_buffer("cache", minigrad.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def torch_net(torch):
    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(4, 3)
            self.act = torch.nn.ReLU()
            self.fc2 = torch.nn.Linear(3, 2)
            self.scale = torch.nn.Parameter(torch.ones(2))
            self.register_buffer("steps", torch.zeros(1))
            self.register_buffer("cache", torch.zeros(2), persistent=False)

    return TorchNet()


# ---- registration ----------------------------------------------------------------------------
def test_attribute_assignment_registers_parameters_modules_and_buffers():
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._modules) == ["fc1", "act", "fc2"]
    assert list(net._buffers) == ["steps", "cache"]
    assert net.fc1 is net._modules["fc1"] and net.scale is net._parameters["scale"]
    assert [name for name, _ in net.named_parameters()] == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [name for name, _ in net.named_buffers()] == ["steps", "cache"]
    assert [name for name, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]
    assert [name for name, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert len(list(net.parameters(recurse=False))) == 1
    assert [n for n, _ in net.named_parameters(prefix="model")][1] == "model.fc1.weight"


def test_parameter_names_and_buffers_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = Net(), torch_net(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_shared_module_is_listed_once_unless_duplicates_are_kept():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, shared)
    assert len(list(net.parameters())) == 2
    assert len(list(net.named_parameters(remove_duplicate=False))) == 4
    assert [n for n, _ in net.named_modules()] == ["", "0"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_reassignment_rules():
    net = Net()
    with pytest.raises(TypeError, match=r"cannot assign 'minigrad.FloatTensor' as parameter 'scale' "
                                        r"\(minigrad.nn.Parameter or None expected\)"):
        net.scale = minigrad.ones(2)
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'fc1'"):
        net.fc1 = 3
    with pytest.raises(TypeError, match="cannot assign 'int' as buffer 'steps'"):
        net.steps = 3
    net.steps = minigrad.ones(1)  # a tensor replaces a buffer
    assert "steps" in net._buffers and net.steps.item() == 1
    net.scale = None  # None keeps the slot, as bias=False does
    assert "scale" in net._parameters and net.scale is None
    net.fc2 = nn.Parameter(minigrad.ones(1))  # a Parameter under a module's name replaces the module
    assert "fc2" not in net._modules and isinstance(net.fc2, nn.Parameter)
    net.plain = 5
    assert net.plain == 5 and "plain" in net.__dict__


def test_reassignment_messages_match_torch():
    torch = pytest.importorskip("torch")
    messages = []
    for module, value in ((nn.Linear(2, 2), minigrad.ones(2)), (torch.nn.Linear(2, 2), torch.ones(2))):
        with pytest.raises(TypeError) as error:
            module.weight = value
        messages.append(str(error.value).replace("torch.", "minigrad."))
    assert messages[0] == messages[1]


def test_register_errors():
    net = nn.Module()
    with pytest.raises(KeyError, match="parameter name can.+t contain"):
        net.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="empty string"):
        net.register_buffer("", None)
    with pytest.raises(TypeError, match="parameter name should be a string"):
        net.register_parameter(1, None)
    with pytest.raises(TypeError, match="cannot assign 'minigrad.FloatTensor' object to parameter 'w'"):
        net.register_parameter("w", minigrad.ones(1))
    with pytest.raises(TypeError, match="cannot assign 'int' object to buffer 'b'"):
        net.register_buffer("b", 1)
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        net.add_module("m", 1)
    net.x = 1
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        net.register_buffer("x", minigrad.ones(1))
    non_leaf = nn.Parameter(minigrad.ones(2))
    non_leaf._grad_fn = (minigrad.ones(2, requires_grad=True) * 2).grad_fn  # a Parameter with history
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'w'"):
        net.register_parameter("w", non_leaf)


def test_assigning_before_init_raises():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minigrad.ones(1))

    with pytest.raises(AttributeError, match=r"cannot assign parameters before Module.__init__\(\) call"):
        Broken()


def test_getattr_and_delattr():
    net = Net()
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'foo'"):
        net.foo
    del net.fc1, net.scale, net.steps
    assert "fc1" not in net._modules and "scale" not in net._parameters and "steps" not in net._buffers
    with pytest.raises(AttributeError):
        del net.missing


def test_dir_lists_members_but_not_digit_keys():
    names = dir(nn.Sequential(nn.Linear(1, 1)))
    assert "forward" in names and "training" in names and "0" not in names
    assert {"fc1", "scale", "steps"} <= set(dir(Net()))


def test_init_rejects_arguments():
    with pytest.raises(TypeError, match=r"Module.__init__\(\) takes 1 positional argument but 2 were given"):
        nn.Module(3)


def test_missing_forward():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required "forward" function'):
        nn.Module()(1)


def test_get_submodule_parameter_buffer():
    net = nn.Sequential(OrderedDict(block=Net()))
    assert net.get_submodule("block.fc1") is net.block.fc1
    assert net.get_submodule("") is net
    assert net.get_parameter("block.fc2.bias") is net.block.fc2.bias
    assert net.get_buffer("block.steps") is net.block.steps
    with pytest.raises(AttributeError, match="Net has no attribute `nope`"):
        net.get_submodule("block.nope")
    with pytest.raises(AttributeError, match="`scale` is not an nn.Module"):
        net.get_submodule("block.scale")
    with pytest.raises(AttributeError, match="`act` is not an nn.Parameter"):
        net.get_parameter("block.act")
    with pytest.raises(AttributeError, match="`scale` is not a buffer"):
        net.get_buffer("block.scale")


# ---- state_dict ------------------------------------------------------------------------------
def test_state_dict_holds_detached_tensors_sharing_storage():
    net = Net()
    state = net.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state) == ["scale", "steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert not state["fc1.weight"].requires_grad and not isinstance(state["fc1.weight"], nn.Parameter)
    assert np.shares_memory(state["fc1.weight"].numpy(), net.fc1.weight.detach().numpy())
    assert net.state_dict(keep_vars=True)["fc1.weight"] is net.fc1.weight
    assert list(net.state_dict(prefix="m."))[0] == "m.scale"


def test_load_state_dict_copies_in_place():
    source, target = Net(), Net()
    weight = target.fc1.weight
    result = target.load_state_dict(source.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.fc1.weight is weight  # the same Parameter object: optimizers keep working
    assert minigrad.equal(target.fc1.weight, source.fc1.weight)
    assert not np.shares_memory(target.fc1.weight.detach().numpy(), source.fc1.weight.detach().numpy())


def test_load_state_dict_strict_errors():
    net = Net()
    state = net.state_dict()
    del state["fc1.bias"]
    state["fc3.weight"] = minigrad.ones(1)
    state["extra"] = minigrad.ones(1)
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    assert str(error.value) == (
        "Error(s) in loading state_dict for Net:\n"
        '\tMissing key(s) in state_dict: "fc1.bias". \n'
        '\tUnexpected key(s) in state_dict: "fc3.weight", "extra". '
    )
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["fc1.bias"] and result.unexpected_keys == ["fc3.weight", "extra"]
    assert repr(result) == "_IncompatibleKeys(missing_keys=['fc1.bias'], unexpected_keys=['fc3.weight', 'extra'])"


def test_load_state_dict_size_mismatch_is_an_error_even_when_not_strict():
    net = Net()
    state = net.state_dict()
    state["fc1.weight"] = minigrad.ones(5, 4)
    for strict in (True, False):
        with pytest.raises(RuntimeError) as error:
            net.load_state_dict(state, strict=strict)
        assert str(error.value) == (
            "Error(s) in loading state_dict for Net:\n\tsize mismatch for fc1.weight: copying a param with shape "
            "minigrad.Size([5, 4]) from checkpoint, the shape in current model is minigrad.Size([3, 4])."
        )


def test_load_state_dict_errors_match_torch():
    torch = pytest.importorskip("torch")
    messages = []
    for net, ones in ((Net(), minigrad.ones), (torch_net(torch), torch.ones)):
        state = net.state_dict()
        del state["fc2.bias"]
        state["fc1.weight"] = ones(5, 4)
        state["bogus.weight"] = ones(1)
        with pytest.raises(RuntimeError) as error:
            net.load_state_dict(state)
        messages.append(str(error.value).replace("torch.", "minigrad.").replace("TorchNet", "Net"))
    assert messages[0] == messages[1]


def test_load_state_dict_rejects_non_mappings_and_non_tensors():
    net = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        net.load_state_dict([1, 2])
    with pytest.raises(RuntimeError, match='While copying the parameter named "bias", expected minigrad.Tensor'):
        net.load_state_dict({"weight": net.weight.detach(), "bias": [1.0, 2.0]})


def test_load_state_dict_casts_dtype_and_assign_replaces():
    net = nn.Linear(2, 2)
    state = {k: v.double() * 0 + 1 for k, v in net.state_dict().items()}
    net.load_state_dict(state)
    assert net.weight.dtype == minigrad.float32 and net.weight.sum().item() == 4
    old = net.weight
    net.load_state_dict(state, assign=True)
    assert net.weight is not old and isinstance(net.weight, nn.Parameter) and net.weight.dtype == minigrad.float64


def test_non_persistent_buffer_is_not_saved_or_expected():
    net = Net()
    assert "cache" not in net.state_dict()
    assert net.load_state_dict(net.state_dict()).missing_keys == []


# ---- calling and hooks -----------------------------------------------------------------------
def test_forward_hooks_can_read_and_replace_inputs_and_outputs():
    layer = nn.Linear(2, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: calls.append("pre") or (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: calls.append("post") or out + 1)
    out = layer(minigrad.ones(1, 2))
    assert calls == ["pre", "post"]
    assert minigrad.allclose(out, layer.bias + 1)
    pre.remove()
    post.remove()
    assert minigrad.allclose(layer(minigrad.zeros(1, 2)), layer.bias)
    assert calls == ["pre", "post"]


def test_hook_order_prepend_kwargs_and_context_manager():
    layer = nn.Identity()
    order = []
    layer.register_forward_hook(lambda m, a, o: order.append("second"))
    layer.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True)
    with layer.register_forward_hook(lambda m, a, kw, o: order.append(("kw", kw)), with_kwargs=True):
        layer(1)
    layer(1)
    assert order == ["first", "second", ("kw", {}), "first", "second"]
    swap = layer.register_forward_pre_hook(lambda m, args, kwargs: ((5,), kwargs), with_kwargs=True)
    assert layer(1) == 5
    swap.remove()
    layer.register_forward_pre_hook(lambda m, args, kwargs: 7, with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        layer(1)


# ---- modes, gradients, dtype -----------------------------------------------------------------
def test_train_eval_propagate():
    net = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.Dropout()))
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad():
    net = Net()
    net(minigrad.randn(3, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and p.grad.abs().sum().item() == 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_then_self():
    seen = []
    net = Net()
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "Net"]


def test_to_dtype_keeps_parameter_identity_and_grads():
    net = Net()
    net(minigrad.randn(3, 4)).sum().backward()
    weight = net.fc1.weight
    net.to(minigrad.float64)
    assert net.fc1.weight is weight and isinstance(weight, nn.Parameter) and weight.requires_grad
    assert weight.dtype == minigrad.float64 and weight.grad.dtype == minigrad.float64
    assert net.steps.dtype == minigrad.float64
    assert net(minigrad.randn(3, 4, dtype=minigrad.float64)).dtype == minigrad.float64
    net.float()
    assert weight.dtype == minigrad.float32 and net.to("cpu") is net
    net.double()
    assert weight.dtype == minigrad.float64
    net.to(minigrad.ones(1))  # to(tensor): its dtype
    assert weight.dtype == minigrad.float32
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes, but got "
                                        "desired dtype=minigrad.int64"):
        net.to(minigrad.int64)


def test_integer_buffers_keep_their_dtype():
    net = nn.Module()
    net.register_buffer("count", minigrad.zeros(1, dtype=minigrad.int64))
    net.double()
    assert net.count.dtype == minigrad.int64


# ---- copies and repr -------------------------------------------------------------------------
def test_deepcopy_and_pickle_give_independent_equal_modules():
    net = Net()
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert type(clone) is Net and repr(clone) == repr(net)
        assert clone.fc1.weight is not net.fc1.weight and isinstance(clone.fc1.weight, nn.Parameter)
        for (name, a), (_, b) in zip(clone.state_dict().items(), net.state_dict().items()):
            assert minigrad.equal(a, b), name
        with minigrad.no_grad():
            clone.fc1.weight.fill_(0)
        assert net.fc1.weight.abs().sum().item() > 0


def test_deepcopy_keeps_shared_parameters_shared():
    shared = nn.Linear(2, 2)
    clone = copy.deepcopy(nn.Sequential(shared, shared))
    assert clone[0] is clone[1]


def test_nested_repr_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Sequential(nn.Dropout(0.2), nn.Linear(300, 10)))
    theirs = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(),
                                 torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(300, 10)))
    assert repr(ours) == repr(theirs)
    assert repr(ours) == (
        "Sequential(\n  (0): Linear(in_features=784, out_features=300, bias=True)\n  (1): ReLU()\n"
        "  (2): Sequential(\n    (0): Dropout(p=0.2, inplace=False)\n"
        "    (1): Linear(in_features=300, out_features=10, bias=True)\n  )\n)"
    )


def test_extra_repr_with_children_uses_one_line_per_item():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.ReLU()

        def extra_repr(self):
            return "factor=2"

    assert repr(Scaled()) == "Scaled(\n  factor=2\n  (inner): ReLU()\n)"
    assert repr(nn.Module()) == "Module()"


def test_parameter_shares_data_and_prints_as_torch():
    data = minigrad.tensor([1.0, 2.0])
    param = nn.Parameter(data)
    assert param.requires_grad and param.is_leaf and isinstance(param, minigrad.Tensor)
    with minigrad.no_grad():
        data.add_(1)
    assert param.tolist() == [2.0, 3.0]
    assert repr(param) == "Parameter containing:\ntensor([2., 3.], requires_grad=True)"
    assert repr(nn.Parameter(minigrad.ones(1), requires_grad=False)) == "Parameter containing:\ntensor([1.])"
    assert nn.Parameter().shape == (0,)
    assert not isinstance(param * 2, nn.Parameter)
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(minigrad.tensor([1, 2]))
    with pytest.raises(TypeError, match="expects data to be a Tensor"):
        nn.Parameter([1.0])


def test_parameter_repr_matches_torch():
    torch = pytest.importorskip("torch")
    values = [[0.5, -1.25], [3.0, 4.0]]
    assert repr(nn.Parameter(minigrad.tensor(values))) == repr(torch.nn.Parameter(torch.tensor(values)))


def test_buffer_assignment_registers_with_persistence():
    net = nn.Module()
    net.running = nn.Buffer(minigrad.zeros(2))
    net.scratch = nn.Buffer(minigrad.ones(1), persistent=False)
    assert list(net._buffers) == ["running", "scratch"] and list(net.state_dict()) == ["running"]
    net.scratch = minigrad.zeros(1)  # a plain tensor keeps the slot's persistence
    assert list(net.state_dict()) == ["running"]
    assert repr(nn.Buffer(minigrad.ones(2))) == "tensor([1., 1.])" and not nn.Buffer(minigrad.ones(1)).requires_grad


def test_integer_parameter_error_matches_torch():
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require gradients$"):
        nn.Parameter(minigrad.tensor([1, 2]))
    assert nn.Parameter(minigrad.tensor([1, 2]), requires_grad=False).dtype == minigrad.int64
