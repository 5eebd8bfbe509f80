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

* thin groups (depthwise, groups == C_in, any channel multiplier; grouped with at most
  ``DIRECT_MAX_GROUP_CHANNELS`` input channels per group): direct loops in :mod:`.direct_conv2d`,
  because the per-group GEMMs would be too thin for BLAS to pay for the unfold.
* everything else (dense or grouped): unfold + BLAS GEMM. A batch chunk is unfolded into a matrix
  ``cols`` whose columns are (image, output position) and whose rows are the (channel, tap) pairs of
  one group, and one ``np.matmul`` batched over the groups computes (G, C_out/G, K) @ (G, K, n*OH*OW).
  Backward uses the same matrix: the weight gradient is ``grad_out_g @ cols_g.T`` (the sum over the
  chunk's images and positions happens inside BLAS) and the input gradient folds
  ``weight_g.T @ grad_out_g`` back onto the input (col2im, the unfold's adjoint).

  The unfold has two layouts. Channels-first (:mod:`.im2col`, rows ordered (c, ki, kj)) copies runs of
  OW input elements; channels-last (:mod:`.im2col_channels_last`, K ordered (ki, kj, c), the matrix
  stored transposed) copies runs of C/G channels. The latter is faster once a group has a few
  channels (``CHANNELS_LAST_MIN_CHANNELS``); the first layer of a network (1-3 channels) keeps the
  former. Users never see the layout: tensors stay (N, C, H, W).

Parallel scheme: one parallel region per call (``_threads.run_split``). Each thread takes a
contiguous slice of the batch and works through it in chunks whose ``cols`` fits its core's cache
(``COLS_BUDGET_BYTES``): unfold, single-threaded GEMM, epilogue (bias, output layout) while the data
is hot. Threads write disjoint images of the output and of the input gradient; the weight gradient
is summed per thread and the partial sums are added in slice order, so a given thread count always
gives the same bits.

Reference: :mod:`minigrad.kernels.reference.conv2d` (one loop nest: dense, grouped, depthwise).
"""
from typing import NamedTuple

import numpy as np

from . import _threads
from .direct_conv2d import direct_conv2d_forward, direct_conv2d_input_grad, direct_conv2d_weight_grad
from .im2col import col2im, im2col
from .im2col_channels_last import col2im_channels_last, im2col_channels_last

# Upper bound on one chunk's unfolded matrix: about one core's L2 cache on the target, so the GEMM
# reads cols from cache, yet wide enough (hundreds of columns) for BLAS to run at speed.
COLS_BUDGET_BYTES = 1 << 20

# Input channels per group up to which a grouped convolution runs the direct loops (measured).
DIRECT_MAX_GROUP_CHANNELS = 4

# Input channels per group from which the channels-last unfold is used (measured on the 2-core target).
CHANNELS_LAST_MIN_CHANNELS = 4


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


def _is_thin(weight_shape: tuple[int, ...], groups: int) -> bool:
    """Several groups of at most ``DIRECT_MAX_GROUP_CHANNELS`` input channels each: the direct loops'
    case. (A single group is one GEMM for the whole layer, which BLAS does faster, even for a first
    layer with one input channel.)"""
    return groups > 1 and weight_shape[1] <= DIRECT_MAX_GROUP_CHANNELS


class _Unfolding(NamedTuple):
    """How one convolution unfolds its input: the geometry and the layout (see the module docstring)."""

    groups: int
    kernel_hw: tuple[int, int]
    out_hw: tuple[int, int]
    stride: tuple[int, int]
    pad_top_left: tuple[int, int]
    dilation: tuple[int, int]
    channels_last: bool

    pointwise: bool  # a 1x1 kernel, stride 1, no padding: an image's unfolding is the image itself

    @staticmethod
    def of(in_channels: int, weight_shape, out_hw, stride, padding, dilation, groups: int) -> "_Unfolding":
        pointwise = tuple(weight_shape[2:]) == (1, 1) and tuple(stride) == (1, 1) and not any(padding)
        channels_last = in_channels // groups >= CHANNELS_LAST_MIN_CHANNELS and not pointwise
        return _Unfolding(groups, tuple(weight_shape[2:]), tuple(out_hw), tuple(stride), (padding[0], padding[2]),
                          tuple(dilation), channels_last, pointwise)

    def images_per_chunk(self, bytes_per_image: int) -> int:
        """As many images as fit the budget; a pointwise convolution goes image by image, as each
        image is its own unfolding and needs no copy."""
        return 1 if self.pointwise else max(1, COLS_BUDGET_BYTES // max(1, bytes_per_image))

    def geometry(self) -> tuple:
        return self.kernel_hw, self.out_hw, self.stride, self.pad_top_left, self.dilation

    def weight_matrix(self, weight: np.ndarray) -> np.ndarray:
        """(C_out, C_in/G, kH, kW) -> (G, C_out/G, K), K in the unfold's row order."""
        C_out, Cg, kH, kW = weight.shape
        if self.channels_last:
            weight = weight.transpose(0, 2, 3, 1)  # K ordered (ki, kj, c)
        return np.ascontiguousarray(weight).reshape(self.groups, C_out // self.groups, Cg * kH * kW)

    def weight_from_matrix(self, matrix: np.ndarray, weight_shape) -> np.ndarray:
        """The inverse of ``weight_matrix``."""
        C_out, Cg, kH, kW = weight_shape
        if self.channels_last:
            return np.ascontiguousarray(matrix.reshape(C_out, kH, kW, Cg).transpose(0, 3, 1, 2))
        return matrix.reshape(weight_shape)

    def cols(self, x: np.ndarray) -> np.ndarray:
        """Unfold a chunk (n, C, H, W) into (G, K, n*OH*OW) (a transposed view when channels-last)."""
        if self.channels_last:
            return im2col_channels_last(x, self.groups, *self.geometry()).transpose(0, 2, 1)
        if self.pointwise and x.shape[0] == 1:
            return x.reshape(self.groups, -1, x.shape[2] * x.shape[3])
        cols = im2col(x, *self.geometry())
        return cols.reshape(self.groups, -1, cols.shape[1])

    def fold_grad(self, weight_matrix: np.ndarray, grad: np.ndarray, out: np.ndarray) -> None:
        """``out`` (n, C, H, W) = col2im(weight_matrix.T @ grad), ``grad`` (G, C_out/G, n*OH*OW)."""
        if self.channels_last:  # the product comes out transposed, in the channels-last unfold's layout
            col2im_channels_last(np.matmul(grad.transpose(0, 2, 1), weight_matrix), out, *self.geometry())
        elif self.pointwise and out.shape[0] == 1:  # the folded image is the product itself
            np.matmul(weight_matrix.transpose(0, 2, 1), grad, out=out.reshape(self.groups, -1, grad.shape[2]))
        else:
            cols = np.matmul(weight_matrix.transpose(0, 2, 1), grad)
            col2im(cols.reshape(-1, cols.shape[2]), out, *self.geometry())


def _chunks(start: int, stop: int, step: int):
    """Yield ``(c0, c1)`` chunks of ``step`` images (the last may be shorter) of the batch slice [start, stop)."""
    for c0 in range(start, stop, step):
        yield c0, min(c0 + step, stop)


def _channel_major(grad_out: np.ndarray, groups: int) -> np.ndarray:
    """(n, C_out, OH, OW) -> (G, C_out/G, n*OH*OW), the GEMM layout (a copy only when n > 1)."""
    n, C_out = grad_out.shape[:2]
    grad = grad_out.reshape(n, C_out, -1)
    if n > 1:
        grad = np.ascontiguousarray(grad.transpose(1, 0, 2))
    return grad.reshape(groups, C_out // groups, -1)


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
    if output_hw is None:
        output_hw = conv2d_output_size(x.shape[2:], weight.shape[2:], stride, padding, dilation)
    out_hw = tuple(output_hw)
    if _is_thin(weight.shape, groups):
        return direct_conv2d_forward(x, weight, bias, out_hw, stride, (padding[0], padding[2]), dilation)

    unfolding = _Unfolding.of(x.shape[1], weight.shape, out_hw, stride, padding, dilation, groups)
    w = unfolding.weight_matrix(weight)  # (G, C_out/G, K)
    N, C_out, L = x.shape[0], weight.shape[0], out_hw[0] * out_hw[1]
    out = np.empty((N, C_out, L), x.dtype)

    step = unfolding.images_per_chunk(w.shape[2] * groups * L * x.itemsize)

    def run_slice(start: int, stop: int) -> None:
        for c0, c1 in _chunks(start, stop, step):
            cols = unfolding.cols(x[c0:c1])  # (G, K, n*L)
            if c1 - c0 == 1:  # one image: the GEMM writes its output in place
                y = np.matmul(w, cols, out=out[c0].reshape(w.shape[0], w.shape[1], L))
                if bias is not None:
                    y += bias.reshape(w.shape[0], w.shape[1], 1)
                continue
            y = np.matmul(w, cols)  # (G, C_out/G, n*L)
            y = y.reshape(C_out, c1 - c0, L).transpose(1, 0, 2)  # channel-major -> (n, C_out, L)
            if bias is None:
                out[c0:c1] = y
            else:
                np.add(y, bias[:, None], out=out[c0:c1])

    _threads.run_split(run_slice, N)
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
    if _is_thin(weight.shape, groups):
        grad_x = grad_w = None
        if needs_input_grad:
            grad_x = direct_conv2d_input_grad(grad_out, weight, input_shape, stride, pad_top_left, dilation)
        if needs_weight_grad:
            grad_w = direct_conv2d_weight_grad(grad_out, x, weight.shape, stride, pad_top_left, dilation)
        return grad_x, grad_w

    N, C_out, OH, OW = grad_out.shape
    unfolding = _Unfolding.of(input_shape[1], weight.shape, (OH, OW), stride, padding, dilation, groups)
    w = unfolding.weight_matrix(weight)  # (G, C_out/G, K)
    grad_x = np.empty(input_shape, grad_out.dtype) if needs_input_grad else None
    step = unfolding.images_per_chunk(w.shape[2] * groups * OH * OW * grad_out.itemsize)

    def run_slice(start: int, stop: int) -> np.ndarray | None:
        """The slice's input gradient, written into grad_x, and its share of the weight gradient."""
        partial = np.zeros(w.shape, grad_out.dtype) if needs_weight_grad else None
        for c0, c1 in _chunks(start, stop, step):
            grad = _channel_major(grad_out[c0:c1], groups)  # (G, C_out/G, n*L)
            if needs_weight_grad:
                partial += np.matmul(grad, unfolding.cols(x[c0:c1]).transpose(0, 2, 1))
            if needs_input_grad:
                unfolding.fold_grad(w, grad, grad_x[c0:c1])
        return partial

    partials = _threads.run_split(run_slice, N)
    grad_w = None
    if needs_weight_grad:
        grad_w = partials[0]
        for partial in partials[1:]:  # in slice order: the same bits at a given thread count
            grad_w += partial
        grad_w = unfolding.weight_from_matrix(grad_w, weight.shape)
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
