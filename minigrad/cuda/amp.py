"""``minigrad.cuda.amp``: PyTorch's deprecated CUDA spellings of ``minigrad.amp``'s autocast,
GradScaler, custom_fwd and custom_bwd, which warn with PyTorch's FutureWarning and then behave as
those with ``device_type='cuda'``."""
from __future__ import annotations

import functools
import warnings

from .. import _dtype
from ..amp import autocast_mode, grad_scaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "GradScaler"]


class autocast(autocast_mode.autocast):  # noqa: N801  (PyTorch's name)
    """``minigrad.autocast('cuda', ...)``; deprecated in PyTorch, and warns so here."""

    def __init__(self, enabled: bool = True, dtype=_dtype.float16, cache_enabled: bool = True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. "
                      "Please use `torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    """``minigrad.amp.GradScaler('cuda', ...)``; deprecated in PyTorch, and warns so here."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. "
                      "Please use `torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """``minigrad.amp.custom_fwd(..., device_type='cuda')``; deprecated in PyTorch, and warns so here."""
    warnings.warn("`torch.cuda.amp.custom_fwd(args...)` is deprecated. "
                  "Please use `torch.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning,
                  stacklevel=2)
    return functools.partial(autocast_mode.custom_fwd, device_type="cuda")(fwd=fwd, cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """``minigrad.amp.custom_bwd(..., device_type='cuda')``; deprecated in PyTorch, and warns so here."""
    warnings.warn("`torch.cuda.amp.custom_bwd(args...)` is deprecated. "
                  "Please use `torch.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning,
                  stacklevel=2)
    return autocast_mode.custom_bwd(bwd, device_type="cuda")

