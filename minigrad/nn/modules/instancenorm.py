"""Instance normalisation layers: ``InstanceNorm1d`` (N, C, L), ``InstanceNorm2d`` (N, C, H, W),
``InstanceNorm3d`` (N, C, D, H, W), each also unbatched (without N).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias      (statistics per (n, c) over the spatial dims)

Unlike batch norm, ``affine`` and ``track_running_stats`` default to False; with running
statistics tracked, eval mode normalises with them (``F.instance_norm``'s ``use_input_stats=False``).
"""
from __future__ import annotations

import warnings

from ..._tensor import Tensor
from ...functions._messages import check_tensor
from .. import functional as F
from .batchnorm import _NormBase


class _InstanceNorm(_NormBase):
    #: The rank of an unbatched input, (C, *spatial).
    unbatched_dim: int

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() not in (self.unbatched_dim, self.unbatched_dim + 1):
            raise ValueError(f"expected {self.unbatched_dim}D or {self.unbatched_dim + 1}D input "
                             f"(got {input.dim()}D input)")

    def _apply_instance_norm(self, input: Tensor) -> Tensor:
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)

    def forward(self, input: Tensor) -> Tensor:
        check_tensor(input, "instance_norm")
        self._check_input_dim(input)
        feature_dim = input.dim() - self.unbatched_dim
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        if input.dim() == self.unbatched_dim:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over (N, C, L) or unbatched (C, L): statistics per (n, c) over L.

    Args: num_features C; eps added to the variance; momentum of the running estimates;
    affine (learnable weight/bias (C,), default False); track_running_stats (default False); bias.
    """

    unbatched_dim = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over (N, C, H, W) or unbatched (C, H, W): statistics per (n, c) over (H, W).
    Arguments as InstanceNorm1d."""

    unbatched_dim = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over (N, C, D, H, W) or unbatched (C, D, H, W): statistics per (n, c) over
    (D, H, W). Arguments as InstanceNorm1d."""

    unbatched_dim = 4
