"""Adadelta: ``torch.optim.Adadelta``."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _advance_state, _check_lr, _check_non_negative, _check_supported,
                        _to_scalar)


class Adadelta(Optimizer):
    r"""Implements Adadelta, as PyTorch's algorithm::

        v_0, u_0 <- 0
        for t = 1, 2, ...:
            g_t <- grad (negated if maximize)
            if λ != 0:  g_t <- g_t + λ θ_{t-1}
            v_t <- ρ v_{t-1} + (1 - ρ) g_t²
            Δx_t <- √(u_{t-1} + ε) / √(v_t + ε) · g_t
            u_t <- ρ u_{t-1} + (1 - ρ) Δx_t²
            θ_t <- θ_{t-1} - γ Δx_t

    Args:
        params: parameters or parameter groups to optimize.
        lr (γ): scale of the delta before it is applied (default: 1.0).
        rho (ρ): decay rate of the running averages, in [0, 1] (default: 0.9).
        eps (ε): added inside the square roots for numerical stability (default: 1e-6).
        weight_decay (λ): L2 penalty (default: 0).
        foreach: PyTorch's implementation choice; recorded, changes nothing here.
        maximize: maximize the objective instead of minimizing (default: False).
        capturable, differentiable: must be False.

    State per parameter: ``step``, ``square_avg`` (v) and ``acc_delta`` (u).
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_non_negative(eps, "epsilon value")
        _check_non_negative(weight_decay, "weight_decay value")
        _check_supported(differentiable, capturable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss (or None)."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            rho, eps, weight_decay = group["rho"], group["eps"], group["weight_decay"]
            for param, theta, g in self._params_with_grad(group):
                state = self.state[param]
                _advance_state(state, param, ("square_avg", "acc_delta"))  # t itself is not used by Adadelta
                if weight_decay != 0:
                    g = g + weight_decay * theta  # g_t <- g_t + λ θ_{t-1}
                v, u = state["square_avg"]._data, state["acc_delta"]._data
                v *= rho  # v_t <- ρ v_{t-1} + (1 - ρ) g_t²
                v += (1 - rho) * (g * g)
                delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g  # Δx_t <- √(u_{t-1} + ε) / √(v_t + ε) g_t
                u *= rho  # u_t <- ρ u_{t-1} + (1 - ρ) Δx_t²
                u += (1 - rho) * (delta * delta)
                theta -= lr * delta  # θ_t <- θ_{t-1} - γ Δx_t
        return loss
