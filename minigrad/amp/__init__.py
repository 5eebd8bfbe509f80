"""``minigrad.amp``: automatic mixed precision, as ``torch.amp``: :class:`autocast` regions
(``autocast_mode.py``; which op casts to what is ``policy.py``) and :class:`GradScaler`
(``grad_scaler.py``). ``minigrad.cuda.amp`` holds PyTorch's deprecated aliases (minigrad/cuda/amp.py)."""
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "GradScaler", "is_autocast_available"]
