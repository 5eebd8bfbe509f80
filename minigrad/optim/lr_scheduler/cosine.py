"""Cosine schedules: ``CosineAnnealingLR`` (half-cosine decay, then back up) and
``CosineAnnealingWarmRestarts`` (SGDR: decay, then jump back to the initial lr)."""
from __future__ import annotations

import math

from ..._tensor import Tensor
from ..optimizer import Optimizer
from .scheduler import LRScheduler


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from ``initial_lr`` down to ``eta_min`` over ``T_max`` epochs, then back up.

    The closed form is η_t = η_min + (η_max - η_min)(1 + cos(π t / T_max)) / 2. Like PyTorch, the
    lr is updated recursively,

        η_{t+1} = η_min + (η_t - η_min) (1 + cos(π (t+1) / T_max)) / (1 + cos(π t / T_max)),

    with the step that starts each rising half-period (where the ratio above is 0/0) added
    explicitly; the schedule keeps oscillating with period 2·T_max (no restarts).

    Args:
        optimizer: wrapped optimizer.
        T_max: number of epochs of a half period.
        eta_min: minimum learning rate (default: 0).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        epoch, period = self.last_epoch, self.T_max
        if self._is_initial:
            return self._current_lrs()
        groups = self.optimizer.param_groups
        if (epoch - 1 - period) % (2 * period) == 0:  # first step after a minimum: cos ratio is 0/0
            return [group["lr"] + (base_lr - self.eta_min) * (1 - math.cos(math.pi / period)) / 2
                    for base_lr, group in zip(self.base_lrs, groups)]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (1 + math.cos(math.pi * (epoch - 1) / period))
        return [ratio * (group["lr"] - self.eta_min) + self.eta_min for group in groups]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017).

        η_t = η_min + (η_max - η_min)(1 + cos(π T_cur / T_i)) / 2,

    where T_cur counts the epochs since the last restart and T_i is the length of the current
    period: the first lasts ``T_0`` epochs, each next one ``T_mult`` times longer. At a restart
    the lr jumps back to ``initial_lr``. ``step(epoch)`` accepts a fractional epoch (e.g.
    ``epoch + batch / batches`` to anneal within an epoch) and is not deprecated here.

    Args:
        optimizer: wrapped optimizer.
        T_0: number of epochs of the first period (a positive int).
        T_mult: growth factor of the period after each restart (an int >= 1, default: 1).
        eta_min: minimum learning rate (default: 0).
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (possibly fractional), and set the lrs.

        Unlike the other schedulers, this does not count ``_step_count`` nor warn about the
        order of the optimizer's and the scheduler's steps (PyTorch does neither here).
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:  # the n-th period starts at epoch T_0 (T_mult^n - 1) / (T_mult - 1)
                n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._write_lrs(self._within_step(self.get_lr))
