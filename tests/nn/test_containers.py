"""Sequential, ModuleList and ModuleDict: indexing, mutation, reprs (PyTorch's, where installed)."""
from collections import OrderedDict

import pytest

import minigrad
import minigrad.nn as nn


def layers():
    return [nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3), nn.Tanh()]


def test_sequential_chains_forward():
    net = nn.Sequential(*layers())
    x = minigrad.randn(4, 1)
    expected = net[3](net[2](net[1](net[0](x))))
    assert minigrad.equal(net(x), expected)
    assert nn.Sequential()(x) is x


def test_sequential_indexing():
    parts = layers()
    net = nn.Sequential(*parts)
    assert len(net) == 4 and list(net) == parts
    assert net[0] is parts[0] and net[-1] is parts[3] and net[-4] is parts[0]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        net[4]
    with pytest.raises(IndexError, match="index -5 is out of range"):
        net[-5]
    with pytest.raises(TypeError):
        net["0"]


def test_sequential_slice_keeps_original_keys():
    net = nn.Sequential(*layers())
    tail = net[1:3]
    assert type(tail) is nn.Sequential and list(tail) == [net[1], net[2]]
    assert repr(tail) == "Sequential(\n  (1): ReLU()\n  (2): Linear(in_features=2, out_features=3, bias=True)\n)"
    assert list(net[::-2]._modules) == ["3", "1"]


def test_sequential_slice_repr_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.Softmax(dim=1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2), torch.nn.Softmax(dim=1))
    for index in (slice(1, None), slice(None, None, 2), slice(-2, None)):
        assert repr(ours[index]) == repr(theirs[index])


def test_sequential_from_ordered_dict():
    net = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert net.fc is net[0] and list(net.state_dict()) == ["fc.weight", "fc.bias"]
    assert repr(net).splitlines()[1] == "  (fc): Linear(in_features=2, out_features=2, bias=True)"


def test_sequential_mutation():
    a, b, c, d = layers()
    net = nn.Sequential(a, b)
    assert net.append(c) is net and list(net) == [a, b, c]
    net.insert(0, d)
    assert list(net) == [d, a, b, c] and list(net._modules) == ["0", "1", "2", "3"]
    net.insert(-1, d)
    assert list(net) == [d, a, b, d, c]
    del net[0]
    assert list(net) == [a, b, d, c] and list(net._modules) == ["0", "1", "2", "3"]
    del net[1:3]
    assert list(net) == [a, c] and list(net._modules) == ["0", "1"]
    net[1] = b
    assert list(net) == [a, b]
    assert net.pop(0) is a and list(net) == [b]
    net.extend([c, d])
    assert list(net) == [b, c, d]
    with pytest.raises(IndexError, match="Index out of range: 9"):
        net.insert(9, a)
    with pytest.raises(AssertionError, match="module should be of type"):
        net.insert(0, 3)


def test_sequential_addition():
    a, b, c, _ = layers()
    left, right = nn.Sequential(a, b), nn.Sequential(c)
    both = left + right
    assert list(both) == [a, b, c] and list(left) == [a, b]
    left += right
    assert list(left) == [a, b, c]
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential class"):
        left + [a]


def test_module_list():
    parts = layers()
    modules = nn.ModuleList(parts[:2])
    modules.append(parts[2])
    modules += [parts[3]]
    assert list(modules) == parts and modules[-1] is parts[3]
    assert type(modules[1:]) is nn.ModuleList and list(modules[1:]._modules) == ["0", "1", "2"]
    assert len(list(modules.parameters())) == 4
    modules.insert(1, parts[0])
    assert [m for m in modules] == [parts[0], parts[0], *parts[1:]]
    del modules[0]
    assert list(modules) == parts and list(modules._modules) == ["0", "1", "2", "3"]
    assert list(modules + nn.ModuleList([parts[0]]))[-1] is parts[0]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got int"):
        modules.extend(3)
    with pytest.raises(NotImplementedError):
        modules(1)


def test_module_list_repr_folds_repeats_as_torch():
    expected = ("ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n  (3): ReLU()\n"
                "  (4): Linear(in_features=2, out_features=2, bias=True)\n)")
    ours = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.Linear(2, 2)])
    assert repr(ours) == expected
    assert repr(nn.ModuleList()) == "ModuleList()"
    torch = pytest.importorskip("torch")
    theirs = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)] + [torch.nn.ReLU(), torch.nn.Linear(2, 2)])
    assert repr(theirs) == expected


def test_module_dict():
    linear, act = nn.Linear(2, 2), nn.ReLU()
    modules = nn.ModuleDict({"linear": linear})
    modules["act"] = act
    modules.update([("head", nn.Linear(2, 1))])
    assert list(modules) == ["linear", "act", "head"] and "act" in modules and len(modules) == 3
    assert modules["linear"] is linear and modules.act is act
    assert list(modules.keys()) == ["linear", "act", "head"] and list(modules.values())[1] is act
    assert [k for k, _ in modules.items()] == ["linear", "act", "head"]
    assert list(modules.state_dict()) == ["linear.weight", "linear.bias", "head.weight", "head.bias"]
    assert modules.pop("act") is act and "act" not in modules
    del modules["head"]
    assert list(modules) == ["linear"]
    modules.clear()
    assert len(modules) == 0
    with pytest.raises(TypeError, match="ModuleDict.update should be called with an iterable"):
        modules.update(3)
    with pytest.raises(ValueError, match="element #0 has length 1; 2 is required"):
        modules.update([("only",)])
    assert repr(nn.ModuleDict({"a": nn.ReLU()})) == "ModuleDict(\n  (a): ReLU()\n)"
