"""softplus and the activations built on it, each in a form that never overflows.

    softplus(x)   = log(1 + e^(beta x)) / beta,  or x where beta x > threshold (PyTorch's cutoff)
                    d/dx = sigmoid(beta x),       or 1 above the cutoff
    logsigmoid(x) = log(sigmoid(x)) = -softplus(-x)                 d/dx = sigmoid(-x)
    mish(x)       = x tanh(softplus(x))          d/dx = t + x s (1 - t^2),  s = sigmoid(x),
                                                 t = tanh(softplus(x)) = s (2 - s) / (1 + (1 - s)^2)

``log(1 + e^z)`` is evaluated as ``max(z, 0) + log1p(e^-|z|)``: e^-|z| <= 1 cannot overflow, so
logsigmoid(-1000) is -1000 and softplus(1000) is 1000, never inf or nan. The derivatives need only
the sigmoid (t above is tanh(log(1 + e^x)) with 1 + e^x = 1 / (1 - s)), so each backward is numpy
that also records under ``create_graph``.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from .activation import _floating
from .unary import sigmoid_array
from ._messages import check_tensor


def log1p_exp(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) elementwise, for any z without overflow (same dtype as z)."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


class Softplus(ArrayFunction):
    backward_name = "SoftplusBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, beta, threshold):
        scaled = x * x.dtype.type(beta)
        linear = scaled > threshold
        ctx.save_for_backward(x, linear)
        ctx.beta = beta
        return np.where(linear, x, log1p_exp(scaled) / x.dtype.type(beta))  # beta = 0 gives inf, as PyTorch

    @staticmethod
    def backward(ctx, grad):
        x, linear = ctx.saved_tensors
        scaled = x if ctx.beta == 1 else x * x.dtype.type(ctx.beta)
        return np.where(linear, grad, grad * sigmoid_array(scaled)), None, None


class LogSigmoid(ArrayFunction):
    backward_name = "LogSigmoidBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return -log1p_exp(-x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sigmoid_array(-x)


class Mish(ArrayFunction):
    backward_name = "MishBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.tanh(log1p_exp(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = sigmoid_array(x)
        complement = 1 - s
        t = s * (1 + complement) / (1 + complement * complement)
        return grad * (t + x * s * (1 - t * t))


@autocast_op
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    check_tensor(input, "softplus")
    return Softplus.apply(_floating(input, "softplus_cpu"), beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:
    check_tensor(input, "logsigmoid")
    return LogSigmoid.apply(_floating(input, "log_sigmoid_cpu"))


def mish(input: Tensor) -> Tensor:
    check_tensor(input, "mish")
    return Mish.apply(_floating(input, "mish_cpu"))
