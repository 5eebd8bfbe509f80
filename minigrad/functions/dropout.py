"""Inverted dropout: ``y = x * mask / (1 - p)`` with ``mask ~ Bernoulli(1 - p)`` per element, or per
feature map for feature dropout (``dropout2d``: one draw per (n, c), shared by all of ``x[n, c]``).

Scaling the kept elements by 1 / (1 - p) during training keeps E[y] = x, so evaluation needs no
rescaling (dropout is then the identity). The mask comes from :func:`dropout_mask`: a kernel
drawing from the default generator on the CPU, from the GPU's own on CUDA, so ``manual_seed``
repeats it; backward multiplies by the same scaled mask: dx = dy * mask / (1 - p).
"""
from __future__ import annotations

import numpy as np

from .._device import device, kernel_module
from .._random import kernel_generator
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor


def dropout_mask(shape: tuple, p: float, dtype: np.dtype, dev: device):
    """The scaled keep-mask on ``dev``: ``1 / (1 - p)`` where an element is kept (probability
    1 - p), 0 where it is dropped; ``dtype``. The one place that picks the random source: the
    device's kernel (``kernels/dropout.py``, ``kernels/cuda/dropout.py``) with the device's
    generator (the default one on the CPU, the GPU's own on CUDA)."""
    return kernel_module("dropout", dev).dropout_mask(shape, p, dtype, kernel_generator(dev))


class Dropout(ArrayFunction):
    backward_name = "MulBackward0"  # PyTorch's graph shows dropout as its mask multiply
    saves_constants = True  # the mask: a draw that does not depend on x
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, p, mask_shape):
        """``mask_shape`` is x's shape, or x's with 1s where one draw covers a whole axis."""
        mask = dropout_mask(mask_shape, p, x.dtype, ctx.device)
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None, None


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) when ``train``;
    the input itself otherwise (and for p = 0), as ``torch.dropout``."""
    check_tensor(input, "dropout")
    if not train or p == 0:
        return input
    return Dropout.apply(input, float(p), input.shape)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout of whole feature maps of ``input`` (N, C, *): each ``input[n, c]`` is zeroed with
    probability ``p`` or scaled by 1 / (1 - p) as a whole, as ``torch.feature_dropout``."""
    check_tensor(input, "feature_dropout")
    if not train or p == 0:
        return input
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return Dropout.apply(input, float(p), input.shape[:2] + (1,) * (input.ndim - 2))
