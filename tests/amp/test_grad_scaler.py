"""GradScaler against torch 2.13's ``GradScaler('cpu')``: the scale, growth tracker and skipped steps
over a run with injected infs and NaNs, the weights after it, the state dict, the errors."""
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# step -> the value written into a gradient after backward (None: a clean step)
INJECTED = {2: math.inf, 5: math.nan, 6: -math.inf}


def _run(library, functional, make_optimizer, weights, steps=10, unscale_first=False):
    """A linear layer under autocast('cpu', float16) trained with a scaler (growth every 2 clean
    steps); returns per step (scale, growth tracker, whether the weight moved, step's return)."""
    weight = library.tensor(weights, requires_grad=True)
    optimizer = make_optimizer(library, [weight])
    scaler = library.amp.GradScaler("cpu", init_scale=2.0**10, growth_interval=2)
    x = library.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
    history = []
    for step in range(steps):
        optimizer.zero_grad()
        with library.autocast("cpu", dtype=library.float16):
            loss = functional.mse_loss(functional.linear(x, weight), library.zeros(3, 2))
        scaler.scale(loss).backward()
        if step in INJECTED:
            weight.grad[0, 1] = INJECTED[step]
        if unscale_first:
            scaler.unscale_(optimizer)
        before = weight.detach().clone()
        returned = scaler.step(optimizer)
        moved = not bool((weight.detach() == before).all())
        scaler.update()
        history.append((scaler.get_scale(), scaler._get_growth_tracker(), moved, returned))
    return history, weight.detach().numpy()


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("unscale_first", [False, True])
def test_scale_skip_and_growth_sequence_equals_torch(optimizer, unscale_first):
    weights = np.arange(8, dtype=np.float32).reshape(2, 4) / 10

    def make(library, params):
        return getattr(library.optim, optimizer)(params, lr=0.1)

    ours, mine = _run(mg, F, make, weights, unscale_first=unscale_first)
    theirs, reference = _run(torch, TF, make, weights, unscale_first=unscale_first)
    assert ours == theirs
    np.testing.assert_allclose(mine, reference, rtol=1e-3, atol=1e-4)


def test_state_dict_round_trip_and_factors():
    scaler = mg.amp.GradScaler("cpu", init_scale=8.0, growth_factor=3.0, backoff_factor=0.25, growth_interval=7)
    reference = torch.amp.GradScaler("cpu", init_scale=8.0, growth_factor=3.0, backoff_factor=0.25, growth_interval=7)
    assert scaler.state_dict() == reference.state_dict()
    scaler.scale(mg.ones(()))
    scaler.update(2.5)
    copy = mg.amp.GradScaler("cpu")
    copy.load_state_dict(scaler.state_dict())
    assert copy.state_dict() == {"scale": 2.5, "growth_factor": 3.0, "backoff_factor": 0.25,
                                 "growth_interval": 7, "_growth_tracker": 0}
    copy.scale(mg.ones(()))
    copy.load_state_dict({**scaler.state_dict(), "scale": 4.0, "_growth_tracker": 3})
    assert copy.get_scale() == 4.0 and copy._get_growth_tracker() == 3
    copy.set_growth_factor(5.0), copy.set_backoff_factor(0.1), copy.set_growth_interval(9)
    assert (copy.get_growth_factor(), copy.get_backoff_factor(), copy.get_growth_interval()) == (5.0, 0.1, 9)
    copy.update(mg.tensor(16.0))
    assert copy.get_scale() == 16.0 and copy.is_enabled()


def test_scale_takes_nested_iterables():
    scaler = mg.amp.GradScaler("cpu", init_scale=4.0)
    a, b = mg.ones(2), mg.full((), 2.0)
    scaled = scaler.scale([a, (b, [a])])
    assert isinstance(scaled, list) and isinstance(scaled[1], tuple)
    assert scaled[0].tolist() == [4.0, 4.0] and scaled[1][0].item() == 8.0 and scaled[1][1][0].tolist() == [4.0, 4.0]
    assert [t.tolist() for t in scaler.scale(iter([a]))] == [[4.0, 4.0]]
    with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable of Tensors"):
        scaler.scale(3)


def _errors(library):
    """The messages of each misuse, in order, as (type name, message)."""
    weight = library.ones(2, requires_grad=True)
    optimizer = library.optim.SGD([weight], lr=0.1)
    scaler = library.amp.GradScaler("cpu")
    results = []

    def attempt(action):
        try:
            action()
            results.append(None)
        except (RuntimeError, AssertionError, ValueError) as error:
            results.append((type(error).__name__, str(error)))

    attempt(lambda: scaler.step(optimizer))
    attempt(lambda: scaler.update())
    attempt(lambda: library.amp.GradScaler("cpu", growth_factor=1.0))
    attempt(lambda: library.amp.GradScaler("cpu", backoff_factor=1.0))
    scaler.scale(weight.sum()).backward()
    attempt(lambda: scaler.unscale_(optimizer))
    attempt(lambda: scaler.unscale_(optimizer))
    attempt(lambda: scaler.step(optimizer, closure=lambda: 0))
    attempt(lambda: scaler.step(optimizer))
    attempt(lambda: scaler.step(optimizer))
    attempt(lambda: scaler.unscale_(optimizer))
    attempt(lambda: scaler.update(library.ones(2)))
    attempt(lambda: library.amp.GradScaler("cpu").load_state_dict({}))
    half = library.ones(2, dtype=library.float16, requires_grad=True)
    fresh = library.amp.GradScaler("cpu")
    fresh.scale(half.float().sum()).backward()
    attempt(lambda: fresh.unscale_(library.optim.SGD([half], lr=0.1)))
    return results


def test_misuse_raises_as_torch():
    assert _errors(mg) == _errors(torch)


def test_disabled_scaler_passes_through():
    weight = mg.ones(2, requires_grad=True)
    optimizer = mg.optim.SGD([weight], lr=0.5)
    scaler = mg.amp.GradScaler("cpu", enabled=False)
    loss = weight.sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    assert scaler.step(optimizer) is None and weight.tolist() == [0.5, 0.5]
    scaler.update(), scaler.unscale_(optimizer)
    assert scaler.get_scale() == 1.0 and scaler.state_dict() == {} and not scaler.is_enabled()
    scaler.load_state_dict({})


def test_step_returns_the_optimizers_return():
    weight = mg.ones(2, requires_grad=True)
    optimizer = mg.optim.SGD([weight], lr=0.5)
    scaler = mg.amp.GradScaler("cpu")
    scaler.scale(weight.sum()).backward()
    assert scaler.step(optimizer, lambda: 3.0) == 3.0


def test_factors_that_float32_cannot_hold_update_the_scale_as_torch():
    """The scale is float32 and the factors doubles: each update rounds their product once."""
    scales = []
    for library in (mg, torch):
        weight = library.ones(2, requires_grad=True)
        optimizer = library.optim.SGD([weight], lr=0.1)
        scaler = library.amp.GradScaler("cpu", init_scale=3.3, growth_factor=1.7, backoff_factor=0.3,
                                        growth_interval=1)
        for step in range(6):
            optimizer.zero_grad()
            scaler.scale(weight.sum()).backward()
            if step % 3 == 0:
                weight.grad[0] = math.inf
            scaler.step(optimizer)
            scaler.update()
            scales.append(scaler.get_scale())
    assert scales[:6] == scales[6:]
