"""``LRScheduler``, the base class of the schedulers, and the helpers they share.

A scheduler rewrites ``group['lr']`` of its optimizer's parameter groups each time ``step()`` is
called (once per epoch or per batch, after ``optimizer.step()``). Construction performs step 0:
it records ``initial_lr`` in each group (``base_lrs``) and sets ``last_epoch = 0``.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable
from weakref import ref

from ..._tensor import Tensor
from ..optimizer import Optimizer, _to_scalar

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. "
    "Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from "
    "None, the closed form is used instead of the new chainable form, where available. Please open an issue "
    "if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)


def _copy(value: Any) -> Any:
    return value.clone() if isinstance(value, Tensor) else value


def _group_values(optimizer: Optimizer, key: str) -> list[Any]:
    """``group[key]`` of every group; tensors are cloned so callers never alias a group's lr."""
    return [_copy(group[key]) for group in optimizer.param_groups]


def _set_group_value(group: dict[str, Any], key: str, value: float | Tensor) -> None:
    """``group[key] = value``, in place when the group holds a tensor (an optimizer may keep a
    reference to a tensor lr)."""
    if isinstance(group[key], Tensor):
        group[key].fill_(_to_scalar(value))
    else:
        group[key] = value


def _format_param(name: str, optimizer: Optimizer, param: Any) -> list[Any]:
    """``param`` as one value per parameter group: a list or tuple must have one per group,
    a single value is repeated (tensors are cloned)."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. "
                             f"{name} has {len(param)} values, param_groups has {len(optimizer.param_groups)}.")
    else:
        param = [param] * len(optimizer.param_groups)
    return [_copy(value) for value in param]


class LRScheduler:
    """Base class of the schedulers: subclasses implement :meth:`get_lr` (the next lr per group).

    Args:
        optimizer: the optimizer whose learning rates are scheduled.
        last_epoch: index of the last epoch seen; -1 (the default) starts a schedule, another
            value resumes one and needs ``initial_lr`` in every group.

    Attributes: ``optimizer``, ``base_lrs`` (the groups' ``initial_lr``), ``last_epoch``.
    """

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copy(group["lr"]))
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler "
                        "with last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume "
                        "training from a checkpoint but haven't properly loaded the optimizer state\n2. You're "
                        "using last_epoch >= 0 for a fresh training run (not recommended)"
                    )
        self.base_lrs: list[float | Tensor] = _group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _track_optimizer_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer (PyTorch's layout)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def get_last_lr(self) -> list[float | Tensor]:
        """The learning rates set by the latest ``step()``, one per parameter group."""
        return self._last_lr

    def get_lr(self) -> list[float | Tensor]:
        """The learning rates for epoch ``last_epoch``; use :meth:`get_last_lr` to read them."""
        raise NotImplementedError

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new lrs into the optimizer (call after ``optimizer.step()``)."""
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(
                    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
                    "initialization. Please, make sure to call `optimizer.step()` before "
                    "`lr_scheduler.step()`. See more details at "
                    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                    UserWarning,
                    stacklevel=2,
                )
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(
                    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, "
                    "you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  "
                    "Failure to do this will result in PyTorch skipping the first value of the learning rate "
                    "schedule. See more details at "
                    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                    UserWarning,
                    stacklevel=2,
                )
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Set the lrs of the next epoch (recursive form), or of ``epoch`` (closed form where the
        schedule has one). SequentialLR calls this directly to restart a scheduler at epoch 0."""
        if epoch is None:
            self.last_epoch += 1
            values = self._within_step(self.get_lr)
        else:
            self.last_epoch = epoch
            values = self._within_step(getattr(self, "_get_closed_form_lr", self.get_lr))
        self._write_lrs(values)

    def _within_step(self, compute: Callable[[], list[float | Tensor]]) -> list[float | Tensor]:
        """``compute()`` with get_lr's "called directly" warning off."""
        self._get_lr_called_within_step = True
        try:
            return compute()
        finally:
            self._get_lr_called_within_step = False

    def _write_lrs(self, values: list[float | Tensor]) -> None:
        for group, lr in zip(self.optimizer.param_groups, values):
            _set_group_value(group, "lr", lr)
        self._last_lr: list[float | Tensor] = _group_values(self.optimizer, "lr")

    def _current_lrs(self) -> list[float | Tensor]:
        return _group_values(self.optimizer, "lr")

    def _warn_if_called_directly(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=3)


_LRScheduler = LRScheduler  # PyTorch's old name, still used by custom schedulers


def _track_optimizer_steps(optimizer: Optimizer) -> None:
    """Wrap ``optimizer.step`` so a scheduler can warn when it is stepped before the optimizer."""
    if hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        return
    optimizer_ref = ref(optimizer)
    unbound_step = optimizer.step.__func__

    def step(*args, **kwargs):
        instance = optimizer_ref()
        instance._opt_called = True
        return unbound_step(instance, *args, **kwargs)

    step._wrapped_by_lr_sched = True
    optimizer.step = step
