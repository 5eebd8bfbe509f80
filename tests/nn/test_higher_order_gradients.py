"""Higher-order gradients through the norms, activations and losses (create_graph=True).

Per-op Hessian-vector products against PyTorch, and gradgradcheck over the same cases, are in
tests/core/test_double_backward.py and test_gradgradcheck.py; here: third derivatives against
PyTorch, Hessian-vector products through small networks, what PyTorch cannot differentiate twice
(cdist, hardsigmoid) against a composite PyTorch form, dropout's mask, and the backward nodes'
names.
"""
from __future__ import annotations

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

TARGETS = [0, 3, 1]

# fn(lib, x) -> a tensor; each of one input (3, 4) unless its shape is given.
THIRD_ORDER = [
    ("softmax", lambda L, x: L.softmax(x, 1)),
    ("log_softmax", lambda L, x: L.log_softmax(x, 0)),
    ("gelu", lambda L, x: L.nn.functional.gelu(x)),
    ("gelu_tanh", lambda L, x: L.nn.functional.gelu(x, approximate="tanh")),
    ("softplus", lambda L, x: L.nn.functional.softplus(x, beta=2.0)),
    ("mish", lambda L, x: L.nn.functional.mish(x)),
    ("glu", lambda L, x: L.nn.functional.glu(x, 1)),
    ("relu_square", lambda L, x: L.relu(x) ** 3),
    ("batch_norm_eval", lambda L, x: L.nn.functional.batch_norm(
        x, L.tensor([0.25, -0.5, 0.0, 1.0], dtype=L.float64), L.tensor([0.5, 2.0, 1.0, 4.0], dtype=L.float64),
        training=False) ** 3),
    ("group_norm", lambda L, x: L.nn.functional.group_norm(x.reshape(1, 4, 3), 2) ** 2),
    ("cross_entropy", lambda L, x: L.nn.functional.cross_entropy(x, L.tensor(TARGETS), label_smoothing=0.2,
                                                                 reduction="none") ** 2),
    ("cross_entropy_probabilities", lambda L, x: L.nn.functional.cross_entropy(x, (x * x).softmax(1))),
    ("nll_loss", lambda L, x: L.nn.functional.nll_loss(x.log_softmax(1), L.tensor(TARGETS), reduction="none") ** 2),
    ("mse_loss", lambda L, x: L.nn.functional.mse_loss(x * x, x.sin(), reduction="none")),
]


def _seeded(seed: int, shape) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _derivatives(lib, fn, x_values: np.ndarray, order: int) -> np.ndarray:
    """d/dx <w, d/dx <u, d/dx <v, fn(x)>>> (order 3) or d/dx <u, d/dx <v, fn(x)>> (order 2):
    nested create_graph passes with fixed random weights v, u, w."""
    x = lib.tensor(x_values, dtype=lib.float64, requires_grad=True)
    out = fn(lib, x)
    weights = [lib.tensor(_seeded(seed, shape), dtype=lib.float64)
               for seed, shape in ((1, tuple(out.shape)), (2, x_values.shape), (3, x_values.shape))]
    (derivative,) = lib.autograd.grad(out, x, weights[0], create_graph=True)
    for weight in weights[1:order]:
        (derivative,) = lib.autograd.grad((derivative * weight).sum(), x, create_graph=True)
    return derivative.detach().numpy()


@pytest.mark.parametrize("name, fn", THIRD_ORDER, ids=[case[0] for case in THIRD_ORDER])
def test_third_derivatives_match_pytorch(name, fn):
    x_values = _seeded(0, (3, 4))
    np.testing.assert_allclose(_derivatives(minigrad, fn, x_values, 3), _derivatives(torch, fn, x_values, 3),
                               rtol=1e-7, atol=1e-9)


NORM_THIRD_ORDER = [
    ("batch_norm", lambda L, x: L.nn.functional.batch_norm(
        x, None, None, L.tensor([0.5, -2.0, 1.5, 1.0], dtype=L.float64), None, training=True) ** 2),
    ("layer_norm", lambda L, x: L.nn.functional.layer_norm(x, (4,), L.tensor(
        [0.5, -2.0, 1.5, 1.0], dtype=L.float64)) ** 2),
]


@pytest.mark.parametrize("name, fn", NORM_THIRD_ORDER, ids=[case[0] for case in NORM_THIRD_ORDER])
def test_third_derivatives_of_batch_and_layer_norm_match_differences_of_pytorchs_second(name, fn):
    """PyTorch's own third derivative here is off: its double-backward node takes the saved mean
    and invstd as constants, so their dependence on x drops out. minigrad's second derivative
    recomputes them from x; its third derivative is checked against central differences of
    PyTorch's (correct) second derivative along w instead."""
    x_values, direction, eps = _seeded(0, (3, 4)), _seeded(3, (3, 4)), 1e-5
    numeric = (_derivatives(torch, fn, x_values + eps * direction, 2)
               - _derivatives(torch, fn, x_values - eps * direction, 2)) / (2 * eps)
    np.testing.assert_allclose(_derivatives(minigrad, fn, x_values, 3), numeric, rtol=1e-6, atol=1e-6)


# ---- networks ---------------------------------------------------------------------------------
def _mlp(lib, hidden):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(6, 5), *hidden(lib), lib.nn.Linear(5, 4)).double()


HIDDEN = {
    "relu": lambda L: [L.nn.ReLU()],
    "softplus": lambda L: [L.nn.Softplus()],
    "gelu": lambda L: [L.nn.GELU()],
    "gelu_tanh": lambda L: [L.nn.GELU(approximate="tanh")],
    "batch_norm_relu": lambda L: [L.nn.BatchNorm1d(5), L.nn.ReLU()],
    "layer_norm_gelu": lambda L: [L.nn.LayerNorm(5), L.nn.GELU()],
    "mish_log_softmax": lambda L: [L.nn.Mish(), L.nn.LogSoftmax(1)],
}


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_hessian_vector_products_through_an_mlp_match_pytorch(hidden):
    """Linear - hidden - Linear - cross_entropy: H u for every parameter and for the input."""
    rng = np.random.default_rng(7)
    x_values = rng.standard_normal((8, 6))
    targets = rng.integers(0, 4, 8)
    ours, theirs = _mlp(minigrad, hidden), _mlp(torch, hidden)
    for mine, reference in zip(ours.parameters(), theirs.parameters()):
        mine.data = minigrad.tensor(reference.detach().numpy().copy())
    directions = None
    results = []
    for lib, net in ((minigrad, ours), (torch, theirs)):
        x = lib.tensor(x_values, requires_grad=True)
        wrt = [x, *net.parameters()]
        loss = lib.nn.functional.cross_entropy(net(x), lib.tensor(targets))
        grads = lib.autograd.grad(loss, wrt, create_graph=True)
        directions = directions or [rng.standard_normal(tuple(g.shape)) for g in grads]
        total = sum((g * lib.tensor(u)).sum() for g, u in zip(grads, directions))
        results.append([h.detach().numpy() for h in lib.autograd.grad(total, wrt)])
    for mine, reference in zip(*results):
        np.testing.assert_allclose(mine, reference, rtol=1e-8, atol=1e-11)


# ---- what PyTorch does not differentiate twice ------------------------------------------------
def _hessian_vector_product(lib, fn, arrays: list) -> list:
    tensors = [lib.tensor(a, requires_grad=True) for a in arrays]
    grads = lib.autograd.grad(fn(tensors).sum(), tensors, create_graph=True)
    total = sum((g * lib.tensor(_seeded(8 + i, a.shape))).sum() for i, (g, a) in enumerate(zip(grads, arrays)))
    return [h.detach().numpy() for h in lib.autograd.grad(total, tensors)]


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0])
def test_cdist_differentiates_twice_as_its_composite_form(p):
    arrays = [_seeded(9, (3, 4)), _seeded(10, (2, 4))]
    ours = _hessian_vector_product(minigrad, lambda t: minigrad.cdist(t[0], t[1], p=p) ** 2, arrays)
    reference = _hessian_vector_product(
        torch, lambda t: torch.linalg.vector_norm(t[0][:, None] - t[1][None], p, dim=-1) ** 2, arrays)
    for mine, theirs in zip(ours, reference):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)


def test_hardsigmoid_differentiates_twice_as_its_composite_form():
    """PyTorch raises for hardsigmoid's double backward; minigrad's is relu6(x + 3) / 6's."""
    arrays = [np.linspace(-4.5, 4.5, 12).reshape(3, 4) + 0.01]  # both sides of both kinks
    ours = _hessian_vector_product(minigrad, lambda t: minigrad.nn.functional.hardsigmoid(t[0]) * t[0] ** 2, arrays)
    reference = _hessian_vector_product(
        torch, lambda t: torch.nn.functional.relu6(t[0] + 3) / 6 * t[0] ** 2, arrays)
    np.testing.assert_allclose(ours[0], reference[0], rtol=1e-12)


@pytest.mark.parametrize("feature", [False, True], ids=["dropout", "dropout2d"])
def test_dropout_second_derivative_uses_the_same_mask(feature):
    """y = dropout(x^2) = m x^2 with the scaled mask m: d<v, y>/dx = 2 m v x, so H u = 2 m v u."""
    minigrad.manual_seed(0)
    x_values, v_values, u_values = (_seeded(seed, (4, 6, 3)) for seed in (11, 12, 13))
    x = minigrad.tensor(x_values, requires_grad=True)
    dropout = minigrad.nn.functional.dropout2d if feature else minigrad.nn.functional.dropout
    y = dropout(x * x, 0.4, training=True)
    mask = y.detach().numpy() / x_values ** 2
    (g,) = minigrad.autograd.grad(y, x, minigrad.tensor(v_values), create_graph=True)
    (hvp,) = minigrad.autograd.grad((g * minigrad.tensor(u_values)).sum(), x)
    assert set(np.round(np.unique(mask), 9)) == {0.0, round(1 / 0.6, 9)}
    np.testing.assert_allclose(g.detach().numpy(), 2 * mask * v_values * x_values, rtol=1e-12)
    np.testing.assert_allclose(hvp.numpy(), 2 * mask * v_values * u_values, rtol=1e-12)


# ---- the recorded backward's nodes --------------------------------------------------------------
NODE_NAMES = [
    ("relu", lambda L, x: L.relu(x)),
    ("gelu", lambda L, x: L.nn.functional.gelu(x)),
    ("softmax", lambda L, x: L.softmax(x, 1)),
    ("log_softmax", lambda L, x: L.log_softmax(x, 1)),
    ("batch_norm", lambda L, x: L.nn.functional.batch_norm(x, None, None, training=True)),
    ("batch_norm_eval", lambda L, x: L.nn.functional.batch_norm(x, L.zeros(4, dtype=L.float64),
                                                                L.ones(4, dtype=L.float64))),
    ("layer_norm", lambda L, x: L.nn.functional.layer_norm(x, (4,))),
]


@pytest.mark.parametrize("name, fn", NODE_NAMES, ids=[case[0] for case in NODE_NAMES])
def test_recorded_backward_nodes_are_named_as_in_pytorch(name, fn):
    names = []
    for lib in (minigrad, torch):
        x = lib.tensor(_seeded(14, (3, 4)), requires_grad=True)
        (g,) = lib.autograd.grad(fn(lib, x).sum(), x, create_graph=True)
        names.append(g.grad_fn.name())
    assert names[0] == names[1]


def test_without_create_graph_the_gradients_record_nothing():
    x = minigrad.tensor(_seeded(15, (3, 4)), requires_grad=True)
    for loss in (minigrad.nn.functional.cross_entropy(minigrad.nn.functional.layer_norm(x, (4,)),
                                                      minigrad.tensor(TARGETS)),
                 minigrad.nn.functional.gelu(minigrad.softmax(x, 0)).sum()):
        (g,) = minigrad.autograd.grad(loss, x)
        assert g.grad_fn is None and not g.requires_grad
