"""The Optimizer base class: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

Everything here follows ``torch.optim.Optimizer``: ``param_groups`` is a list of dicts, each
holding its ``'params'`` and every hyperparameter (the optimizer's ``defaults`` fill what a group
leaves out); ``state`` maps each parameter to a dict of its running buffers; ``state_dict()``
swaps parameters for their position (0, 1, ... counted across the groups) so it can be saved and
loaded into a new optimizer over the same model.

Subclasses implement ``step``. Updates work on the storage arrays (``param._data``) with numpy,
in place: one tensor allocation per step would cost more than the update itself for small layers.
"""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Iterable, Iterator, Union

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad

ParamsT = Union[Iterable[Tensor], Iterable[dict], Iterable[tuple]]


class _RequiredParameter:
    """The default of a hyperparameter every parameter group must set (PyTorch's ``required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class for all optimizers.

    Args:
        params: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter
            groups, each with a ``'params'`` entry and optional per-group hyperparameters).
            Use an ordered collection: the order is what ``state_dict`` records.
        defaults: the hyperparameters of a group that does not set them.
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {_typename(params)}"
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    # ---- parameter groups --------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with optional hyperparameters) to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering "
                "of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(param)}")
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will "
                "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                kind = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {kind} to the optimizer"
                )
        existing = set(chain.from_iterable(group["params"] for group in self.param_groups))
        if not existing.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- gradients and steps -----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to ``None`` (the default, which skips untouched parameters in the
        next step) or to zeros."""
        for group in self.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    @staticmethod
    def _evaluate(closure: Callable[[], Any] | None) -> Any:
        """The closure's loss, computed with grad mode on (it calls ``backward``), or None."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    @staticmethod
    def _params_with_grad(group: dict[str, Any]) -> Iterator[tuple[Tensor, np.ndarray, np.ndarray]]:
        """``(param, param storage, g)`` for each parameter of ``group`` that has a gradient.

        ``g`` is the gradient's storage, negated when the group maximizes (the algorithms' first
        line: g_t = -grad under ``maximize``). Callers must not write into ``g``; they update the
        param storage in place, so its version counter is bumped here as an in-place op would.
        """
        maximize = group.get("maximize", False)
        for param in group["params"]:
            grad = param.grad
            if grad is None:
                continue
            param._version_counter.value += 1
            yield param, param._data, (-grad._data if maximize else grad._data)

    # ---- state dicts -------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, with parameters replaced by their index.

        ``{'state': {index: {buffer name: tensor, ...}}, 'param_groups': [{hyperparameters...,
        'params': [index, ...]}]}``; indices count the parameters across the groups in order.
        The tensors are the live buffers (not copies), as in PyTorch.
        """
        index_of: dict[int, int] = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            for param in group["params"]:
                index_of.setdefault(id(param), len(index_of))
            packed["params"] = [index_of[id(param)] for param in group["params"]]
            packed_groups.append(packed)
        packed_state = {
            (index_of[id(key)] if isinstance(key, Tensor) else key): value for key, value in self.state.items()
        }
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``: hyperparameters and per-parameter buffers, matched by position.

        Floating-point buffers are cast to their parameter's dtype and device (the step counter
        is kept as saved). Call this after creating any LR scheduler, which resets the lrs.
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        groups = self.param_groups
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        param_of = dict(
            zip(chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups))
        )
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_of:
                param = param_of[key]
                state[param] = {name: _cast_like(param, buffer, name) for name, buffer in value.items()}
            else:
                state[key] = value
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups


def _cast_like(param: Tensor, value: Any, key: str | None = None) -> Any:
    """``value`` (a buffer, or containers of them) moved to ``param``'s device, floating tensors
    cast to its dtype; the ``'step'`` counter stays as saved, dtype and device (PyTorch's rule:
    the step lives on the CPU)."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast_like(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_like(param, v) for v in value)
    return value


def _typename(obj: Any) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module == "builtins" else f"{module}.{type(obj).__qualname__}"


# ---- helpers for the algorithms ----------------------------------------------------------------
def _to_scalar(value: float | Tensor) -> float:
    """A hyperparameter given as a float or a one-element tensor, as a Python number."""
    return value.item() if isinstance(value, Tensor) else value


def _advance_state(state: dict[str, Any], param: Tensor, buffer_names: tuple[str, ...]) -> float:
    """Count one more step in a parameter's ``state``; returns the new step number t.

    On the first step the state is created as PyTorch lays it out: ``'step'`` (a 0-d tensor of
    the default float dtype, on the CPU whatever the parameter's device, as PyTorch keeps it)
    followed by a zero buffer like the parameter (its shape, dtype and device) for each name.
    """
    if not state:
        state["step"] = Tensor._from_storage(np.zeros((), dtype=_dtype.get_default_dtype().numpy))
        for name in buffer_names:
            # zeros_like keeps the storage's device (numpy's or a CudaArray); C order for the kernels
            state[name] = Tensor._from_storage(np.zeros_like(param._data, order="C"), param.device)
    counter = state["step"]._data
    counter += 1
    return float(counter)


def _check_lr(lr: float | Tensor) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check_non_negative(lr, "learning rate")


def _check_non_negative(value: float, label: str) -> None:
    """PyTorch's hyperparameter check: ``ValueError('Invalid <label>: <value>')`` when negative."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {label}: {value}")


def _check_supported(differentiable: bool, capturable: bool = False) -> None:
    """Reject the options minigrad's optimizers cannot honour (rather than ignoring them)."""
    if differentiable:
        raise NotImplementedError(
            "differentiable=True is not supported: minigrad optimizer steps are not recorded by autograd"
        )
    if capturable:
        raise NotImplementedError("capturable=True is for CUDA graphs, which minigrad does not have")
