"""Activation functions beyond the basic unary ones (relu, sigmoid and tanh live in ``unary.py``).

Each Function saves the input x and computes its derivative from it:

    leaky_relu(x) = x if x > 0 else slope * x          d/dx = 1 if x > 0 else slope
    elu(x)        = x if x > 0 else alpha (e^x - 1)     d/dx = 1 if x > 0 else alpha e^x
    silu(x)       = x sigmoid(x)                        d/dx = s (1 + x (1 - s)),  s = sigmoid(x)
    gelu(x)       = x Phi(x)                            (kernels/gelu.py: needs erf, which numpy lacks)

SELU and CELU are ELU with a scale on the output or the input, as in PyTorch's one ELU kernel:

    elu(x; alpha, scale, input_scale) = scale * (x if x > 0 else alpha (e^(input_scale x) - 1))
    selu: alpha = 1.6732632..., scale = 1.0507009...      celu: input_scale = 1 / alpha

softsign(x) = x / (1 + |x|) is, as in PyTorch, built from the elementwise ops.
The subgradient at 0 follows PyTorch: the ``x > 0`` branch is taken only for positive x.
"""
from __future__ import annotations

import math

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from .unary import sigmoid_array
from ._messages import check_tensor, type_name


class LeakyReLU(ArrayFunction):
    backward_name = "LeakyReluBackward0"
    runs_on_cuda = True

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
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        # expm1 keeps e^x - 1 accurate near 0; the minimum keeps the unused branch from overflowing.
        negative = x.dtype.type(alpha) * np.expm1(np.minimum(x, 0) * x.dtype.type(input_scale))
        return x.dtype.type(scale) * np.where(x > 0, x, negative)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        dtype = x.dtype.type
        negative_slope = dtype(ctx.alpha * ctx.input_scale) * np.exp(np.minimum(x, 0) * dtype(ctx.input_scale))
        return dtype(ctx.scale) * np.where(x > 0, grad, grad * negative_slope), None, None, None


class CELU(ELU):
    backward_name = "CeluBackward0"


class SiLU(ArrayFunction):
    backward_name = "SiluBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * sigmoid_array(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = sigmoid_array(x)
        return grad * s * (1 + x * (1 - s))


_CUBIC = 0.044715  # the tanh form's u = sqrt(2 / pi) (x + 0.044715 x^3)


def _gelu_second_derivative(x, approximate: str):
    """gelu''(x) with numpy (so that it records under ``create_graph``); phi the normal density:

        exact: gelu''(x) = phi(x) (2 - x^2)
        tanh:  gelu''(x) = (1 - t^2) (u' - x t u'^2 + x u'' / 2),   t = tanh(u),
               u' = sqrt(2 / pi) (1 + 3 * 0.044715 x^2),  u'' = sqrt(2 / pi) 6 * 0.044715 x
    """
    if approximate == "tanh":
        scale = math.sqrt(2 / math.pi)
        t = np.tanh(scale * (x + _CUBIC * x * x * x))
        slope = scale * (1 + 3 * _CUBIC * x * x)
        return (1 - t * t) * (slope - x * t * slope * slope + x * (3 * scale * _CUBIC) * x)
    density = np.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
    return density * (2 - x * x)


class GeluBackward(ArrayFunction):
    """GELU's gradient ``grad * gelu'(x)`` (kernels/gelu.py) as an op. Its derivatives, given u:
    ``gelu'(x) u`` for grad (this op again) and ``grad u gelu''(x)`` for x."""

    backward_name = "GeluBackwardBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, grad, x, approximate):
        ctx.save_for_backward(grad, x)
        ctx.approximate = approximate
        return kernel_module("gelu", ctx.device).gelu_backward(grad, x, approximate)

    @staticmethod
    def backward(ctx, grad_grad_x):
        grad, x = ctx.saved_tensors
        grad_x = grad_grad_x * grad * _gelu_second_derivative(x, ctx.approximate)
        return GeluBackward.compute(grad_grad_x, x, ctx.approximate), grad_x, None


class GELU(ArrayFunction):
    computes_half_in_float32 = True
    backward_name = "GeluBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        return kernel_module("gelu", ctx.device).gelu_forward(x, approximate)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return GeluBackward.compute(grad, x, ctx.approximate), None


def _floating(input: Tensor, name: str) -> Tensor:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{name}" not implemented for \'{type_name(input)}\'')
    return input


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    check_tensor(input, "leaky_relu")
    return LeakyReLU.apply(_floating(input, "leaky_relu_cpu"), float(negative_slope))


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    check_tensor(input, "elu")
    return ELU.apply(_floating(input, "elu_cpu"), float(alpha), 1.0, 1.0)


# SELU's constants (Klambauer et al., 2017): they make zero mean / unit variance a fixed point.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor) -> Tensor:
    """scale * elu(x, alpha) with SELU's fixed alpha and scale."""
    check_tensor(input, "selu")
    return ELU.apply(_floating(input, "elu_cpu"), _SELU_ALPHA, _SELU_SCALE, 1.0)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """x if x > 0 else alpha * (exp(x / alpha) - 1): continuously differentiable for any alpha."""
    check_tensor(input, "celu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return CELU.apply(_floating(input, "elu_cpu"), float(alpha), 1.0, 1.0 / alpha)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    check_tensor(input, "softsign")
    return input / (input.abs() + 1)


def silu(input: Tensor) -> Tensor:
    check_tensor(input, "silu")
    return SiLU.apply(_floating(input, "silu_cpu"))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    check_tensor(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return GELU.apply(_floating(input, "GeluKernelImpl"), approximate)
