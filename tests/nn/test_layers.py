"""Layers and their functional forms: float64 gradcheck, PyTorch parity (outputs, gradients,
reprs) from identical weights, in-place forms inside a training graph, Dropout's mask, Linear's init."""
import math
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

# (minigrad layer, the same layer built from torch.nn). Lambdas so every test gets fresh modules.
ACTIVATIONS = {
    "ReLU": lambda m: m.ReLU(),
    "ReLU(inplace)": lambda m: m.ReLU(inplace=True),
    "LeakyReLU": lambda m: m.LeakyReLU(),
    "LeakyReLU(0.2, inplace)": lambda m: m.LeakyReLU(0.2, inplace=True),
    "Sigmoid": lambda m: m.Sigmoid(),
    "Tanh": lambda m: m.Tanh(),
    "GELU": lambda m: m.GELU(),
    "GELU(tanh)": lambda m: m.GELU(approximate="tanh"),
    "SiLU": lambda m: m.SiLU(),
    "SiLU(inplace)": lambda m: m.SiLU(inplace=True),
    "ELU": lambda m: m.ELU(),
    "ELU(0.5, inplace)": lambda m: m.ELU(alpha=0.5, inplace=True),
    "Softmax(1)": lambda m: m.Softmax(dim=1),
    "Softmax(0)": lambda m: m.Softmax(dim=0),
    "LogSoftmax(1)": lambda m: m.LogSoftmax(dim=1),
    "Identity": lambda m: m.Identity(),
    "Flatten": lambda m: m.Flatten(),
    "Flatten(0, 1)": lambda m: m.Flatten(0, 1),
    "Unflatten": lambda m: m.Unflatten(1, (2, 3)),
    "Dropout(eval)": lambda m: m.Dropout(0.3).eval(),
}


def sample(*shape, seed=0, dtype=np.float64):
    # Values kept away from 0, where ReLU-like kinks would break finite differences.
    values = np.random.default_rng(seed).uniform(0.1, 2.0, shape) * np.random.default_rng(seed + 1).choice([-1, 1], shape)
    return values.astype(dtype)


def through_linear(layer):
    """x -> layer(Linear(x)): in-place layers need a non-leaf input, as in a real network."""
    linear = nn.Linear(6, 6).double()
    return lambda x: layer(linear(x))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_gradcheck(name):
    layer = ACTIVATIONS[name](nn)
    x = minigrad.tensor(sample(2, 6), requires_grad=True)
    assert gradcheck(through_linear(layer), (x,))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = ACTIVATIONS[name](nn), ACTIVATIONS[name](torch.nn)
    assert repr(ours) == repr(theirs)
    x = sample(2, 6, dtype=np.float32)
    grad = sample(2, 6, seed=5, dtype=np.float32)
    # A Linear in front, from identical weights, so in-place layers run inside a graph.
    linear, torch_linear = nn.Linear(6, 6), torch.nn.Linear(6, 6)
    torch_linear.load_state_dict({k: torch.tensor(v.numpy()) for k, v in linear.state_dict().items()})
    mx, tx = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    m_out, t_out = ours(linear(mx)), theirs(torch_linear(tx))
    assert m_out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    m_out.backward(minigrad.tensor(grad.reshape(m_out.shape)))
    t_out.backward(torch.tensor(grad.reshape(t_out.shape)))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(linear.weight.grad.numpy(), torch_linear.weight.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bias", [True, False])
def test_linear_gradcheck(bias):
    layer = nn.Linear(3, 2, bias=bias).double()
    x = minigrad.tensor(sample(4, 3), requires_grad=True)
    weight = layer.weight
    assert gradcheck(lambda x, w: F.linear(x, w, layer.bias), (x, weight))
    if bias:
        assert gradcheck(lambda b: F.linear(x.detach(), weight.detach(), b), (layer.bias,))


def test_linear_matches_torch_for_batched_input():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(5, 3), torch.nn.Linear(5, 3)
    assert repr(ours) == repr(theirs) == "Linear(in_features=5, out_features=3, bias=True)"
    assert repr(nn.Linear(2, 1, bias=False)) == repr(torch.nn.Linear(2, 1, bias=False))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = sample(2, 4, 5, dtype=np.float32)
    m_out, t_out = ours(minigrad.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    m_out.sum().backward()
    t_out.sum().backward()
    for name in ("weight", "bias"):
        np.testing.assert_allclose(getattr(ours, name).grad.numpy(), getattr(theirs, name).grad.numpy(), rtol=1e-5)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_linear_wrong_in_features():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\)"):
        nn.Linear(3, 2)(minigrad.randn(4, 5))


def test_linear_bias_of_a_wrong_shape_raises_as_pytorch():
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(4\) must match the existing size \(5\)"):
        F.linear(minigrad.randn(2, 3), minigrad.randn(4, 3), minigrad.randn(5))


def test_linear_expands_a_broadcastable_bias_like_pytorch():
    x, weight, bias = minigrad.randn(2, 3), minigrad.randn(4, 3), minigrad.randn(2, 4)
    np.testing.assert_allclose(F.linear(x, weight, bias).numpy(), x.numpy() @ weight.numpy().T + bias.numpy(),
                               rtol=1e-6)


def test_linear_init_bounds_and_spread():
    minigrad.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) on fan_in 400, and the bias rule
    weight, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert np.abs(weight).max() <= bound and np.abs(bias).max() <= bound
    assert np.abs(weight).max() > 0.99 * bound
    np.testing.assert_allclose(weight.std(), bound / math.sqrt(3), rtol=0.02)  # std of U(-b, b)
    assert abs(weight.mean()) < 0.01 * bound
    assert layer.weight.dtype == minigrad.float32 and layer.weight.shape == (300, 400)
    assert nn.Linear(2, 2, dtype=minigrad.float64).weight.dtype == minigrad.float64


def test_linear_init_repeats_with_manual_seed():
    minigrad.manual_seed(3)
    first = nn.Linear(4, 4).state_dict()
    minigrad.manual_seed(3)
    second = nn.Linear(4, 4).state_dict()
    assert all(minigrad.equal(first[k], second[k]) for k in first)


def test_inplace_relu_after_linear_trains_like_out_of_place():
    minigrad.manual_seed(1)
    plain = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1))
    inplace = nn.Sequential(nn.Linear(4, 5), nn.ReLU(inplace=True), nn.Linear(5, 1))
    inplace.load_state_dict(plain.state_dict())
    x = minigrad.randn(8, 4)
    for net in (plain, inplace):
        net(x).sum().backward()
    for a, b in zip(plain.parameters(), inplace.parameters()):
        assert minigrad.allclose(a.grad, b.grad)
    hidden = inplace[0](x)
    assert inplace[1](hidden) is hidden and hidden.grad_fn.name() == "ReluBackward0"


def test_functional_inplace_forms_modify_their_input():
    x = minigrad.tensor([-1.0, 2.0])
    assert F.relu_(x) is x and x.tolist() == [0.0, 2.0]
    y = minigrad.tensor([-1.0, 2.0])
    assert F.leaky_relu_(y, 0.5) is y and y.tolist() == [-0.5, 2.0]
    z = minigrad.tensor([0.0])
    assert F.elu_(z) is z and F.silu(z, inplace=True) is z


def test_activation_values():
    x = minigrad.tensor([-2.0, 0.0, 3.0])
    assert F.leaky_relu(x, 0.1).tolist() == pytest.approx([-0.2, 0.0, 3.0])
    assert F.elu(x, alpha=2.0).tolist() == pytest.approx([2 * (math.exp(-2) - 1), 0.0, 3.0])
    assert F.silu(x).tolist() == pytest.approx([-2 / (1 + math.exp(2)), 0.0, 3 / (1 + math.exp(-3))])
    assert F.gelu(x).tolist() == pytest.approx([-2 * 0.5 * (1 + math.erf(-2 / math.sqrt(2))), 0.0,
                                                3 * 0.5 * (1 + math.erf(3 / math.sqrt(2)))], rel=1e-6)
    assert F.silu(minigrad.tensor([-1000.0, 1000.0])).tolist() == [-0.0, 1000.0]  # no overflow
    assert F.elu(minigrad.tensor([1000.0])).tolist() == [1000.0]


def test_activation_errors_match_torch():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh."):
        nn.GELU(approximate="fast")(minigrad.ones(1))
    with pytest.raises(NotImplementedError, match="\"silu_cpu\" not implemented for 'Long'"):
        F.silu(minigrad.tensor([1, 2]))


def test_softmax_implicit_dim_warns_and_picks_torchs_dim():
    x = minigrad.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"):
        out = nn.Softmax()(x)
    assert minigrad.allclose(out, F.softmax(x, dim=1))
    with pytest.warns(UserWarning, match="log_softmax"):
        assert minigrad.allclose(F.log_softmax(x), F.log_softmax(x, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmax(x, dim=0, dtype=minigrad.float64)


def test_flatten_unflatten():
    x = minigrad.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Unflatten(1, (2, 2))) == "Unflatten(dim=1, unflattened_size=(2, 2))"
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found element of type float at pos 1"):
        nn.Unflatten(1, (2, 2.0))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found type int"):
        nn.Unflatten(1, 4)


# ---- dropout ---------------------------------------------------------------------------------
def test_dropout_zeroes_and_rescales():
    minigrad.manual_seed(0)
    layer = nn.Dropout(p=0.25)
    x = minigrad.ones(200, 100)
    out = layer(x).numpy()
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.01
    assert layer.eval()(x) is x


def test_dropout_mask_repeats_with_manual_seed_and_backward_uses_it():
    x = minigrad.randn(10, 10, requires_grad=True)
    minigrad.manual_seed(7)
    first = F.dropout(x, 0.5)
    minigrad.manual_seed(7)
    second = F.dropout(x, 0.5)
    assert minigrad.equal(first, second) and first.grad_fn.name() == "MulBackward0"
    first.sum().backward()
    assert minigrad.equal(x.grad, (first.detach() != 0).float() * 2)


def test_dropout_gradcheck_with_fixed_mask():
    def seeded_dropout(x):
        minigrad.manual_seed(11)
        return F.dropout(x, 0.4)

    x = minigrad.tensor(sample(5, 4), requires_grad=True)
    assert gradcheck(seeded_dropout, (x,))


def test_dropout_edge_probabilities_and_inplace():
    x = minigrad.randn(3, 3, requires_grad=True)
    assert F.dropout(x, 0.0) is x
    assert F.dropout(x, 1.0).abs().sum().item() == 0
    hidden = x * 1
    assert F.dropout(hidden, 0.5, inplace=True) is hidden
    hidden.sum().backward()
    assert minigrad.equal(x.grad, (hidden.detach() != 0).float() * 2)
    kept = x * 1
    version = kept._version
    assert F.dropout(kept, 0.5, training=False, inplace=True) is kept and kept._version == version


def test_dropout_rejects_bad_probability():
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            F.dropout(minigrad.ones(1), p)


def test_dropout_repr_and_train_mode_match_torch():
    torch = pytest.importorskip("torch")
    assert repr(nn.Dropout()) == repr(torch.nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    assert repr(nn.Dropout(0.1, inplace=True)) == repr(torch.nn.Dropout(0.1, inplace=True))
