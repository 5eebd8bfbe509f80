"""2-D transposed convolution (PyTorch's ConvTranspose2d) by its definition: every input element
scatters a weighted copy of its kernel into the output.

Shapes: ``x`` (N, C_in, H, W), ``weight`` (C_in, C_out/G, kH, kW) (PyTorch's layout) with
G = groups, ``bias`` (C_out,) or None, output (N, C_out, OH, OW) with, per axis,
``O = (I - 1)*s - 2*p + d*(k - 1) + output_padding + 1``::

    out[n, g*C_out/G + co, ih*sH - pH + ki*dH, iw*sW - pW + kj*dW] += x[n, ci, ih, iw] * weight[ci, co, ki, kj]

for every (n, ci, ih, iw, co, ki, kj), with ``g = ci // (C_in/G)`` the group of input channel ``ci``;
terms that land outside the output (cut off by the padding ``(pH, pW)``, symmetric as in PyTorch) are
dropped. ``output_padding`` only adds bottom rows / right columns, which the scatter may not reach
(they then hold just the bias).

Backward: each term adds ``grad_out * weight`` to the gradient of its ``x`` element and
``grad_out * x`` to the gradient of its weight, at the output element it landed on; the bias
gradient sums ``grad_out``. The backward loops run the forward's loop nest and accumulate exactly
these derivatives.

Fast kernel: :mod:`minigrad.kernels.conv_transpose2d`.
"""
import numpy as np
from numba import njit


def conv_transpose2d_output_size(
    input_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[int, int]:
    """``O = (I - 1)*s - 2*p + d*(k - 1) + output_padding + 1`` on each axis: one past the last
    kernel tap of the last input element, minus the padding cut from both sides, plus output_padding."""
    return tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + op + 1
        for i, k, s, p, op, d in zip(input_hw, kernel_hw, stride, padding, output_padding, dilation)
    )


@njit(cache=True)
def conv_transpose2d_forward_loops(x, weight, out, sH, sW, pH, pW, dH, dW, groups):
    """Add every term of the scatter (module docstring) to ``out`` (N, C_out, OH, OW), float64,
    which holds the bias on entry."""
    N, C_in, H, W = x.shape
    C_group, kH, kW = weight.shape[1], weight.shape[2], weight.shape[3]
    OH, OW = out.shape[2], out.shape[3]
    for n in range(N):
        for ci in range(C_in):
            g = ci // (C_in // groups)
            for ih in range(H):
                for iw in range(W):
                    for co in range(C_group):
                        for ki in range(kH):
                            for kj in range(kW):
                                oh = ih * sH - pH + ki * dH
                                ow = iw * sW - pW + kj * dW
                                if 0 <= oh < OH and 0 <= ow < OW:
                                    out[n, g * C_group + co, oh, ow] += x[n, ci, ih, iw] * weight[ci, co, ki, kj]


@njit(cache=True)
def conv_transpose2d_backward_loops(grad_out, x, weight, grad_x, grad_weight, sH, sW, pH, pW, dH, dW, groups):
    """Accumulate into ``grad_x`` and ``grad_weight`` (float64, zero on entry) the derivative of
    every term of the forward scatter, visiting the terms in the forward's order."""
    N, C_in, H, W = x.shape
    C_group, kH, kW = weight.shape[1], weight.shape[2], weight.shape[3]
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    for n in range(N):
        for ci in range(C_in):
            g = ci // (C_in // groups)
            for ih in range(H):
                for iw in range(W):
                    for co in range(C_group):
                        for ki in range(kH):
                            for kj in range(kW):
                                oh = ih * sH - pH + ki * dH
                                ow = iw * sW - pW + kj * dW
                                if 0 <= oh < OH and 0 <= ow < OW:
                                    grad = grad_out[n, g * C_group + co, oh, ow]
                                    grad_x[n, ci, ih, iw] += grad * weight[ci, co, ki, kj]
                                    grad_weight[ci, co, ki, kj] += grad * x[n, ci, ih, iw]


def _float64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, np.float64)


def conv_transpose2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
) -> np.ndarray:
    """Transposed convolution (N, C_in, H, W) -> (N, C_out, OH, OW), float64; module docstring."""
    x, weight = _float64(x), _float64(weight)
    out_hw = conv_transpose2d_output_size(x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation)
    C_out = weight.shape[1] * groups
    out = np.zeros((x.shape[0], C_out) + out_hw)
    if bias is not None:
        out += _float64(bias)[:, None, None]
    conv_transpose2d_forward_loops(x, weight, out, *stride, *padding, *dilation, groups)
    return out


def conv_transpose2d_backward(
    grad_out: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: tuple[int, int],
    padding: tuple[int, int],
    output_padding: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    needs_input_grad: bool = True,
    needs_weight_grad: bool = True,
    needs_bias_grad: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """``(grad_x, grad_weight, grad_bias)``, float64, shaped like ``x``, ``weight`` and (C_out,), from
    ``grad_out`` (N, C_out, OH, OW); each is None when not requested. ``output_padding`` is implied by
    grad_out's shape; it is accepted so the arguments mirror the forward's."""
    x, weight, grad_out = _float64(x), _float64(weight), _float64(grad_out)
    grad_x, grad_weight = np.zeros(x.shape), np.zeros(weight.shape)
    conv_transpose2d_backward_loops(grad_out, x, weight, grad_x, grad_weight, *stride, *padding, *dilation, groups)
    grad_bias = grad_out.sum(axis=(0, 2, 3))  # d out[n, c, oh, ow] / d bias[c] = 1
    return (grad_x if needs_input_grad else None, grad_weight if needs_weight_grad else None,
            grad_bias if needs_bias_grad else None)
