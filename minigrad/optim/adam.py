"""Adam (and, with decoupled weight decay, AdamW): ``torch.optim.Adam``."""
from __future__ import annotations

from typing import Any, Callable

from .._device import kernel_module
from .._tensor import Tensor
from .optimizer import (Optimizer, ParamsT, _advance_state, _check_lr, _check_non_negative, _check_supported,
                        _to_scalar)


class Adam(Optimizer):
    r"""Implements Adam, as PyTorch's algorithm::

        m_0, v_0, v_0^max <- 0
        for t = 1, 2, ...:
            g_t <- grad (negated if maximize)
            if λ != 0:
                θ_{t-1} <- θ_{t-1} - γ λ θ_{t-1}     if decoupled_weight_decay (AdamW)
                g_t <- g_t + λ θ_{t-1}               otherwise
            m_t <- β1 m_{t-1} + (1 - β1) g_t
            v_t <- β2 v_{t-1} + (1 - β2) g_t²
            m̂_t <- m_t / (1 - β1^t)
            v̂_t <- max(v_{t-1}^max, v_t) / (1 - β2^t)   if amsgrad  else  v_t / (1 - β2^t)
            θ_t <- θ_{t-1} - γ m̂_t / (√v̂_t + ε)

    Args:
        params: parameters or parameter groups to optimize.
        lr (γ): learning rate (default: 1e-3).
        betas (β1, β2): decay rates of the gradient's running mean and mean square
            (default: (0.9, 0.999)).
        eps (ε): added to the denominator for numerical stability (default: 1e-8).
        weight_decay (λ): weight decay (default: 0).
        amsgrad: use the running maximum of v_t (AMSGrad) (default: False).
        maximize: maximize the objective instead of minimizing (default: False).
        decoupled_weight_decay: decay the weights directly instead of adding λθ to the gradient;
            this makes Adam equal to AdamW (default: False).
        foreach, fused: PyTorch's implementation choices; recorded, change nothing here.
        capturable, differentiable: must be False (no CUDA graphs; steps are not recorded).

    State per parameter: ``step`` (0-d tensor t), ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with
    amsgrad, ``max_exp_avg_sq`` (v^max). Each parameter's update runs as one fused pass over its
    elements (``kernels/adam.py``).
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        _check_lr(lr)
        _check_non_negative(eps, "epsilon value")
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
        _check_non_negative(weight_decay, "weight_decay value")
        if not (all(isinstance(beta, float) for beta in betas) or all(isinstance(beta, Tensor) for beta in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        _check_supported(differentiable, capturable)
        defaults = dict(lr=lr, betas=tuple(_to_scalar(beta) for beta in betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss (or None)."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = group["betas"]
            eps, weight_decay, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
            buffers = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if amsgrad else ())
            for param, theta, g in self._params_with_grad(group):
                state = self.state[param]
                t = _advance_state(state, param, buffers)
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                v_max = state["max_exp_avg_sq"]._data if amsgrad else None
                kernel_module("adam", param.device).adam_step(theta, g, m, v, v_max, t, lr, beta1, beta2, eps,
                                                              weight_decay, group["decoupled_weight_decay"])
        return loss
