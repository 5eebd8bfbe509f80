"""Schedules that scale the lr by constant factors: ``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
``ConstantLR``, ``LinearLR`` and ``PolynomialLR``.

Each ``get_lr`` is PyTorch's recursive form (the new lr from the current one, so schedules
compose); ``_get_closed_form_lr`` is the lr as a function of ``last_epoch``, used by
``step(epoch)`` and when SequentialLR restarts a schedule.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Iterable

from ..._tensor import Tensor
from ..optimizer import Optimizer
from .scheduler import LRScheduler


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs: lr = initial_lr × gamma^(epoch // step_size).

    Args:
        optimizer: wrapped optimizer.
        step_size: period of the decay, in epochs.
        gamma: multiplicative factor of the decay (default: 0.1).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each milestone epoch (by gamma^k for a milestone listed k times).

    Args:
        optimizer: wrapped optimizer.
        milestones: epoch indices, increasing.
        gamma: multiplicative factor of the decay (default: 0.1).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        return [group["lr"] * self.gamma ** self.milestones[self.last_epoch] for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch) for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch: lr = initial_lr × gamma^epoch.

    Args:
        optimizer: wrapped optimizer.
        gamma: multiplicative factor of the decay.
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self._is_initial:  # resuming from a checkpoint must not move the lr a step ahead
            return self._current_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the lr by ``factor`` for the first ``total_iters`` epochs, then restore it:
    lr = initial_lr × (factor if epoch < total_iters else 1).

    Args:
        optimizer: wrapped optimizer.
        factor: the scale during the first epochs, in [0, 1] (default: 1/3).
        total_iters: number of scaled epochs (default: 5).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [group["lr"] * (1.0 / self.factor) for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return [base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr by a factor that moves linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` epochs (a warm-up when start < end), then stays:
    lr = initial_lr × (start + (end - start) × min(epoch, total_iters) / total_iters).

    Recursively (PyTorch's form), lr_t = lr_{t-1} × (1 + (end - start) / (total_iters × start +
    (t - 1)(end - start))) for 0 < t <= total_iters.

    Args:
        optimizer: wrapped optimizer.
        start_factor: the factor at epoch 0, in (0, 1] (default: 1/3).
        end_factor: the factor from epoch ``total_iters`` on, in [0, 1] (default: 1).
        total_iters: number of epochs of the ramp (default: 5).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        rise = self.end_factor - self.start_factor
        ratio = 1.0 + rise / (self.total_iters * self.start_factor + (self.last_epoch - 1) * rise)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor)
                           * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr to 0 over ``total_iters`` epochs as a polynomial, then keep it there:
    lr = initial_lr × (1 - min(epoch, total_iters) / total_iters)^power.

    Recursively (PyTorch's form), lr_t = lr_{t-1} × ((1 - t/T) / (1 - (t-1)/T))^power.

    Args:
        optimizer: wrapped optimizer.
        total_iters: number of epochs of the decay (default: 5).
        power: the polynomial's power (default: 1, linear).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        decay_factor = ((1.0 - self.last_epoch / self.total_iters)
                        / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [group["lr"] * decay_factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return [base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base_lr in self.base_lrs]
