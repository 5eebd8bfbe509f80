"""``PReLU``: a leaky ReLU whose negative slopes are learned."""
from __future__ import annotations

from ... import _creation
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


class PReLU(Module):
    """x if x > 0 else a * x, with ``weight`` a (num_parameters,) Parameter starting at ``init``:
    one slope shared by every element (num_parameters=1), or one per channel (dim 1 of the input,
    which must then have num_parameters channels)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(_creation.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
