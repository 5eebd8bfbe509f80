"""Stochastic gradient descent, optionally with (Nesterov) momentum: ``torch.optim.SGD``."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from .optimizer import Optimizer, ParamsT, _check_lr, _check_non_negative, _check_supported, _to_scalar


class SGD(Optimizer):
    r"""Implements stochastic gradient descent (optionally with momentum), as PyTorch's algorithm::

        for t = 1, 2, ...:
            g_t <- grad (negated if maximize)
            if λ != 0:  g_t <- g_t + λ θ_{t-1}
            if μ != 0:
                b_t <- g_t                          (t = 1)
                b_t <- μ b_{t-1} + (1 - τ) g_t      (t > 1)
                g_t <- g_t + μ b_t  if nesterov  else  b_t
            θ_t <- θ_{t-1} - γ g_t

    Args:
        params: parameters or parameter groups to optimize.
        lr (γ): learning rate (default: 1e-3).
        momentum (μ): momentum factor (default: 0).
        dampening (τ): dampening for momentum (default: 0).
        weight_decay (λ): L2 penalty (default: 0).
        nesterov: use Nesterov momentum; needs momentum > 0 and dampening 0 (default: False).
        maximize: maximize the objective instead of minimizing (default: False).
        foreach, fused: PyTorch's implementation choices; minigrad has one implementation, so
            they are recorded (for ``state_dict`` and ``repr``) and change nothing.
        differentiable: must be False (steps are not recorded by autograd).

    Each parameter's update runs as one fused pass over its elements (``kernels/sgd.py``).
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        _check_non_negative(momentum, "momentum value")
        _check_non_negative(weight_decay, "weight_decay value")
        _check_supported(differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss (or None)."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            momentum, dampening = group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for param, theta, g in self._params_with_grad(group):
                buffer, first_step = None, False
                if momentum != 0:
                    state = self.state[param]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = Tensor._from_storage(np.empty_like(theta, order="C"), param.device)
                        first_step = True
                    buffer = state["momentum_buffer"]._data
                kernel_module("sgd", param.device).sgd_step(theta, g, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step)
        return loss
