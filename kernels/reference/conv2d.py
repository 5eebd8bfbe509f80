"""2-D convolution (PyTorch's cross-correlation) by its definition: dense, grouped and depthwise alike.

Shapes: ``x`` (N, C_in, H, W), ``weight`` (C_out, C_in/G, kH, kW) with G = groups, ``bias`` (C_out,)
or None, output (N, C_out, OH, OW). ``padding = (top, bottom, left, right)`` is zero padding and may
be asymmetric (PyTorch's ``padding='same'`` with an even kernel puts the extra row/column at the
bottom/right)::

    out[n, co, oh, ow] = bias[co] + sum_{ci < C_in/G, ki < kH, kj < kW}
                         weight[co, ci, ki, kj] * x[n, g*C_in/G + ci, ih, iw]
    ih = oh*sH - top + ki*dH,   iw = ow*sW - left + kj*dW,   g = co // (C_out/G)

where ``x`` reads zero outside [0, H) x [0, W). Dense is G = 1, depthwise is G = C_in (one input
channel per group, any channel multiplier C_out/C_in): one formula for all three.

Backward: ``out`` is a sum of terms ``weight * x`` (plus the bias), so each term adds
``grad_out * weight`` to the gradient of the ``x`` element it read, ``grad_out * x`` to the gradient
of its weight, and ``grad_out`` to the bias gradient. The backward loops run the forward's loop nest
and accumulate exactly these three derivatives; input elements no window reads get zero.

Fast kernel: :mod:`minigrad.kernels.conv2d`.
"""
import numpy as np
from numba import njit


def conv2d_output_size(
    input_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
) -> tuple[int, int]:
    """Number of window positions per axis: the last tap of window ``o``, ``o*s - before + d*(k-1)``,
    must stay inside the padded input, ``< size + after``; so ``O = (size + before + after - d*(k-1) - 1)
    // s + 1`` (an integer floor division)."""
    (H, W), (kH, kW), (sH, sW), (top, bottom, left, right), (dH, dW) = (
        input_hw, kernel_hw, stride, padding, dilation
    )
    return (H + top + bottom - dH * (kH - 1) - 1) // sH + 1, (W + left + right - dW * (kW - 1) - 1) // sW + 1


@njit(cache=True)
def conv2d_forward_loops(x, weight, bias, out, sH, sW, top, left, dH, dW, groups):
    """``out`` (N, C_out, OH, OW) from ``x``, ``weight``, ``bias`` (float64; formula in the module
    docstring), one output element at a time."""
    N, C_in, H, W = x.shape
    C_out, C_group, kH, kW = weight.shape
    OH, OW = out.shape[2], out.shape[3]
    for n in range(N):
        for co in range(C_out):
            g = co // (C_out // groups)
            for oh in range(OH):
                for ow in range(OW):
                    total = bias[co]
                    for ci in range(C_group):
                        for ki in range(kH):
                            for kj in range(kW):
                                ih = oh * sH - top + ki * dH
                                iw = ow * sW - left + kj * dW
                                if 0 <= ih < H and 0 <= iw < W:
                                    total += weight[co, ci, ki, kj] * x[n, g * C_group + ci, ih, iw]
                    out[n, co, oh, ow] = total


@njit(cache=True)
def conv2d_backward_loops(grad_out, x, weight, grad_x, grad_weight, grad_bias, sH, sW, top, left, dH, dW, groups):
    """Accumulate into ``grad_x``, ``grad_weight``, ``grad_bias`` (float64, zero on entry) the
    derivative of every term of the forward sum, visiting the terms in the forward's order."""
    N, C_in, H, W = x.shape
    C_out, C_group, kH, kW = weight.shape
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    for n in range(N):
        for co in range(C_out):
            g = co // (C_out // groups)
            for oh in range(OH):
                for ow in range(OW):
                    grad = grad_out[n, co, oh, ow]
                    grad_bias[co] += grad
                    for ci in range(C_group):
                        for ki in range(kH):
                            for kj in range(kW):
                                ih = oh * sH - top + ki * dH
                                iw = ow * sW - left + kj * dW
                                if 0 <= ih < H and 0 <= iw < W:
                                    c = g * C_group + ci
                                    grad_x[n, c, ih, iw] += grad * weight[co, ci, ki, kj]
                                    grad_weight[co, ci, ki, kj] += grad * x[n, c, ih, iw]


def _float64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, np.float64)


def conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
) -> np.ndarray:
    """Convolution (N, C_in, H, W) -> (N, C_out, OH, OW), float64; formula in the module docstring."""
    x, weight = _float64(x), _float64(weight)
    bias = np.zeros(weight.shape[0]) if bias is None else _float64(bias)
    out_hw = conv2d_output_size(x.shape[2:], weight.shape[2:], stride, padding, dilation)
    out = np.empty((x.shape[0], weight.shape[0]) + out_hw)
    conv2d_forward_loops(x, weight, bias, out, *stride, padding[0], padding[2], *dilation, groups)
    return out


def conv2d_backward(
    grad_out: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
    needs_input_grad: bool = True,
    needs_weight_grad: bool = True,
    needs_bias_grad: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """``(grad_x, grad_weight, grad_bias)``, float64, shaped like ``x``, ``weight`` and (C_out,), from
    ``grad_out`` (N, C_out, OH, OW); each is None when not requested (all three are computed anyway)."""
    x, weight = _float64(x), _float64(weight)
    grad_x, grad_weight, grad_bias = np.zeros(x.shape), np.zeros(weight.shape), np.zeros(weight.shape[0])
    conv2d_backward_loops(_float64(grad_out), x, weight, grad_x, grad_weight, grad_bias,
                          *stride, padding[0], padding[2], *dilation, groups)
    return (grad_x if needs_input_grad else None, grad_weight if needs_weight_grad else None,
            grad_bias if needs_bias_grad else None)
