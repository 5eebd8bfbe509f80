"""Cyclical schedules, which also cycle the momentum inversely to the lr: ``CyclicLR`` and
``OneCycleLR``.

With ``cycle_momentum`` (the default), the momentum goes down while the lr goes up and back: for
an optimizer with a ``momentum`` hyperparameter (SGD, RMSprop) that is ``group['momentum']``, for
one with ``betas`` (Adam, AdamW) it is ``betas[0]``. Both bounds are stored in each group as
``max_momentum`` and ``base_momentum``.
"""
from __future__ import annotations

import math
import types
from functools import partial
from typing import Any, Callable

from ..._tensor import Tensor
from ..optimizer import Optimizer
from .scheduler import LRScheduler, _format_param, _set_group_value


def _uses_beta1(optimizer: Optimizer) -> bool:
    """Whether the momentum to cycle is ``betas[0]`` (True) or ``momentum`` (False)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
    return "betas" in optimizer.defaults


def _set_momentum(group: dict[str, Any], momentum: float, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def _start_momentum_cycle(optimizer: Optimizer, max_momentums: list[float], base_momentums: list[float],
                          use_beta1: bool) -> None:
    """A fresh cycle starts at the maximum momentum; record both bounds in each group."""
    for max_momentum, base_momentum, group in zip(max_momentums, base_momentums, optimizer.param_groups):
        _set_momentum(group, max_momentum, use_beta1)
        group["max_momentum"] = max_momentum
        group["base_momentum"] = base_momentum


class CyclicLR(LRScheduler):
    r"""Cyclical learning rate (Smith 2017): the lr goes linearly from ``base_lr`` up to
    ``max_lr`` in ``step_size_up`` steps and back in ``step_size_down``, and repeats.

    With t = ``last_epoch``, total = up + down, cycle = ⌊1 + t / total⌋ and x = 1 + t/total - cycle
    (the position in the cycle, in [0, 1)), the rise is h = x / (up/total) going up and
    (x - 1) / (up/total - 1) going down, and

        lr = base_lr + (max_lr - base_lr) · h · scale_fn(cycle or t).

    ``mode`` picks scale_fn: "triangular" (1), "triangular2" (halved each cycle) or "exp_range"
    (gamma^t); a custom ``scale_fn`` of the cycle (``scale_mode="cycle"``) or of the step
    (``"iterations"``) overrides it. The momentum, if cycled, is max_momentum - (max_momentum -
    base_momentum) · h · scale_fn(...). Step it after every batch.

    Args:
        optimizer: wrapped optimizer.
        base_lr: lower lr bound, or one per group; also the initial lr.
        max_lr: upper lr bound, or one per group.
        step_size_up: steps of the rising half (default: 2000).
        step_size_down: steps of the falling half (default: None, same as ``step_size_up``).
        mode: "triangular", "triangular2" or "exp_range" (default: "triangular").
        gamma: base of "exp_range" (default: 1.0).
        scale_fn: custom scaling, a function of one argument with values in [0, 1] (default: None).
        scale_mode: "cycle" or "iterations", the argument of a custom scale_fn (default: "cycle").
        cycle_momentum: cycle the momentum too (default: True).
        base_momentum: lower momentum bound, or one per group (default: 0.8).
        max_momentum: upper momentum bound, or one per group (default: 0.9).
        last_epoch: index of the last step (default: -1).
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | list[float], max_lr: float | list[float],
                 step_size_up: int = 2000, step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: float = 0.8, max_momentum: float = 0.9,
                 last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        base_lrs = _format_param("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                _set_group_value(group, "lr", lr)
        self.max_lrs = _format_param("max_lr", optimizer, max_lr)
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            self.base_momentums = _format_param("base_momentum", optimizer, base_momentum)
            self.max_momentums = _format_param("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                _start_momentum_cycle(optimizer, self.max_momentums, self.base_momentums, self.use_beta1)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self) -> None:
        """The built-in scale function of ``mode`` (not saved in the state dict: rebuilt on load)."""
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref = self._triangular_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref = self._triangular2_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "exp_range":
            self._scale_fn_ref = partial(self._exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at cycle (or step) ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    @staticmethod
    def _triangular_scale_fn(x: float) -> float:
        return 1.0

    @staticmethod
    def _triangular2_scale_fn(x: float) -> float:
        return 1 / (2.0 ** (x - 1))

    @staticmethod
    def _exp_range_scale_fn(gamma: float, x: float) -> float:
        return gamma**x

    def get_lr(self) -> list[float | Tensor]:
        """The lrs at step ``last_epoch``; also writes the cycled momentum into the groups."""
        self._warn_if_called_directly()
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, base_momentum, max_momentum in zip(self.optimizer.param_groups, self.base_momentums,
                                                          self.max_momentums):
                momentum = max_momentum - (max_momentum - base_momentum) * scale_factor * scale
                _set_momentum(group, momentum, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """As the base class, without the built-in scale function; a custom ``scale_fn`` is
        saved only if it is a callable object (its ``__dict__``), else as None."""
        state = super().state_dict()
        state.pop("_scale_fn_ref", None)
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None if fn is None or isinstance(fn, types.FunctionType) else fn.__dict__.copy()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved_fn = state_dict["_scale_fn_custom"]
        super().load_state_dict({key: value for key, value in state_dict.items() if key != "_scale_fn_custom"})
        if saved_fn is not None:
            self._scale_fn_custom.__dict__.update(saved_fn)
        self._init_scale_fn()


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith & Topin 2018): the lr anneals from ``max_lr / div_factor`` up to
    ``max_lr`` over the first ``pct_start`` of ``total_steps``, then down to
    ``initial_lr / final_div_factor``; the momentum, if cycled, goes the opposite way between
    ``max_momentum`` and ``base_momentum``. Step it after every batch, ``total_steps`` times.

    Each phase anneals from its start value to its end value with pct = the fraction of the phase
    done: "cos" gives end + (start - end)(1 + cos(π pct)) / 2, "linear" start + (end - start) pct.
    The phases end at steps pct_start·total - 1 and total - 1; with ``three_phase`` they are up
    to max_lr, back down to initial_lr (ending at 2·pct_start·total - 2), then down to min_lr.

    Args:
        optimizer: wrapped optimizer.
        max_lr: peak lr, or one per group.
        total_steps: number of steps of the cycle; or give ``epochs`` and ``steps_per_epoch``.
        epochs: number of epochs, with ``steps_per_epoch`` (default: None).
        steps_per_epoch: steps per epoch, with ``epochs`` (default: None).
        pct_start: fraction of the cycle spent increasing the lr, a float in [0, 1] (default: 0.3).
        anneal_strategy: "cos" or "linear" (default: "cos").
        cycle_momentum: cycle the momentum too (default: True).
        base_momentum: lower momentum bound, or one per group (default: 0.85).
        max_momentum: upper momentum bound, or one per group (default: 0.95).
        div_factor: initial_lr = max_lr / div_factor (default: 25).
        final_div_factor: min_lr = initial_lr / final_div_factor (default: 1e4).
        three_phase: use the three-phase schedule above (default: False).
        last_epoch: index of the last step (default: -1).
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float], total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: float | list[float] = 0.85,
                 max_momentum: float | list[float] = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if total_steps is not None:
            if total_steps <= 0 or not isinstance(total_steps, int):
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        self._schedule_phases = self._phases(pct_start, self.total_steps, three_phase)
        if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._anneal_func_type = anneal_strategy
        max_lrs = _format_param("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, group_max_lr in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            max_momentums = _format_param("max_momentum", optimizer, max_momentum)
            base_momentums = _format_param("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                _start_momentum_cycle(optimizer, max_momentums, base_momentums, self.use_beta1)
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _phases(pct_start: float, total_steps: int, three_phase: bool) -> list[dict[str, Any]]:
        """Each phase: its last step and the group keys of its start and end lr and momentum."""
        def phase(end_step, start_lr, end_lr, start_momentum, end_momentum):
            return {"end_step": end_step, "start_lr": start_lr, "end_lr": end_lr,
                    "start_momentum": start_momentum, "end_momentum": end_momentum}

        warm_up = phase(float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum")
        if not three_phase:
            return [warm_up, phase(total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        return [warm_up,
                phase(float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                phase(total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]

    def _anneal_func(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return self._annealing_cos(start, end, pct)
        return self._annealing_linear(start, end, pct)

    @staticmethod
    def _annealing_cos(start: float, end: float, pct: float) -> float:
        """From ``start`` (pct 0) to ``end`` (pct 1) along half a cosine."""
        cos_out = math.cos(math.pi * pct) + 1
        return end + (start - end) / 2.0 * cos_out

    @staticmethod
    def _annealing_linear(start: float, end: float, pct: float) -> float:
        return (end - start) * pct + start

    def get_lr(self) -> list[float | Tensor]:
        """The lrs at step ``last_epoch``; also writes the cycled momentum into the groups."""
        self._warn_if_called_directly()
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(f"Tried to step {step_num} times. The specified number of total steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (step_num - start_step) / (end_step - start_step)
                    lrs.append(self._anneal_func(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal_func(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        _set_momentum(group, momentum, self.use_beta1)
                    break
                start_step = phase["end_step"]
        return lrs
