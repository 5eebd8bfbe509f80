"""Learning-rate schedulers: ``torch.optim.lr_scheduler``.

A scheduler rewrites ``group['lr']`` of its optimizer's parameter groups each time ``step()`` is
called (once per epoch or per batch, after ``optimizer.step()``); see ``scheduler.LRScheduler``.

Most schedules are computed *recursively* from the current lr, exactly as PyTorch does, so they
compose with other changes to the lr (ChainedScheduler) and match PyTorch's floating-point values
step for step; ``step(epoch)`` (deprecated in PyTorch) uses the closed form instead.

One module per family: ``lambda_lr`` (user functions), ``decay`` (constant factors), ``cosine``,
``cyclic`` (CyclicLR, OneCycleLR, which also cycle the momentum), ``plateau`` (driven by a
metric) and ``composite`` (schedulers of schedulers).
"""
from .composite import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .decay import ConstantLR, ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR
from .lambda_lr import LambdaLR, MultiplicativeLR
from .plateau import ReduceLROnPlateau
from .scheduler import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler

__all__ = [
    "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
    "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR",
    "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR", "LRScheduler",
]
