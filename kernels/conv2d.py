"""2-D convolution (cross-correlation, as in PyTorch) for dense, grouped and depthwise weights.

Shapes: ``x`` (N, C_in, H, W), ``weight`` (C_out, C_in/groups, kH, kW), ``bias`` (C_out,),
output (N, C_out, OH, OW) with (see :func:`conv2d_output_size`)::

    out[n, co, oh, ow] = bias[co] + sum_{ci, ki, kj} weight[co, ci, ki, kj]
                                    * x[n, g*C_in/groups + ci, oh*sH - top + ki*dH, ow*sW - left + kj*dW]

where ``g = co // (C_out/groups)`` is the group of output channel ``co`` and ``x`` reads zero
outside the input. ``padding = (top, bottom, left, right)`` is zero padding and may be asymmetric
(PyTorch's ``padding='same'`` with an even kernel puts the extra row/column at the bottom/right).
Conv1d is this with H = kH = 1.

Algorithm, chosen per case:

* depthwise (groups == C_in > 1, one input channel per group, any channel multiplier): direct
  loops in :mod:`.depthwise_conv2d`, because the per-group GEMMs would be too thin for BLAS to pay
  for the im2col copy.
* everything else (dense or grouped): im2col + BLAS GEMM. :func:`.im2col.im2col` unfolds a batch
  chunk into ``cols`` (C_in*kH*kW, n*OH*OW) and one ``np.matmul`` batched over the groups computes
  (groups, C_out/groups, K) @ (groups, K, n*OH*OW). Backward reuses the same layout:
  the weight gradient is ``grad_out_g @ cols_g.T`` (the sum over the batch and all positions happens
  inside BLAS) and the input gradient is ``col2im(weight_g.T @ grad_out_g)``.

The batch is processed in chunks of whole images whose ``cols`` stays under
``COLS_BUDGET_BYTES``: this bounds im2col's memory, and a chunk that fits in cache is still hot when
BLAS reads it (on the 2-core target, 1-4 MiB chunks ran the MNIST layers 1.5-1.8x faster than one
40 MiB im2col of the whole batch). A chunk holds at least one image, so one very large image can
exceed the budget.

Threading note: BLAS runs each chunk's GEMM on all cores, while im2col / col2im copy a chunk
serially (``_parallel.SERIAL_UNFOLD_LIMIT``): a parallel launch between two BLAS calls costs more
than it saves at chunk size, and only one image larger than the limit is unfolded in parallel.

Reference: :mod:`minigrad.kernels.reference.conv2d` (one loop nest: dense, grouped, depthwise).
"""
import numpy as np

from .depthwise_conv2d import (
    depthwise_conv2d_forward,
    depthwise_conv2d_input_grad,
    depthwise_conv2d_weight_grad,
)
from .im2col import col2im, im2col

# Upper bound on one chunk's im2col matrix: about one core's L2 cache on the target, so the GEMM
# reads cols from cache, yet wide enough (thousands of columns) for BLAS to run at speed.
COLS_BUDGET_BYTES = 2 * 2**20


def conv2d_output_size(
    input_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
) -> tuple[int, int]:
    """``OH = (H + top + bottom - dH*(kH-1) - 1) // sH + 1`` and likewise ``OW`` (with left, right),
    for ``padding = (top, bottom, left, right)``. The caller ensures both are >= 1."""
    (H, W), (kH, kW), (sH, sW), (top, bottom, left, right), (dH, dW) = (
        input_hw, kernel_hw, stride, padding, dilation
    )
    return (
        (H + top + bottom - dH * (kH - 1) - 1) // sH + 1,
        (W + left + right - dW * (kW - 1) - 1) // sW + 1,
    )


def _is_depthwise(in_channels: int, weight_shape: tuple[int, ...], groups: int) -> bool:
    """One input channel per group and more than one group (a single group with one input channel
    is a plain GEMM with K = kH*kW, which BLAS does faster than the direct loops)."""
    return groups == in_channels > 1 and weight_shape[1] == 1


def _batch_chunks(batch: int, cols_bytes_per_image: int):
    """Yield ``(start, stop)`` slices of the batch whose im2col stays under the budget."""
    step = max(1, COLS_BUDGET_BYTES // max(1, cols_bytes_per_image))
    for start in range(0, batch, step):
        yield start, min(start + step, batch)


def conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
    output_hw: tuple[int, int] | None = None,
) -> np.ndarray:
    """Convolution forward: (N, C_in, H, W) -> (N, C_out, OH, OW), formula in the module docstring.

    ``output_hw`` defaults to :func:`conv2d_output_size`; a smaller one computes only the first
    rows/columns (the transposed convolution's input gradient needs this when its output_padding
    is >= stride).
    """
    kernel_hw = weight.shape[2:]
    if output_hw is None:
        output_hw = conv2d_output_size(x.shape[2:], kernel_hw, stride, padding, dilation)
    out_hw = tuple(output_hw)
    pad_top_left = (padding[0], padding[2])
    if _is_depthwise(x.shape[1], weight.shape, groups):
        return depthwise_conv2d_forward(x, weight, bias, out_hw, stride, pad_top_left, dilation)

    N, C_out, L = x.shape[0], weight.shape[0], out_hw[0] * out_hw[1]
    w = weight.reshape(groups, C_out // groups, -1)  # (G, C_out/G, K), K = C_in/G * kH * kW
    out = np.empty((N, C_out, L), x.dtype)
    for n0, n1 in _batch_chunks(N, weight[0].size * groups * L * x.itemsize):
        cols = im2col(x[n0:n1], kernel_hw, out_hw, stride, pad_top_left, dilation)
        y = np.matmul(w, cols.reshape(groups, w.shape[2], -1))  # (G, C_out/G, n*L)
        y = y.reshape(C_out, n1 - n0, L).transpose(1, 0, 2)  # channel-major -> (n, C_out, L)
        if bias is None:
            out[n0:n1] = y
        else:
            np.add(y, bias[:, None], out=out[n0:n1])
    return out.reshape(N, C_out, *out_hw)


def conv2d_input_and_weight_grads(
    grad_out: np.ndarray,
    x: np.ndarray | None,
    input_shape: tuple[int, int, int, int],
    weight: np.ndarray,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
    needs_input_grad: bool,
    needs_weight_grad: bool,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The adjoint core of the convolution, shared with the transposed convolution.

    ``grad_out`` (N, C_out, OH, OW) -> ``grad_x`` of shape ``input_shape`` (N, C_in, H, W) and
    ``grad_w`` (C_out, C_in/groups, kH, kW)::

        grad_x[n, ci, ih, iw]    = sum over (co, ki, kj, oh, ow) reading x[n, ci, ih, iw] of
                                   grad_out[n, co, oh, ow] * weight[co, ci % (C_in/G), ki, kj]
        grad_w[co, ci, ki, kj]   = sum_{n, oh, ow} grad_out[n, co, oh, ow] * x[n, g*C_in/G + ci, ih, iw]

    Input rows/columns that no window reads (when ``H + top + bottom - dH*(kH-1) - 1`` is not a
    multiple of sH, or past ``OH`` given explicitly) get zero gradient. ``x`` is needed only for
    the weight gradient and may be None otherwise. Each result is None when not requested.
    """
    if not (needs_input_grad or needs_weight_grad):
        return None, None
    pad_top_left = (padding[0], padding[2])
    kernel_hw = weight.shape[2:]
    if _is_depthwise(input_shape[1], weight.shape, groups):
        grad_x = grad_w = None
        if needs_input_grad:
            grad_x = depthwise_conv2d_input_grad(grad_out, weight, input_shape, stride, pad_top_left, dilation)
        if needs_weight_grad:
            grad_w = depthwise_conv2d_weight_grad(grad_out, x, kernel_hw, stride, pad_top_left, dilation)
        return grad_x, grad_w

    N, C_out, OH, OW = grad_out.shape
    L = OH * OW
    w = weight.reshape(groups, C_out // groups, -1)  # (G, C_out/G, K)
    grad_x = np.empty(input_shape, grad_out.dtype) if needs_input_grad else None
    grad_w = np.zeros(w.shape, grad_out.dtype) if needs_weight_grad else None
    for n0, n1 in _batch_chunks(N, w.shape[2] * groups * L * grad_out.itemsize):
        # (n, C_out, L) -> (G, C_out/G, n*L): the same channel-major layout as the im2col columns.
        g = np.ascontiguousarray(grad_out[n0:n1].reshape(n1 - n0, C_out, L).transpose(1, 0, 2))
        g = g.reshape(groups, C_out // groups, -1)
        if needs_weight_grad:
            cols = im2col(x[n0:n1], kernel_hw, (OH, OW), stride, pad_top_left, dilation)
            grad_w += np.matmul(g, cols.reshape(groups, w.shape[2], -1).transpose(0, 2, 1))
        if needs_input_grad:
            cols_grad = np.matmul(w.transpose(0, 2, 1), g)  # (G, K, n*L)
            col2im(cols_grad.reshape(-1, cols_grad.shape[2]), grad_x[n0:n1], kernel_hw, (OH, OW),
                   stride, pad_top_left, dilation)
    if needs_weight_grad:
        grad_w = grad_w.reshape(weight.shape)
    return grad_x, grad_w


def conv2d_bias_grad(grad_out: np.ndarray) -> np.ndarray:
    """``grad_b[co] = sum_{n, oh, ow} grad_out[n, co, oh, ow]``, accumulated in float64 (a long sum)
    and returned in grad_out's dtype."""
    return grad_out.sum(axis=(0, 2, 3), dtype=np.float64).astype(grad_out.dtype)


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
    """Gradients of :func:`conv2d_forward`: ``(grad_x, grad_w, grad_b)`` with the shapes of ``x``,
    ``weight`` and (C_out,); each is None when not requested. ``grad_out`` is (N, C_out, OH, OW)."""
    grad_x, grad_w = conv2d_input_and_weight_grads(
        grad_out, x, x.shape, weight, stride, padding, dilation, groups, needs_input_grad, needs_weight_grad
    )
    grad_b = conv2d_bias_grad(grad_out) if needs_bias_grad else None
    return grad_x, grad_w, grad_b
