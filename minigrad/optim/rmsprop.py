"""RMSprop: ``torch.optim.RMSprop``."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _advance_state, _check_lr, _check_non_negative, _check_supported,
                        _to_scalar)


class RMSprop(Optimizer):
    r"""Implements RMSprop, as PyTorch's algorithm::

        v_0, b_0, g^ave_0 <- 0
        for t = 1, 2, ...:
            g_t <- grad (negated if maximize)
            if λ != 0:  g_t <- g_t + λ θ_{t-1}
            v_t <- α v_{t-1} + (1 - α) g_t²
            ṽ_t <- v_t
            if centered:
                g^ave_t <- α g^ave_{t-1} + (1 - α) g_t
                ṽ_t <- ṽ_t - (g^ave_t)²
            if μ > 0:
                b_t <- μ b_{t-1} + g_t / (√ṽ_t + ε)
                θ_t <- θ_{t-1} - γ b_t
            else:
                θ_t <- θ_{t-1} - γ g_t / (√ṽ_t + ε)

    ε is added after the square root (TensorFlow adds it before).

    Args:
        params: parameters or parameter groups to optimize.
        lr (γ): learning rate (default: 1e-2).
        alpha (α): smoothing constant of the running averages (default: 0.99).
        eps (ε): added to the denominator for numerical stability (default: 1e-8).
        weight_decay (λ): L2 penalty (default: 0).
        momentum (μ): momentum factor (default: 0).
        centered: normalize by an estimate of the gradient's variance instead of its mean
            square (default: False).
        capturable, differentiable: must be False.
        foreach: PyTorch's implementation choice; recorded, changes nothing here.
        maximize: maximize the objective instead of minimizing (default: False).

    State per parameter: ``step``, ``square_avg`` (v), ``momentum_buffer`` (b, when momentum > 0)
    and ``grad_avg`` (g^ave, when centered).
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_non_negative(eps, "epsilon value")
        _check_non_negative(momentum, "momentum value")
        _check_non_negative(weight_decay, "weight_decay value")
        _check_non_negative(alpha, "alpha value")
        _check_supported(differentiable, capturable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss (or None)."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            alpha, eps, weight_decay = group["alpha"], group["eps"], group["weight_decay"]
            momentum, centered = group["momentum"], group["centered"]
            buffers = (("square_avg",) + (("momentum_buffer",) if momentum > 0 else ())
                       + (("grad_avg",) if centered else ()))
            for param, theta, g in self._params_with_grad(group):
                state = self.state[param]
                _advance_state(state, param, buffers)  # t itself is not used by RMSprop
                if weight_decay != 0:
                    g = g + weight_decay * theta  # g_t <- g_t + λ θ_{t-1}
                v = state["square_avg"]._data
                v *= alpha  # v_t <- α v_{t-1} + (1 - α) g_t²
                v += (1 - alpha) * (g * g)
                if centered:
                    g_ave = state["grad_avg"]._data
                    g_ave *= alpha  # g^ave_t <- α g^ave_{t-1} + (1 - α) g_t
                    g_ave += (1 - alpha) * g
                    denominator = np.sqrt(v - g_ave * g_ave)  # √ṽ_t with ṽ_t = v_t - (g^ave_t)²
                else:
                    denominator = np.sqrt(v)  # √ṽ_t with ṽ_t = v_t
                denominator += eps
                if momentum > 0:
                    b = state["momentum_buffer"]._data
                    b *= momentum  # b_t <- μ b_{t-1} + g_t / (√ṽ_t + ε)
                    b += g / denominator
                    theta -= lr * b  # θ_t <- θ_{t-1} - γ b_t
                else:
                    theta -= lr * g / denominator  # θ_t <- θ_{t-1} - γ g_t / (√ṽ_t + ε)
        return loss
