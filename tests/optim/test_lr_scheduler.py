"""Learning-rate schedulers: lr sequences against PyTorch's, state dicts, resuming, warnings."""
import math
import warnings

import pytest

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler

STEPS = 65


class Halving:
    """A callable object (not a function), whose state LambdaLR saves."""

    def __init__(self):
        self.base = 0.5

    def __call__(self, epoch):
        return self.base ** (epoch // 7)


SCHEDULES = [
    ("StepLR", {"step_size": 7}),
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 30]}),
    ("MultiStepLR", {"milestones": [2, 40], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.93}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 20, "eta_min": 0.01}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 1 / (1 + epoch)}),
    ("LambdaLR", {"lr_lambda": [lambda epoch: 0.9**epoch, lambda epoch: 1 + math.sin(epoch)]}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(SCHEDULES)]


def two_group_optimizer(module):
    """SGD over two groups with different lrs, from either minigrad or torch (``module``)."""
    make = module.zeros
    a, b = make(2, requires_grad=True), make(3, requires_grad=True)
    return module.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, momentum=0.9)


def lr_sequence(module, name, kwargs, steps=STEPS):
    optimizer = two_group_optimizer(module)
    scheduler = getattr(module.optim.lr_scheduler, name)(optimizer, **kwargs)
    lrs = [scheduler.get_last_lr()]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
        assert [group["lr"] for group in optimizer.param_groups] == lrs[-1]
    return lrs


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=IDS)
def test_lr_sequence_matches_pytorch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = lr_sequence(minigrad, name, kwargs), lr_sequence(torch, name, kwargs)
    assert len(set(map(tuple, ours))) > 1  # the schedule does change the lr
    for step, (mine, reference) in enumerate(zip(ours, theirs)):
        assert mine == pytest.approx(reference, rel=1e-12, abs=1e-15), f"step {step}"


def test_cosine_annealing_follows_the_closed_form_over_three_periods():
    t_max, eta_min, base = 10, 0.001, 0.1
    lrs = lr_sequence(minigrad, "CosineAnnealingLR", {"T_max": t_max, "eta_min": eta_min}, steps=6 * t_max)
    for epoch, (lr, _) in enumerate(lrs):
        expected = eta_min + (base - eta_min) * (1 + math.cos(math.pi * epoch / t_max)) / 2
        assert lr == pytest.approx(expected, rel=1e-9, abs=1e-12), f"epoch {epoch}"
    assert lrs[t_max][0] == pytest.approx(eta_min) and lrs[2 * t_max][0] == pytest.approx(base)


def test_step_lr_values():
    lrs = [lr for lr, _ in lr_sequence(minigrad, "StepLR", {"step_size": 3, "gamma": 0.1}, steps=7)]
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001])


def test_multistep_lr_applies_a_repeated_milestone_twice():
    lrs = [lr for lr, _ in lr_sequence(minigrad, "MultiStepLR", {"milestones": [2, 2, 4], "gamma": 0.5}, steps=5)]
    assert lrs == pytest.approx([0.1, 0.1, 0.025, 0.025, 0.0125, 0.0125])


def test_construction_sets_initial_lr_base_lrs_and_last_epoch():
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
    assert [g["initial_lr"] for g in optimizer.param_groups] == [0.1, 0.05]
    assert scheduler.base_lrs == [0.1, 0.05]
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1, 0.05]


def test_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    for name, kwargs in SCHEDULES:
        ours = getattr(lr_scheduler, name)(two_group_optimizer(minigrad), **kwargs)
        theirs = getattr(torch.optim.lr_scheduler, name)(two_group_optimizer(torch), **kwargs)
        assert list(ours.state_dict()) == list(theirs.state_dict()), name
        assert "optimizer" not in ours.state_dict()


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=IDS)
def test_resuming_from_state_dicts_continues_the_sequence(name, kwargs):
    expected = lr_sequence(minigrad, name, kwargs, steps=30)
    optimizer = two_group_optimizer(minigrad)
    scheduler = getattr(lr_scheduler, name)(optimizer, **kwargs)
    for _ in range(12):
        optimizer.step()
        scheduler.step()
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()

    resumed_optimizer = two_group_optimizer(minigrad)
    resumed = getattr(lr_scheduler, name)(resumed_optimizer, **kwargs)
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved_scheduler)
    lrs = [resumed.get_last_lr()]
    for _ in range(18):
        resumed_optimizer.step()
        resumed.step()
        lrs.append(resumed.get_last_lr())
    assert sum(lrs, []) == pytest.approx(sum(expected[12:], []), rel=1e-12)


def test_scheduler_state_dict_round_trips_through_save(tmp_path):
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=[2, 5])
    minigrad.save(scheduler.state_dict(), tmp_path / "scheduler.pt")
    loaded = minigrad.load(tmp_path / "scheduler.pt")
    assert loaded == scheduler.state_dict()
    assert type(loaded["milestones"]) is type(scheduler.milestones)


def test_lambda_lr_saves_the_state_of_callable_objects_only():
    optimizer = two_group_optimizer(minigrad)
    halving = Halving()
    scheduler = lr_scheduler.LambdaLR(optimizer, [halving, lambda epoch: 1.0])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"base": 0.5}, None]
    state["lr_lambdas"][0]["base"] = 0.25
    other = Halving()
    lr_scheduler.LambdaLR(two_group_optimizer(minigrad), [other, lambda epoch: 1.0]).load_state_dict(state)
    assert other.base == 0.25


def test_lambda_lr_wants_one_function_per_group():
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(two_group_optimizer(minigrad), [lambda epoch: 1.0])


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(two_group_optimizer(minigrad), step_size=2, last_epoch=3)


def test_resuming_with_last_epoch_matches_pytorch():
    torch = pytest.importorskip("torch")
    sequences = []
    for module in (minigrad, torch):
        optimizer = two_group_optimizer(module)
        for group in optimizer.param_groups:
            group["initial_lr"] = group["lr"] * 2
        scheduler = module.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, last_epoch=4)
        lrs = [scheduler.last_epoch, scheduler.get_last_lr()]
        for _ in range(8):
            optimizer.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        sequences.append(lrs)
    ours, theirs = sequences
    assert ours[0] == theirs[0] == 5
    assert sum(ours[1:], []) == pytest.approx(sum(theirs[1:], []), rel=1e-12)


def test_step_with_an_epoch_warns_and_uses_the_closed_form():
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    optimizer.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        scheduler.step(5)
    assert scheduler.get_last_lr() == pytest.approx([0.1 * 0.25, 0.05 * 0.25])


def test_not_an_optimizer_is_a_type_error():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=2)


def test_scheduler_stepped_before_the_optimizer_warns():
    scheduler = lr_scheduler.StepLR(two_group_optimizer(minigrad), step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        scheduler.step()


def test_scheduler_stepped_after_the_optimizer_does_not_warn():
    optimizer = two_group_optimizer(minigrad)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizer.step()
        scheduler.step()


def test_get_lr_outside_step_warns():
    scheduler = lr_scheduler.ExponentialLR(two_group_optimizer(minigrad), gamma=0.5)
    with pytest.warns(UserWarning, match="get_last_lr"):
        scheduler.get_lr()


def test_scheduled_lr_drives_the_optimizer():
    w = minigrad.tensor([1.0], requires_grad=True)
    optimizer = optim.SGD([w], lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = minigrad.tensor([1.0])
        optimizer.step()
        scheduler.step()
    assert w.item() == pytest.approx(1.0 - (1.0 + 0.5 + 0.25))
