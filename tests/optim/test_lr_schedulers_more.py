"""The schedulers beyond the basic decays: MultiplicativeLR, ConstantLR, LinearLR, PolynomialLR,
CosineAnnealingWarmRestarts, OneCycleLR, CyclicLR, ReduceLROnPlateau, SequentialLR and
ChainedScheduler. Trajectories (lr and cycled momentum) against PyTorch's, state dicts, resuming,
and PyTorch's errors for bad arguments."""
import math
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler

STEPS = 30


class Decay:
    """A callable object (not a function): MultiplicativeLR and CyclicLR save its ``__dict__``."""

    def __init__(self, rate=0.9):
        self.rate = rate

    def __call__(self, x):
        return self.rate


def two_group_optimizer(module, kind="sgd"):
    """Two parameter groups (lr 0.1 and 0.05) of SGD with momentum or of Adam, from minigrad or torch."""
    a, b = module.zeros(2, requires_grad=True), module.zeros(3, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "sgd":
        return module.optim.SGD(groups, lr=0.1, momentum=0.9)
    return module.optim.Adam(groups, lr=0.1, betas=(0.9, 0.99))


# name -> (optimizer kind, build(lr_scheduler module, optimizer)); each schedule changes within STEPS.
SCHEDULES = {
    "MultiplicativeLR": ("sgd", lambda s, o: s.MultiplicativeLR(o, lambda epoch: 0.95)),
    "MultiplicativeLR-per-group": ("sgd", lambda s, o: s.MultiplicativeLR(
        o, [lambda epoch: 0.9 if epoch % 3 else 1.1, lambda epoch: 1.0 - epoch / 100])),
    "ConstantLR": ("sgd", lambda s, o: s.ConstantLR(o)),
    "ConstantLR-factor": ("sgd", lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=12)),
    "LinearLR": ("sgd", lambda s, o: s.LinearLR(o)),
    "LinearLR-decay": ("sgd", lambda s, o: s.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=20)),
    "PolynomialLR": ("sgd", lambda s, o: s.PolynomialLR(o, total_iters=20, power=2.0)),
    "PolynomialLR-default": ("sgd", lambda s, o: s.PolynomialLR(o)),
    "CosineAnnealingWarmRestarts": ("sgd", lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=7)),
    "CosineAnnealingWarmRestarts-mult": ("sgd", lambda s, o: s.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.001)),
    "OneCycleLR": ("sgd", lambda s, o: s.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=STEPS)),
    "OneCycleLR-adam-three-phase-linear": ("adam", lambda s, o: s.OneCycleLR(
        o, max_lr=0.5, epochs=6, steps_per_epoch=5, three_phase=True, anneal_strategy="linear",
        base_momentum=0.8, max_momentum=0.9)),
    "OneCycleLR-no-momentum": ("sgd", lambda s, o: s.OneCycleLR(
        o, max_lr=0.3, total_steps=40, pct_start=0.5, cycle_momentum=False, div_factor=10.0)),
    "CyclicLR": ("sgd", lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4)),
    "CyclicLR-triangular2": ("sgd", lambda s, o: s.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2")),
    "CyclicLR-adam-exp-range": ("adam", lambda s, o: s.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=5, mode="exp_range", gamma=0.97)),
    "CyclicLR-scale-fn-iterations": ("sgd", lambda s, o: s.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
        cycle_momentum=False)),
    "SequentialLR": ("sgd", lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.2, total_iters=5), s.ExponentialLR(o, gamma=0.9),
            s.CosineAnnealingLR(o, T_max=7)], milestones=[5, 12])),
    "SequentialLR-constant-then-step": ("sgd", lambda s, o: s.SequentialLR(
        o, [s.ConstantLR(o, factor=0.1, total_iters=2), s.StepLR(o, step_size=4, gamma=0.5)], milestones=[3])),
    "ChainedScheduler": ("sgd", lambda s, o: s.ChainedScheduler(
        [s.ConstantLR(o, factor=0.5, total_iters=6), s.ExponentialLR(o, gamma=0.9)])),
    "ChainedScheduler-with-optimizer": ("adam", lambda s, o: s.ChainedScheduler(
        [s.LinearLR(o, start_factor=0.25, total_iters=8), s.CyclicLR(o, 0.01, 0.1, step_size_up=3)], optimizer=o)),
}


def momenta(optimizer):
    return [group["betas"] if "betas" in group else group["momentum"] for group in optimizer.param_groups]


def trajectory(module, name, steps=STEPS):
    """[(get_last_lr(), momenta), ...] from construction through ``steps`` steps."""
    kind, build = SCHEDULES[name]
    optimizer = two_group_optimizer(module, kind)
    scheduler = build(module.optim.lr_scheduler, optimizer)
    points = [(scheduler.get_last_lr(), momenta(optimizer))]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        points.append((scheduler.get_last_lr(), momenta(optimizer)))
        assert [group["lr"] for group in optimizer.param_groups] == points[-1][0]
    return points


def flat(points):
    values = []
    for lrs, momentum in points:
        values += lrs
        for m in momentum:
            values += list(m) if isinstance(m, tuple) else [m]
    return values


@pytest.mark.parametrize("name", SCHEDULES)
def test_trajectory_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = trajectory(minigrad, name), trajectory(torch, name)
    assert len({tuple(lrs) for lrs, _ in ours}) > 1  # the schedule does move the lr
    for step, (mine, reference) in enumerate(zip(ours, theirs)):
        assert flat([mine]) == pytest.approx(flat([reference]), rel=1e-12, abs=1e-15), f"step {step}"


@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict_keys_match_pytorch(name):
    torch = pytest.importorskip("torch")
    kind, build = SCHEDULES[name]
    ours = build(lr_scheduler, two_group_optimizer(minigrad, kind)).state_dict()
    theirs = build(torch.optim.lr_scheduler, two_group_optimizer(torch, kind)).state_dict()
    assert list(ours) == list(theirs)
    if "_schedulers" in ours:
        assert [list(s) for s in ours["_schedulers"]] == [list(s) for s in theirs["_schedulers"]]


@pytest.mark.parametrize("name", SCHEDULES)
def test_resuming_from_state_dicts_continues_the_run(name):
    """12 steps, save both state dicts, load them into fresh objects, 18 more steps: the same lrs
    and momenta as 30 uninterrupted steps."""
    expected = trajectory(minigrad, name)
    kind, build = SCHEDULES[name]
    optimizer = two_group_optimizer(minigrad, kind)
    scheduler = build(lr_scheduler, optimizer)
    for _ in range(12):
        optimizer.step()
        scheduler.step()
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()

    resumed_optimizer = two_group_optimizer(minigrad, kind)
    resumed = build(lr_scheduler, resumed_optimizer)
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved_scheduler)
    points = [(resumed.get_last_lr(), momenta(resumed_optimizer))]
    for _ in range(STEPS - 12):
        resumed_optimizer.step()
        resumed.step()
        points.append((resumed.get_last_lr(), momenta(resumed_optimizer)))
    assert flat(points) == pytest.approx(flat(expected[12:]), rel=1e-12)


@pytest.mark.parametrize("name", ["CyclicLR-adam-exp-range", "SequentialLR", "ChainedScheduler"])
def test_state_dict_round_trips_through_save(name, tmp_path):
    kind, build = SCHEDULES[name]
    scheduler = build(lr_scheduler, two_group_optimizer(minigrad, kind))
    minigrad.save(scheduler.state_dict(), tmp_path / "scheduler.pt")
    assert minigrad.load(tmp_path / "scheduler.pt") == scheduler.state_dict()


def test_every_pytorch_scheduler_is_exported():
    torch = pytest.importorskip("torch")
    assert sorted(lr_scheduler.__all__) == sorted(torch.optim.lr_scheduler.__all__)
    for name in lr_scheduler.__all__:
        assert issubclass(getattr(lr_scheduler, name), lr_scheduler.LRScheduler), name


# ---- closed forms and specific values -------------------------------------------------------
def lrs_of(name, steps=STEPS):
    return [lrs[0] for lrs, _ in trajectory(minigrad, name, steps)]


def test_linear_lr_follows_its_closed_form():
    lrs = lrs_of("LinearLR-decay")
    for epoch, lr in enumerate(lrs):
        assert lr == pytest.approx(0.1 * (1.0 - 0.95 * min(epoch, 20) / 20), rel=1e-12), epoch


def test_polynomial_lr_follows_its_closed_form_and_stays_at_zero():
    lrs = lrs_of("PolynomialLR")
    for epoch, lr in enumerate(lrs[:20]):
        assert lr == pytest.approx(0.1 * (1 - epoch / 20) ** 2, rel=1e-9), epoch
    assert lrs[20:] == [0.0] * (STEPS - 19)


def test_constant_lr_values():
    assert lrs_of("ConstantLR", steps=7) == pytest.approx([0.1 / 3] * 5 + [0.1] * 3)


def test_multiplicative_lr_multiplies_every_step():
    lrs = lrs_of("MultiplicativeLR", steps=5)
    assert lrs == pytest.approx([0.1 * 0.95**epoch for epoch in range(6)])


def test_warm_restarts_jump_back_at_each_period():
    lrs = lrs_of("CosineAnnealingWarmRestarts-mult")  # periods of 3, 6, 12 epochs
    for epoch, lr in enumerate(lrs):
        start, period = next((s, p) for s, p in ((0, 3), (3, 6), (9, 12), (21, 24)) if epoch < s + p)
        expected = 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * (epoch - start) / period)) / 2
        assert lr == pytest.approx(expected, rel=1e-12), epoch
    assert lrs[3] == lrs[9] == lrs[21] == pytest.approx(0.1)


@pytest.mark.parametrize("name", ["ConstantLR-factor", "LinearLR", "LinearLR-decay", "PolynomialLR"])
def test_step_with_an_epoch_uses_the_closed_form_as_pytorch(name):
    torch = pytest.importorskip("torch")
    kind, build = SCHEDULES[name]
    results = []
    for module in (minigrad, torch):
        optimizer = two_group_optimizer(module, kind)
        scheduler = build(module.optim.lr_scheduler, optimizer)
        optimizer.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the epoch argument is deprecated
            results.append([scheduler.step(epoch) or scheduler.get_last_lr()[0] for epoch in (3, 17, 1, 12, 25, 0)])
    assert len(set(results[0])) >= 2
    assert results[0] == pytest.approx(results[1], rel=1e-12)


def test_warm_restarts_with_fractional_epochs_match_pytorch():
    torch = pytest.importorskip("torch")
    epochs = [0.25, 0.5, 2.75, 3.0, 4.5, 9.1, 20.9, 21.0, 1.5]
    results = []
    for module in (minigrad, torch):
        optimizer = two_group_optimizer(module)
        scheduler = module.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2)
        optimizer.step()
        sequence = []
        for epoch in epochs:
            scheduler.step(epoch)
            sequence += [scheduler.last_epoch, scheduler.T_i, scheduler.T_cur, *scheduler.get_last_lr()]
        results.append(sequence)
    assert results[0] == pytest.approx(results[1], rel=1e-12)
    assert len(set(results[0][3::5])) >= 6  # the lr moved (restarts at 3.0 and 21.0 repeat the initial lr)


def test_warm_restarts_reject_a_negative_epoch():
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(two_group_optimizer(minigrad), T_0=3)
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        scheduler.step(-1)


def test_one_cycle_peaks_at_max_lr_and_ends_at_min_lr():
    lrs = lrs_of("OneCycleLR", steps=STEPS - 1)
    assert lrs[0] == pytest.approx(1.0 / 25)
    assert max(lrs) == lrs[8] == pytest.approx(1.0)  # pct_start * 30 - 1 = 8
    assert lrs[-1] == pytest.approx(1.0 / 25 / 1e4)


def test_one_cycle_momentum_goes_against_the_lr():
    points = trajectory(minigrad, "OneCycleLR", steps=STEPS - 1)
    momentum = [m[0] for _, m in points]
    assert momentum[0] == pytest.approx(0.95) and momentum[8] == pytest.approx(0.85)
    assert momentum[-1] == pytest.approx(0.95)


def test_one_cycle_cycles_adam_beta1_and_keeps_beta2():
    points = trajectory(minigrad, "OneCycleLR-adam-three-phase-linear", steps=STEPS - 1)
    betas = [m[0] for _, m in points]
    assert {b[1] for b in betas} == {0.99}
    assert betas[0][0] == pytest.approx(0.9) and min(b[0] for b in betas) == pytest.approx(0.8)


def test_one_cycle_beyond_total_steps_is_an_error():
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=3)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        scheduler.step()


def test_one_cycle_sets_the_group_bounds():
    optimizer = two_group_optimizer(minigrad)
    lr_scheduler.OneCycleLR(optimizer, max_lr=[1.0, 2.0], total_steps=10, div_factor=4.0, final_div_factor=5.0)
    bounds = [[g["initial_lr"], g["max_lr"], g["min_lr"], g["max_momentum"], g["base_momentum"]]
              for g in optimizer.param_groups]
    np.testing.assert_allclose(bounds, [[0.25, 1.0, 0.05, 0.95, 0.85], [0.5, 2.0, 0.1, 0.95, 0.85]], rtol=1e-12)


def test_cyclic_lr_triangle():
    lrs = lrs_of("CyclicLR", steps=9)  # up in 4 steps, down in 4
    assert lrs == pytest.approx([0.01, 0.0325, 0.055, 0.0775, 0.1, 0.0775, 0.055, 0.0325, 0.01, 0.0325])


def test_cyclic_lr_saves_a_callable_scale_function_object():
    optimizer = two_group_optimizer(minigrad)
    scale = Decay(0.5)
    scheduler = lr_scheduler.CyclicLR(optimizer, 0.01, 0.1, step_size_up=2, scale_fn=scale)
    state = scheduler.state_dict()
    assert state["_scale_fn_custom"] == {"rate": 0.5} and "_scale_fn_ref" not in state
    state["_scale_fn_custom"]["rate"] = 0.25
    other = Decay()
    resumed = lr_scheduler.CyclicLR(two_group_optimizer(minigrad), 0.01, 0.1, step_size_up=2, scale_fn=other)
    resumed.load_state_dict(state)
    assert other.rate == 0.25 and resumed.scale_fn(3) == 0.25


def test_cyclic_lr_state_dict_drops_functions_and_rebuilds_the_mode_on_load():
    kind, build = SCHEDULES["CyclicLR-adam-exp-range"]
    state = build(lr_scheduler, two_group_optimizer(minigrad, kind)).state_dict()
    assert state["_scale_fn_custom"] is None and "_scale_fn_ref" not in state
    resumed = lr_scheduler.CyclicLR(two_group_optimizer(minigrad, "adam"), 0.01, 0.1, step_size_up=5)
    resumed.load_state_dict(state)
    assert resumed.mode == "exp_range" and resumed.scale_fn(2) == pytest.approx(0.97**2)


def test_multiplicative_lr_saves_a_callable_object():
    scheduler = lr_scheduler.MultiplicativeLR(two_group_optimizer(minigrad), [Decay(0.5), lambda epoch: 1.0])
    assert scheduler.state_dict()["lr_lambdas"] == [{"rate": 0.5}, None]


def test_sequential_lr_restarts_each_scheduler_at_its_milestone():
    lrs = lrs_of("SequentialLR-constant-then-step", steps=8)
    # ConstantLR (0.1x) for epochs 0-2, then StepLR from epoch 3 (its epoch 0), halving every 4.
    assert lrs == pytest.approx([0.01, 0.01, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05])


def test_chained_scheduler_composes_the_factors():
    lrs = lrs_of("ChainedScheduler", steps=8)
    expected = [0.1 * (0.5 if epoch < 6 else 1.0) * 0.9**epoch for epoch in range(9)]
    assert lrs == pytest.approx(expected)


# ---- ReduceLROnPlateau ----------------------------------------------------------------------
METRICS = [1.0, 0.9, 0.9, 0.95, 0.92, 0.91, 0.9, 0.89999, 0.5, 0.6, 0.6, 0.7, 0.4, 0.4, 0.45, 0.5, 0.5,
           0.55, 0.6, 0.3, 0.3, 0.31, 0.32, 0.33, 0.34, 0.2, 0.2, 0.2, 0.2, 0.2] + [0.25] * 12
PLATEAUS = [
    {},
    {"patience": 2},
    {"patience": 1, "cooldown": 2, "factor": 0.5},
    {"mode": "max", "patience": 1, "threshold": 0.01, "threshold_mode": "abs"},
    {"patience": 0, "factor": 0.5, "min_lr": [0.02, 0.001]},
    {"patience": 0, "factor": 0.9, "min_lr": 0.0499, "threshold_mode": "abs", "eps": 1e-3},
]


def plateau_trajectory(module, kwargs, metric_type=float):
    optimizer = two_group_optimizer(module)
    scheduler = module.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **kwargs)
    points = scheduler.get_last_lr()
    for metric in METRICS:
        optimizer.step()
        scheduler.step(metric_type(metric))
        points += scheduler.get_last_lr() + [scheduler.num_bad_epochs, scheduler.cooldown_counter]
    return points, scheduler


@pytest.mark.parametrize("kwargs", PLATEAUS, ids=[str(k) for k in PLATEAUS])
def test_reduce_on_plateau_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    (ours, scheduler), (theirs, reference) = plateau_trajectory(minigrad, kwargs), plateau_trajectory(torch, kwargs)
    assert len(set(ours[2::4])) > 1  # the lr of the first group was reduced
    assert ours == pytest.approx(theirs, rel=1e-12)
    assert list(scheduler.state_dict()) == list(reference.state_dict())
    assert scheduler.best == reference.best and scheduler.last_epoch == reference.last_epoch


def test_reduce_on_plateau_takes_a_tensor_metric():
    floats, _ = plateau_trajectory(minigrad, PLATEAUS[1])
    tensors, _ = plateau_trajectory(minigrad, PLATEAUS[1], metric_type=minigrad.tensor)
    assert tensors == pytest.approx(floats, rel=1e-6)


def test_reduce_on_plateau_does_not_touch_the_lr_at_construction():
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer)
    assert scheduler.get_last_lr() == [0.1, 0.05] and scheduler.last_epoch == 0
    assert all("initial_lr" not in group for group in optimizer.param_groups)


def test_reduce_on_plateau_resumes_from_its_state_dict(tmp_path):
    expected, _ = plateau_trajectory(minigrad, PLATEAUS[2])
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, **PLATEAUS[2])
    for metric in METRICS[:10]:
        optimizer.step()
        scheduler.step(metric)
    minigrad.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp_path / "ckpt.pt")
    checkpoint = minigrad.load(tmp_path / "ckpt.pt")
    resumed_optimizer = two_group_optimizer(minigrad)
    resumed = lr_scheduler.ReduceLROnPlateau(resumed_optimizer, **PLATEAUS[2])
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    resumed.load_state_dict(checkpoint["scheduler"])
    points = []
    for metric in METRICS[10:]:
        resumed_optimizer.step()
        resumed.step(metric)
        points += resumed.get_last_lr() + [resumed.num_bad_epochs, resumed.cooldown_counter]
    assert points == pytest.approx(expected[2 + 4 * 10:], rel=1e-12)


def test_reduce_on_plateau_with_an_epoch_warns():
    scheduler = lr_scheduler.ReduceLROnPlateau(two_group_optimizer(minigrad))
    with pytest.warns(UserWarning, match="epoch parameter"):
        scheduler.step(1.0, epoch=5)
    assert scheduler.last_epoch == 5


def test_reduce_on_plateau_with_a_new_group_and_per_group_min_lrs_is_an_error():
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, min_lr=[0.0, 0.0])
    optimizer.add_param_group({"params": [minigrad.zeros(1, requires_grad=True)]})
    scheduler.step(1.0)
    with pytest.raises(RuntimeError, match=r"The number of param groups in the `optimizer` \(3\) differs"):
        scheduler.step(2.0)


def test_tensor_lr_is_updated_in_place():
    lr = minigrad.tensor(0.1)
    optimizer = optim.SGD([minigrad.zeros(2, requires_grad=True)], lr=lr, momentum=0.9)
    scheduler = lr_scheduler.LinearLR(optimizer, start_factor=0.5, total_iters=2)
    optimizer.step()
    scheduler.step()
    assert optimizer.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.075)
    assert scheduler.get_last_lr()[0] is not lr  # get_last_lr returns copies


# ---- errors ---------------------------------------------------------------------------------
def _bad(name, message, build):
    return pytest.param(build, message, id=name)


ERRORS = [
    _bad("constant-factor", "Constant multiplicative factor expected to be between 0 and 1.",
         lambda s, o: s.ConstantLR(o, factor=1.5)),
    _bad("linear-start", "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
         lambda s, o: s.LinearLR(o, start_factor=0)),
    _bad("linear-end", "Ending multiplicative factor expected to be between 0 and 1.",
         lambda s, o: s.LinearLR(o, end_factor=1.5)),
    _bad("multiplicative-count", "Expected 2 lr_lambdas, but got 1",
         lambda s, o: s.MultiplicativeLR(o, [lambda e: 1.0])),
    _bad("warm-restarts-T_0", "Expected positive integer T_0, but got 0",
         lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0)),
    _bad("warm-restarts-T_0-float", "Expected positive integer T_0, but got 2.5",
         lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2.5)),
    _bad("warm-restarts-T_mult", "Expected integer T_mult >= 1, but got 0",
         lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0)),
    _bad("warm-restarts-eta_min", "Expected float or int eta_min, but got 1e-3 of type <class 'str'>",
         lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="1e-3")),
    _bad("one-cycle-no-length", "You must define either total_steps OR (epochs AND steps_per_epoch)",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, epochs=3)),
    _bad("one-cycle-total_steps", "Expected positive integer total_steps, but got 0",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=0)),
    _bad("one-cycle-epochs", "Expected positive integer epochs, but got -1",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, epochs=-1, steps_per_epoch=3)),
    _bad("one-cycle-steps_per_epoch", "Expected positive integer steps_per_epoch, but got 2.0",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, epochs=2, steps_per_epoch=2.0)),
    _bad("one-cycle-pct_start", "Expected float between 0 and 1 pct_start, but got 1.5",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5)),
    _bad("one-cycle-pct_start-int", "Expected float between 0 and 1 pct_start, but got 0",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=0)),
    _bad("one-cycle-anneal", "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp")),
    _bad("one-cycle-max_lr", "max_lr must have the same length as optimizer.param_groups. "
         "max_lr has 3 values, param_groups has 2.",
         lambda s, o: s.OneCycleLR(o, max_lr=[0.1, 0.2, 0.3], total_steps=10)),
    _bad("one-cycle-base_momentum", "base_momentum must have the same length as optimizer.param_groups. "
         "base_momentum has 1 values, param_groups has 2.",
         lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, base_momentum=[0.8])),
    _bad("cyclic-mode", "mode is invalid and scale_fn is None",
         lambda s, o: s.CyclicLR(o, 0.01, 0.1, mode="square")),
    _bad("cyclic-base_lr", "base_lr must have the same length as optimizer.param_groups. "
         "base_lr has 1 values, param_groups has 2.",
         lambda s, o: s.CyclicLR(o, [0.01], 0.1)),
    _bad("cyclic-max_momentum", "max_momentum must have the same length as optimizer.param_groups. "
         "max_momentum has 3 values, param_groups has 2.",
         lambda s, o: s.CyclicLR(o, 0.01, 0.1, max_momentum=(0.9, 0.9, 0.9))),
    _bad("plateau-factor", "Factor should be < 1.0.", lambda s, o: s.ReduceLROnPlateau(o, factor=1.0)),
    _bad("plateau-mode", "mode avg is unknown!", lambda s, o: s.ReduceLROnPlateau(o, mode="avg")),
    _bad("plateau-threshold_mode", "threshold mode pct is unknown!",
         lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="pct")),
    _bad("plateau-min_lr", "expected 2 min_lrs, got 3", lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0, 0, 0])),
    _bad("sequential-empty", "SequentialLR expects at least one scheduler, but got no scheduler.",
         lambda s, o: s.SequentialLR(o, [], milestones=[])),
    _bad("sequential-milestones", "Sequential Schedulers expects number of schedulers provided to be one more "
         "than the number of milestone points, but got number of schedulers 2 and the number of milestones to be "
         "equal to 2", lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2), s.StepLR(o, 3)], milestones=[2, 4])),
    _bad("sequential-plateau", "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires "
         "additional kwargs to be specified when calling `step`, but got one at index 1 in the given schedulers "
         "sequence.", lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2), s.ReduceLROnPlateau(o)], milestones=[2])),
    _bad("chained-empty", "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.",
         lambda s, o: s.ChainedScheduler([])),
    _bad("chained-plateau", "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires "
         "additional kwargs to be specified when calling `step`, but got one at index 0 in the given schedulers "
         "sequence.", lambda s, o: s.ChainedScheduler([s.ReduceLROnPlateau(o)])),
]


@pytest.mark.parametrize("build, message", ERRORS)
def test_bad_arguments_raise_value_error(build, message):
    with pytest.raises(ValueError) as error:
        build(lr_scheduler, two_group_optimizer(minigrad))
    assert str(error.value) == message


@pytest.mark.parametrize("build, message", ERRORS)
def test_bad_arguments_raise_pytorchs_error(build, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as error, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build(torch.optim.lr_scheduler, two_group_optimizer(torch))
    assert str(error.value) == message


def test_cycling_momentum_needs_an_optimizer_with_momentum():
    adadelta = optim.Adadelta([minigrad.zeros(2, requires_grad=True)])
    for make in (lambda: lr_scheduler.CyclicLR(adadelta, 0.01, 0.1),
                 lambda: lr_scheduler.OneCycleLR(adadelta, max_lr=0.1, total_steps=5)):
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1 with `cycle_momentum`"):
            make()
    assert lr_scheduler.OneCycleLR(adadelta, max_lr=0.1, total_steps=5, cycle_momentum=False).get_last_lr() == pytest.approx([0.004])


def test_schedulers_of_another_optimizer_are_rejected():
    first, second = two_group_optimizer(minigrad), two_group_optimizer(minigrad)
    other = lr_scheduler.StepLR(second, 2)
    with pytest.raises(ValueError, match="SequentialLR expects all schedulers to belong to the same optimizer, "
                                         "but got scheduler StepLR at index 1"):
        lr_scheduler.SequentialLR(first, [lr_scheduler.StepLR(first, 2), other], milestones=[3])
    with pytest.raises(ValueError, match="ChainedScheduler expects all schedulers to belong to the same optimizer"):
        lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(first, 2), other])


def test_non_schedulers_and_non_optimizers_are_type_errors():
    optimizer = two_group_optimizer(minigrad)
    with pytest.raises(TypeError, match="SequentialLR at index 0 should have `optimizer` as its attribute."):
        lr_scheduler.SequentialLR(optimizer, [object()], milestones=[])
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        lr_scheduler.MultiplicativeLR(optimizer, 0.9)
    for make in (lambda: lr_scheduler.CyclicLR([], 0.1, 1.0), lambda: lr_scheduler.OneCycleLR([], 1.0, 10),
                 lambda: lr_scheduler.ReduceLROnPlateau([])):
        with pytest.raises(TypeError, match="list is not an Optimizer"):
            make()
