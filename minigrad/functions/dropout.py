"""Inverted dropout: ``y = x * mask / (1 - p)`` with ``mask ~ Bernoulli(1 - p)`` per element.

Scaling the kept elements by 1 / (1 - p) during training keeps E[y] = x, so evaluation needs no
rescaling (dropout is then the identity). The mask is drawn from the default generator, so
``manual_seed`` repeats it; backward multiplies by the same scaled mask: dx = dy * mask / (1 - p).
"""
from __future__ import annotations

import numpy as np

from .._random import numpy_generator
from .._tensor import Tensor
from ..autograd.function import ArrayFunction


class Dropout(ArrayFunction):
    backward_name = "MulBackward0"  # PyTorch's graph shows dropout as its mask multiply

    @staticmethod
    def forward(ctx, x, p):
        draw_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float64
        keep = numpy_generator(None).random(x.shape, dtype=draw_dtype) >= p  # P(keep) = 1 - p
        scale = 1.0 / (1.0 - p) if p < 1 else 0.0
        mask = np.where(keep, x.dtype.type(scale), x.dtype.type(0))
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) when ``train``;
    the input itself otherwise (and for p = 0), as ``torch.dropout``."""
    if not train or p == 0:
        return input
    return Dropout.apply(input, float(p))
