"""Schedules given by user functions of the epoch: ``LambdaLR`` and ``MultiplicativeLR``."""
from __future__ import annotations

import types
from typing import Any, Callable

from ..._tensor import Tensor
from ..optimizer import Optimizer
from .scheduler import LRScheduler

LrLambda = Callable[[int], float]


def _per_group(optimizer: Optimizer, lr_lambda: LrLambda | list[LrLambda]) -> list[LrLambda]:
    """One function per parameter group: a single one is shared, a list needs one per group."""
    if not isinstance(lr_lambda, (list, tuple)):
        return [lr_lambda] * len(optimizer.param_groups)
    if len(lr_lambda) != len(optimizer.param_groups):
        raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}")
    return list(lr_lambda)


class _FunctionScheduler(LRScheduler):
    """What LambdaLR and MultiplicativeLR share: their ``lr_lambdas`` and how they are saved."""

    lr_lambdas: list[LrLambda]

    def state_dict(self) -> dict[str, Any]:
        """As the base class, with ``lr_lambdas`` saved only for callable objects (their ``__dict__``):
        plain functions and lambdas are stored as None."""
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update({key: value for key, value in state_dict.items() if key != "lr_lambdas"})
        for fn, saved in zip(self.lr_lambdas, state_dict["lr_lambdas"]):
            if saved is not None:
                fn.__dict__.update(saved)


class LambdaLR(_FunctionScheduler):
    """lr = initial_lr × lr_lambda(epoch).

    Args:
        optimizer: wrapped optimizer.
        lr_lambda: a function of the epoch giving a multiplicative factor, or a list of such
            functions, one per parameter group.
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: LrLambda | list[LrLambda], last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        self.lr_lambdas = _per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        return [base_lr * lr_lambda(self.last_epoch) for lr_lambda, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_FunctionScheduler):
    """Multiply the lr by lr_lambda(epoch) at every step: lr_t = lr_{t-1} × lr_lambda(t).

    Args:
        optimizer: wrapped optimizer.
        lr_lambda: a function of the epoch giving the factor, or a list of such functions, one
            per parameter group.
        last_epoch: index of the last epoch (default: -1).
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: LrLambda | list[LrLambda], last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        self.lr_lambdas = _per_group(optimizer, lr_lambda)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | Tensor]:
        self._warn_if_called_directly()
        if self._is_initial:
            return self._current_lrs()
        return [group["lr"] * lr_lambda(self.last_epoch)
                for lr_lambda, group in zip(self.lr_lambdas, self.optimizer.param_groups)]
