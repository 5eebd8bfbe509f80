"""Activation functions beyond the basic unary ones (relu, sigmoid and tanh live in ``unary.py``).

Each Function saves the input x and computes its derivative from it:

    leaky_relu(x) = x if x > 0 else slope * x          d/dx = 1 if x > 0 else slope
    elu(x)        = x if x > 0 else alpha (e^x - 1)     d/dx = 1 if x > 0 else alpha e^x
    silu(x)       = x sigmoid(x)                        d/dx = s (1 + x (1 - s)),  s = sigmoid(x)
    gelu(x)       = x Phi(x)                            (kernels/gelu.py: needs erf, which numpy lacks)

The subgradient at 0 follows PyTorch: the ``x > 0`` branch is taken only for positive x.
"""
from __future__ import annotations

import numpy as np

from .._device import kernel_module
from .._tensor import _LEGACY_NAMES, Tensor
from ..autograd.function import ArrayFunction


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 0.5 (1 + tanh(x / 2)) is sigmoid exactly, and never overflows (unlike 1 / (1 + e^-x)).
    return 0.5 * (1 + np.tanh(0.5 * x))


class LeakyReLU(ArrayFunction):
    backward_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return np.where(x > 0, x, x * x.dtype.type(negative_slope))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return np.where(x > 0, grad, grad * grad.dtype.type(ctx.negative_slope)), None


class ELU(ArrayFunction):
    backward_name = "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        # expm1 keeps e^x - 1 accurate near 0; the minimum keeps the unused branch from overflowing.
        return np.where(x > 0, x, x.dtype.type(alpha) * np.expm1(np.minimum(x, 0)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return np.where(x > 0, grad, grad * x.dtype.type(ctx.alpha) * np.exp(np.minimum(x, 0))), None


class SiLU(ArrayFunction):
    backward_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _sigmoid(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = _sigmoid(x)
        return grad * s * (1 + x * (1 - s))


class GELU(ArrayFunction):
    backward_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        return kernel_module("gelu", ctx.device).gelu_forward(x, approximate)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return kernel_module("gelu", ctx.device).gelu_backward(grad, x, ctx.approximate), None


def _floating(input: Tensor, name: str) -> Tensor:
    if not input.dtype.is_floating_point:
        type_name = _LEGACY_NAMES[input.dtype.name][:-len("Tensor")]  # 'Long', as PyTorch prints it
        raise NotImplementedError(f'"{name}" not implemented for \'{type_name}\'')
    return input


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyReLU.apply(_floating(input, "leaky_relu_cpu"), float(negative_slope))


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    return ELU.apply(_floating(input, "elu_cpu"), float(alpha))


def silu(input: Tensor) -> Tensor:
    return SiLU.apply(_floating(input, "silu_cpu"))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return GELU.apply(_floating(input, "GeluKernelImpl"), approximate)
