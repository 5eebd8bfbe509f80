"""ParameterList and ParameterDict: registration, indexing, dict/list methods, reprs and state_dict
keys (against PyTorch's where installed), and training through them."""
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


def arrays():
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(np.float32) for shape in ((3, 4), (2,), (4, 1))]


# ---- ParameterList --------------------------------------------------------------------------
def test_parameter_list_wraps_tensors_and_keeps_parameters():
    weight = nn.Parameter(minigrad.zeros(2))
    plain = minigrad.ones(3)
    params = nn.ParameterList([weight, plain])
    assert params[0] is weight
    assert type(params[1]) is nn.Parameter and params[1].requires_grad
    assert np.shares_memory(params[1]._data, plain._data)  # wrapped, not copied
    assert list(params.parameters()) == [weight, params[1]]
    assert [name for name, _ in params.named_parameters()] == ["0", "1"]


def test_parameter_list_keeps_other_objects_as_they_are():
    linear = nn.Linear(2, 3)
    params = nn.ParameterList([minigrad.zeros(2), 5, linear])
    assert params[1] == 5 and params[2] is linear and len(params) == 3
    assert list(params.state_dict()) == ["0", "2.weight", "2.bias"]  # the Linear is a registered child


def test_parameter_list_indexing():
    params = nn.ParameterList(minigrad.tensor(a) for a in arrays())
    entries = list(params)
    assert len(params) == 3 and len(entries) == 3
    assert params[-1] is entries[2] and params[-3] is entries[0]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        params[3]
    with pytest.raises(IndexError, match="index -4 is out of range"):
        params[-4]
    with pytest.raises(TypeError):
        params["0"]


def test_parameter_list_slices_are_new_lists_of_the_same_parameters():
    params = nn.ParameterList(minigrad.tensor(a) for a in arrays())
    tail = params[1:]
    assert type(tail) is nn.ParameterList and list(tail) == [params[1], params[2]]
    assert [name for name, _ in tail.named_parameters()] == ["0", "1"]
    assert list(params[::-2]) == [params[2], params[0]]
    assert len(params[5:]) == 0


def test_parameter_list_mutation():
    params = nn.ParameterList()
    assert params.append(minigrad.zeros(1)) is params
    assert params.extend([minigrad.ones(2), minigrad.ones(3)]) is params
    params += [minigrad.ones(4)]
    assert [p.shape for p in params] == [(1,), (2,), (3,), (4,)]
    replacement = minigrad.full((5,), 2.0)
    params[-1] = replacement
    assert type(params[3]) is nn.Parameter and params[3].shape == (5,)
    assert len(list(params.parameters())) == 4
    with pytest.raises(IndexError, match="index 4 is out of range"):
        params[4] = minigrad.zeros(1)


def test_parameter_list_rejects_what_torch_rejects():
    params = nn.ParameterList([minigrad.zeros(2)])
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable, but got Tensor"):
        params.extend(minigrad.zeros(3))
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable, but got int"):
        params.extend(3)
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        params(minigrad.zeros(2))
    with pytest.raises(TypeError, match="cannot assign 'int' as parameter '0'"):
        params[0] = 7
    with pytest.raises(RuntimeError, match="floating point"):
        nn.ParameterList([minigrad.zeros(2, dtype=minigrad.int64)])
    assert not hasattr(params, "insert")  # PyTorch's ParameterList has no insert


def test_parameter_list_dir_hides_the_numbered_entries():
    params = nn.ParameterList([minigrad.zeros(1), minigrad.zeros(2)])
    listing = dir(params)
    assert "append" in listing and "0" not in listing and "1" not in listing


def test_parameter_list_repr():
    params = nn.ParameterList([minigrad.zeros(3, 4), 5, minigrad.zeros(2, dtype=minigrad.float64)])
    assert repr(params) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [minigrad.float32 of size 3x4]\n"
        "    (1): Object of type: int\n"
        "    (2): Parameter containing: [minigrad.float64 of size 2]\n"
        ")"
    )
    assert repr(nn.ParameterList()) == "ParameterList()"


# ---- ParameterDict --------------------------------------------------------------------------
def test_parameter_dict_registers_under_its_keys():
    weight = nn.Parameter(minigrad.zeros(2))
    params = nn.ParameterDict(OrderedDict([("w", weight), ("b", minigrad.ones(3))]))
    assert params["w"] is weight and type(params["b"]) is nn.Parameter
    assert [name for name, _ in params.named_parameters()] == ["w", "b"]
    assert list(params.state_dict()) == ["w", "b"]


def test_parameter_dict_orders_a_plain_dict_by_key_and_pairs_as_given():
    assert list(nn.ParameterDict({"b": minigrad.zeros(1), "a": minigrad.zeros(1)})) == ["a", "b"]
    assert list(nn.ParameterDict([("b", minigrad.zeros(1)), ("a", minigrad.zeros(1))])) == ["b", "a"]
    assert list(nn.ParameterDict(OrderedDict(b=minigrad.zeros(1), a=minigrad.zeros(1)))) == ["b", "a"]


def test_parameter_dict_methods():
    params = nn.ParameterDict([("x", minigrad.zeros(1)), ("y", minigrad.zeros(2)), ("n", 3)])
    assert len(params) == 3 and "x" in params and "z" not in params
    assert list(params.keys()) == ["x", "y", "n"] and list(reversed(params)) == ["n", "y", "x"]
    assert [k for k, _ in params.items()] == ["x", "y", "n"] and list(params.values())[2] == 3
    assert params.get("z") is None and params.get("z", 4) == 4 and params.get("n") == 3
    y = params["y"]
    assert params.pop("y") is y and "y" not in params and len(list(params.parameters())) == 1
    assert params.popitem() == ("n", 3) and list(params) == ["x"]
    assert params.setdefault("x") is params["x"]
    default = params.setdefault("w", minigrad.ones(2))
    assert type(default) is nn.Parameter and params["w"] is default
    del params["x"]
    assert list(params) == ["w"] and [n for n, _ in params.named_parameters()] == ["w"]
    params.clear()
    assert len(params) == 0 and list(params.parameters()) == []
    with pytest.raises(KeyError, match="popitem"):
        params.popitem()


def test_parameter_dict_update_copy_fromkeys_and_union():
    first = nn.ParameterDict([("a", minigrad.zeros(1))])
    second = nn.ParameterDict([("b", minigrad.ones(1)), ("a", minigrad.ones(2))])
    copy = first.copy()
    assert type(copy) is nn.ParameterDict and copy["a"] is first["a"] and copy is not first
    merged = first | second
    assert list(merged) == ["a", "b"] and merged["a"] is second["a"] and first["a"].shape == (1,)
    reverse = second.__ror__(first)  # what `first | second` falls back to for a non-ParameterDict `first`
    assert reverse["a"] is second["a"]
    first |= second
    assert first["b"] is second["b"]
    keys = first.fromkeys(["p", "q"], minigrad.zeros(3))
    assert list(keys) == ["p", "q"] and all(type(v) is nn.Parameter for v in keys.values())
    assert len(first) == 2  # fromkeys made a new dict


def test_parameter_dict_rejects_what_torch_rejects():
    params = nn.ParameterDict()
    with pytest.raises(TypeError, match="cannot be used as a key as it is not a string \\(type is 'int'\\)"):
        params[1] = minigrad.zeros(1)
    assert len(params) == 0
    with pytest.raises(AttributeError, match="'ParameterDict' object has no attribute 'missing'"):
        params["missing"]
    with pytest.raises(TypeError, match="ParametersDict.update should be called with an iterable of key/value "
                                        "pairs, but got int"):
        params.update(3)
    with pytest.raises(TypeError, match="ParameterDict update sequence element #1 should be Iterable; isint"):
        params.update([("a", minigrad.zeros(1)), 5])
    assert list(params) == ["a"]  # pairs before the bad one are added, as in PyTorch
    with pytest.raises(ValueError, match="ParameterDict update sequence element #0 has length 3; 2 is required"):
        params.update([("a", 1, 2)])
    with pytest.raises(RuntimeError, match="ParameterDict should not be called."):
        params(minigrad.zeros(1))


def test_parameter_dict_repr():
    params = nn.ParameterDict({"b": minigrad.zeros(3, 4), "a": 5,
                               "c": nn.Parameter(minigrad.zeros(2, dtype=minigrad.float64), requires_grad=False)})
    assert repr(params) == (
        "ParameterDict(\n"
        "    (a): Object of type: int\n"
        "    (b): Parameter containing: [minigrad.FloatTensor of size 3x4]\n"
        "    (c): Parameter containing: [minigrad.DoubleTensor of size 2]\n"
        ")"
    )


# ---- inside a model -------------------------------------------------------------------------
def build(module):
    """An MLP whose weights live in a ParameterList and biases in a ParameterDict, from minigrad or
    torch (``module``), with the same initial values."""
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(s).astype(np.float32) * 0.5 for s in ((2, 8), (8, 1))]

    class Model(module.nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = module.nn.ParameterList(module.tensor(w) for w in weights)
            self.biases = module.nn.ParameterDict({"layer0": module.zeros(8), "layer1": module.zeros(1)})
            self.scale = module.nn.Linear(1, 1)

    model = Model()
    with module.no_grad():
        model.scale.weight.fill_(1.0)
        model.scale.bias.fill_(0.0)
    return model


def forward(model, x, module):
    hidden = module.tanh(x @ model.weights[0] + model.biases["layer0"])
    return model.scale(hidden @ model.weights[1] + model.biases["layer1"])


def test_model_state_dict_named_parameters_and_repr_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = build(minigrad), build(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == [
        "weights.0", "weights.1", "biases.layer0", "biases.layer1", "scale.weight", "scale.bias"]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert repr(ours).replace("minigrad", "torch") == repr(theirs)
    for key, value in ours.state_dict().items():
        assert np.array_equal(value.numpy(), theirs.state_dict()[key].numpy()), key


def test_container_reprs_match_torch():
    torch = pytest.importorskip("torch")
    for module_reprs in ([], [5]):
        made = []
        for module in (minigrad, torch):
            items = [module.zeros(3, 4), *module_reprs, module.zeros(2, dtype=module.float64), module.nn.Linear(2, 3)]
            made.append((module.nn.ParameterList(items),
                         module.nn.ParameterDict({f"k{i}": item for i, item in enumerate(items)})))
        for ours, theirs in zip(*made):
            assert repr(ours).replace("minigrad", "torch") == repr(theirs)
            assert list(ours.state_dict()) == list(theirs.state_dict())


def test_training_through_the_containers_matches_torch():
    """Full-batch SGD on a tiny regression task: the loss falls and the weights follow PyTorch's."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, (32, 2)).astype(np.float32)
    y = (np.sin(2 * x[:, :1]) + x[:, 1:] ** 2).astype(np.float32)
    runs = []
    for module, model in ((minigrad, build(minigrad)), (torch, build(torch))):
        optimizer = module.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses = []
        for _ in range(60):
            optimizer.zero_grad()
            loss = module.nn.functional.mse_loss(forward(model, module.tensor(x), module), module.tensor(y))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        runs.append((losses, {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}))
    (ours, our_state), (theirs, their_state) = runs
    assert ours[-1] < 0.3 * ours[0]
    assert ours == pytest.approx(theirs, rel=1e-4, abs=1e-6)
    for key in their_state:
        np.testing.assert_allclose(our_state[key], their_state[key], rtol=1e-4, atol=1e-5, err_msg=key)


def test_zero_grad_to_and_load_state_dict_reach_the_entries():
    model = build(minigrad)
    loss = forward(model, minigrad.ones(4, 2), minigrad).sum()
    loss.backward()
    assert model.weights[0].grad is not None and model.biases["layer1"].grad is not None
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    weight = model.weights[1]
    model.to(minigrad.float64)
    assert model.weights[1] is weight and weight.dtype == minigrad.float64
    assert model.biases["layer0"].dtype == minigrad.float64
    other = build(minigrad).double()
    with minigrad.no_grad():
        for p in other.parameters():
            p.add_(1.0)
    model.load_state_dict(other.state_dict())
    assert np.array_equal(model.weights[0].detach().numpy(), other.weights[0].detach().numpy())
    assert np.array_equal(model.biases["layer1"].detach().numpy(), other.biases["layer1"].detach().numpy())


def test_functional_use_of_a_parameter_list():
    params = nn.ParameterList([minigrad.ones(2, 3), minigrad.zeros(2)])
    out = F.linear(minigrad.ones(1, 3), *params)
    out.sum().backward()
    assert out.shape == (1, 2) and params[0].grad is not None and params[1].grad is not None
