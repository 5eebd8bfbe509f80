"""AdamW: Adam with decoupled weight decay, ``torch.optim.AdamW``."""
from __future__ import annotations

from .._tensor import Tensor
from .adam import Adam
from .optimizer import ParamsT


class AdamW(Adam):
    r"""Implements AdamW: Adam whose weight decay shrinks the weights directly,
    θ_{t-1} <- θ_{t-1} - γ λ θ_{t-1}, instead of entering the moments through the gradient
    (see :class:`Adam` for the rest of the algorithm). Note the default ``weight_decay=1e-2``.

    Args are those of :class:`Adam`, without ``decoupled_weight_decay`` (always True).
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
