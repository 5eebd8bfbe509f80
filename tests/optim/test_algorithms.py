"""SGD, Adam, AdamW, Adadelta and RMSprop against PyTorch and against their own restarts.

Each trajectory starts from identical weights and feeds identical gradients for several steps,
across every option of the algorithm; float64 runs must agree to rounding, float32 runs to ~1e-6.
"""
import numpy as np
import pytest

import minigrad
from minigrad import optim

STEPS = 6
SHAPES = [(3, 4), (5,)]

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "maximize": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.02, "alpha": 0.9, "weight_decay": 0.1, "momentum": 0.7}),
    ("RMSprop", {"lr": 0.02, "centered": True, "maximize": True}),
    ("RMSprop", {"lr": 0.02, "centered": True, "momentum": 0.5, "eps": 1e-4}),
]
CASE_IDS = [f"{name}-{'-'.join(map(str, kwargs.values())) or 'defaults'}" for name, kwargs in CASES]


def initial_weights(dtype):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


def gradient_sequence(dtype, steps=STEPS):
    """Per step, one gradient per parameter; the second parameter gets none on step 2 (it is skipped)."""
    rng = np.random.default_rng(1)
    return [[None if (step == 2 and i == 1) else rng.standard_normal(shape).astype(dtype)
             for i, shape in enumerate(SHAPES)] for step in range(steps)]


def run_minigrad(name, kwargs, weights, gradients, optimizer=None, params=None):
    params = params or [minigrad.tensor(w.copy(), requires_grad=True) for w in weights]
    optimizer = optimizer or getattr(optim, name)(params, **kwargs)
    for step_gradients in gradients:
        for p, g in zip(params, step_gradients):
            p.grad = None if g is None else minigrad.tensor(g)
        optimizer.step()
    return params, optimizer


def run_torch(torch, name, kwargs, weights, gradients):
    params = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    optimizer = getattr(torch.optim, name)(params, **kwargs)
    for step_gradients in gradients:
        for p, g in zip(params, step_gradients):
            p.grad = None if g is None else torch.tensor(g)
        optimizer.step()
    return params, optimizer


@pytest.mark.parametrize("dtype, rtol, atol", [(np.float64, 1e-12, 1e-14), (np.float32, 1e-6, 1e-6)])
@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_trajectory_and_state_match_pytorch(name, kwargs, dtype, rtol, atol):
    torch = pytest.importorskip("torch")
    weights, gradients = initial_weights(dtype), gradient_sequence(dtype)
    params, optimizer = run_minigrad(name, kwargs, weights, gradients)
    tparams, toptimizer = run_torch(torch, name, kwargs, weights, gradients)
    for p, tp, w in zip(params, tparams, weights):
        assert p.dtype.numpy == dtype
        assert not np.array_equal(p.detach().numpy(), w)  # the optimizer did move the weights
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=rtol, atol=atol)
    state, tstate = optimizer.state_dict(), toptimizer.state_dict()
    assert state["param_groups"] == tstate["param_groups"]
    for index, buffers in tstate["state"].items():
        assert list(state["state"][index]) == list(buffers)
        for key, value in buffers.items():
            np.testing.assert_allclose(state["state"][index][key].numpy(), value.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_resuming_from_a_saved_state_dict_continues_identically(name, kwargs, tmp_path):
    weights, gradients = initial_weights(np.float32), gradient_sequence(np.float32, steps=2 * STEPS)
    uninterrupted, _ = run_minigrad(name, kwargs, weights, gradients)

    first_half, optimizer = run_minigrad(name, kwargs, weights, gradients[:STEPS])
    minigrad.save({"optimizer": optimizer.state_dict(), "weights": [p.detach() for p in first_half]},
                  tmp_path / "checkpoint.pt")
    checkpoint = minigrad.load(tmp_path / "checkpoint.pt")
    resumed = [minigrad.tensor(w.numpy(), requires_grad=True) for w in checkpoint["weights"]]
    fresh = getattr(optim, name)(resumed, lr=123.0)  # hyperparameters come from the checkpoint
    fresh.load_state_dict(checkpoint["optimizer"])
    run_minigrad(name, kwargs, weights, gradients[STEPS:], optimizer=fresh, params=resumed)

    for p, q in zip(uninterrupted, resumed):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_sgd_matches_the_hand_computed_update():
    p = minigrad.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.5, momentum=0.9, weight_decay=0.1)
    p.grad = minigrad.tensor([0.2, 0.4])
    opt.step()  # g = [0.2 + 0.1, 0.4 - 0.2]; b_1 = g
    np.testing.assert_allclose(p.detach().numpy(), [1 - 0.5 * 0.3, -2 - 0.5 * 0.2], rtol=1e-6)
    p.grad = minigrad.tensor([0.0, 0.0])
    opt.step()  # g = 0.1 θ_1; b_2 = 0.9 b_1 + g
    theta1 = np.array([0.85, -2.1])
    expected = theta1 - 0.5 * (0.9 * np.array([0.3, 0.2]) + 0.1 * theta1)
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-6)


def test_adam_first_step_moves_each_weight_by_lr():
    # With bias correction the first Adam step is -lr * sign(g) (up to eps).
    p = minigrad.tensor([1.0, 1.0, 1.0], requires_grad=True)
    p.grad = minigrad.tensor([3.0, -0.001, 50.0])
    optim.Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.detach().numpy(), [0.99, 1.01, 0.99], rtol=1e-5)


def test_adamw_decays_weights_without_gradient_contribution():
    p = minigrad.tensor([2.0], requires_grad=True)
    p.grad = minigrad.tensor([0.0])
    optim.AdamW([p], lr=0.1, weight_decay=0.5).step()
    assert p.item() == pytest.approx(2.0 * (1 - 0.1 * 0.5), rel=1e-6)


def test_optimizers_minimize_a_quadratic_through_autograd():
    target = minigrad.tensor([1.0, -2.0, 3.0])
    for name, kwargs in [("SGD", {"lr": 0.1, "momentum": 0.5}), ("Adam", {"lr": 0.1}), ("AdamW", {"lr": 0.1}),
                         ("Adadelta", {"lr": 10.0}), ("RMSprop", {"lr": 0.05})]:
        w = minigrad.zeros(3, requires_grad=True)
        opt = getattr(optim, name)([w], **kwargs)
        for _ in range(300):
            opt.zero_grad()
            ((w - target) ** 2).sum().backward()
            opt.step()
        np.testing.assert_allclose(w.detach().numpy(), target.numpy(), atol=0.05, err_msg=name)


def test_tensor_learning_rate_is_accepted():
    p = minigrad.tensor([1.0], requires_grad=True)
    p.grad = minigrad.tensor([1.0])
    optim.SGD([p], lr=minigrad.tensor(0.25)).step()
    assert p.item() == pytest.approx(0.75)
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        optim.SGD([p], lr=minigrad.tensor([0.1, 0.2]))


@pytest.mark.parametrize("make, message", [
    (lambda ps: optim.SGD(ps, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "Invalid momentum value: -1"),
    (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-0.5), "Invalid weight_decay value: -0.5"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda ps: optim.Adam(ps, lr=-1e-3), "Invalid learning rate: -0.001"),
    (lambda ps: optim.Adam(ps, eps=-1.0), "Invalid epsilon value: -1.0"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda ps: optim.Adam(ps, betas=(0, 0.9)), "betas must be either both floats or both Tensors"),
    (lambda ps: optim.AdamW(ps, weight_decay=-0.01), "Invalid weight_decay value: -0.01"),
    (lambda ps: optim.AdamW(ps, betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    (lambda ps: optim.Adadelta(ps, rho=1.5), "Invalid rho value: 1.5"),
    (lambda ps: optim.Adadelta(ps, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda ps: optim.RMSprop(ps, alpha=-0.1), "Invalid alpha value: -0.1"),
    (lambda ps: optim.RMSprop(ps, momentum=-0.1), "Invalid momentum value: -0.1"),
    (lambda ps: optim.RMSprop(ps, eps=-1e-8), "Invalid epsilon value: -1e-08"),
])
def test_bad_hyperparameters_raise_value_error_like_pytorch(make, message):
    with pytest.raises(ValueError) as error:
        make([minigrad.zeros(2, requires_grad=True)])
    assert str(error.value) == message


def test_bad_hyperparameter_messages_are_pytorch_messages():
    torch = pytest.importorskip("torch")
    cases = [("SGD", {"lr": -0.1}), ("SGD", {"lr": 0.1, "nesterov": True}), ("Adam", {"betas": (0.9, 1.0)}),
             ("Adadelta", {"rho": 2.0}), ("RMSprop", {"alpha": -1.0})]
    for name, kwargs in cases:
        with pytest.raises(ValueError) as ours:
            getattr(optim, name)([minigrad.zeros(2, requires_grad=True)], **kwargs)
        with pytest.raises(ValueError) as theirs:
            getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, differentiable=True),
    lambda ps: optim.Adam(ps, capturable=True),
    lambda ps: optim.RMSprop(ps, differentiable=True),
])
def test_unsupported_implementation_options_are_refused(make):
    with pytest.raises(NotImplementedError):
        make([minigrad.zeros(2, requires_grad=True)])


def test_foreach_and_fused_are_recorded_and_change_nothing():
    weights, gradients = initial_weights(np.float32), gradient_sequence(np.float32)
    plain, _ = run_minigrad("Adam", {}, weights, gradients)
    hinted, optimizer = run_minigrad("Adam", {"foreach": True, "fused": False}, weights, gradients)
    assert optimizer.param_groups[0]["foreach"] is True
    for p, q in zip(plain, hinted):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
