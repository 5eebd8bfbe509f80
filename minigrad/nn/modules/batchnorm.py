"""Batch normalisation layers: ``BatchNorm1d`` (N, C) / (N, C, L), ``BatchNorm2d`` (N, C, H, W),
``BatchNorm3d`` (N, C, D, H, W), and ``_NormBase``, the state they share with instance norm.

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias        (statistics per channel over N, *)

In training the batch mean and biased variance normalise, and the running estimates follow
``running = (1 - momentum) * running + momentum * batch`` (unbiased variance); ``momentum=None``
makes them the cumulative average of all batches so far, using ``num_batches_tracked``. In eval
mode the running estimates normalise (batch statistics again if they are not tracked).
"""
from __future__ import annotations

from ... import _creation, _dtype
from ..._tensor import Tensor
from ...functions._messages import check_tensor
from .. import functional as F
from ._affine import register_affine, reset_affine
from .module import Module


class _NormBase(Module):
    """Per-channel state of batch and instance norm: ``weight`` (ones) and ``bias`` (zeros), (C,),
    if ``affine``; with ``track_running_stats`` the buffers ``running_mean`` (zeros),
    ``running_var`` (ones) (C,) and ``num_batches_tracked`` (int64 0), else None."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        register_affine(self, num_features, affine, bias, device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", _creation.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", _creation.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", _creation.tensor(0, dtype=_dtype.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        reset_affine(self)

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs) -> None:
        # As PyTorch for a state dict without version metadata: checkpoints from before the
        # counter existed load with the module's own num_batches_tracked.
        key = prefix + "num_batches_tracked"
        if self.track_running_stats and local_metadata.get("version") is None and key not in state_dict:
            state_dict[key] = self.num_batches_tracked
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        check_tensor(input, "batch_norm")
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average: the k-th batch weighs 1 / k
                factor = 1.0 / float(self.num_batches_tracked)
        # Batch statistics in training, and in eval mode when no running ones are kept.
        use_batch_stats = self.training or self.running_mean is None
        # Running statistics are passed where they are updated (training) or used (eval).
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch_stats, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L): statistics per channel over N (and L).

    Args: num_features C; eps added to the variance; momentum of the running estimates (None:
    cumulative average); affine (learnable weight/bias (C,)); track_running_stats; bias.
    """

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W): statistics per channel over (N, H, W). Arguments as BatchNorm1d."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W): statistics per channel over (N, D, H, W). Arguments as BatchNorm1d."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")
