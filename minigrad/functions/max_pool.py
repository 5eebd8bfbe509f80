"""Max pooling (strided and adaptive) and its partial inverse, max unpooling.

    max_pool2d:           out[n, c, oh, ow] = max over the window of x, padding = -inf
    adaptive_max_pool2d:  the same over windows [floor(o * in / out), ceil((o + 1) * in / out))
    max_unpool2d:         out[n, c].flat[indices[n, c, h, w]] = x[n, c, h, w], zeros elsewhere

Pooling also returns ``indices``, the flat position ``ih * W + iw`` of each maximum in its input
plane; backward sends each output's gradient to that element (summing where windows overlap),
and unpooling's backward gathers from those positions. Both backwards are linear maps, run as ops
of their own, and each is the other's adjoint: the gradient of the scatter is the gather at the
same indices and vice versa (second derivatives). 1-D forms are the 2-D ones over a height-1
input (N, C, 1, L). Inputs may be batched (N, C, ...) or unbatched (C, ...).
"""
from __future__ import annotations

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._spatial import (adaptive_output_hw, check_1d_input, check_pool2d, int_tuple, lift_1d, planes,
                       squeeze_height, stride_tuple, unplanes)
from .activation import _floating
from ._messages import check_tensor, type_name


def _window_max(ctx, x: np.ndarray, pool, *args) -> tuple[np.ndarray, np.ndarray]:
    """Run a window-max kernel entry point over x's planes; keep its indices for backward."""
    out, indices = pool(planes(x), *args)
    indices = unplanes(indices, x.shape)
    ctx.save_for_backward(indices)
    ctx.input_shape = x.shape
    return unplanes(out, x.shape), indices


def _gather(values: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """``values[..., :, :].flat[indices[..., i, j]]`` per plane: (.., H, W) read at the flat plane
    positions ``indices`` (.., OH, OW) -> (.., OH, OW). numpy (which records under create_graph)
    rather than unpooling's gather kernel: a window entirely in the padding (a degenerate dilated
    case) has an index past its plane, which numpy refuses, as PyTorch, and the kernel would read."""
    lead = indices.shape[:-2]
    flat = np.take_along_axis(values.reshape(lead + (-1,)), indices.reshape(lead + (-1,)), axis=-1)
    return flat.reshape(indices.shape)


class MaxPool2DWithIndices(ArrayFunction):
    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode):
        pool = kernel_module("max_pool2d", ctx.device).max_pool2d_forward
        return _window_max(ctx, x, pool, kernel, stride, padding, dilation, ceil_mode)

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        (indices,) = ctx.saved_tensors
        return MaxPool2DWithIndicesBackward.compute(grad, indices, ctx.input_shape), None, None, None, None, None


class MaxPool2DWithIndicesBackward(ArrayFunction):
    """The gradient of a window max, grad (.., OH, OW) -> grad_x of ``input_shape``: each output's
    gradient added onto the input element its index names (summed where windows overlap), by
    ``kernel`` (module, function). Linear in ``grad``: its own gradient reads the second-order
    gradient at the indices (PyTorch's ``max_pool_double_backward``)."""

    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "MaxPool2DWithIndicesBackwardBackward0"
    # The scatter kernel, picked from the device table.
    kernel = staticmethod(lambda device: kernel_module("max_pool2d", device).max_pool2d_backward)

    @staticmethod
    def forward(ctx, grad, indices, input_shape):
        ctx.save_for_backward(indices)
        scatter = ctx.kernel(ctx.device)
        return scatter(planes(grad), planes(indices), input_shape[-2:]).reshape(input_shape)

    @staticmethod
    def backward(ctx, grad_grad_x):
        (indices,) = ctx.saved_tensors
        return _gather(grad_grad_x, indices), None, None


class AdaptiveMaxPool2D(ArrayFunction):
    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, output_hw):
        return _window_max(ctx, x, kernel_module("adaptive_pool2d", ctx.device).adaptive_max_pool2d_forward, output_hw)

    @staticmethod
    def backward(ctx, grad, _grad_indices):
        (indices,) = ctx.saved_tensors
        return AdaptiveMaxPool2DBackward.compute(grad, indices, ctx.input_shape), None


class AdaptiveMaxPool2DBackward(MaxPool2DWithIndicesBackward):
    """The gradient of adaptive max pooling: the same scatter (and gather as its gradient)."""

    backward_name = "AdaptiveMaxPool2DBackwardBackward0"
    kernel = staticmethod(lambda device: kernel_module("adaptive_pool2d", device).adaptive_max_pool2d_backward)


class MaxUnpool2D(ArrayFunction):
    runs_on_cuda = True
    computes_half_in_float32 = True
    backward_name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, indices, output_hw):
        out = kernel_module("max_unpool2d", ctx.device).max_unpool2d_forward(
            planes(x), planes(indices), output_hw)
        ctx.save_for_backward(indices)
        return unplanes(out, x.shape)

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        return MaxUnpool2DBackward.compute(grad, indices), None, None


class MaxUnpool2DBackward(ArrayFunction):
    """The gradient of max unpooling, grad (.., OH, OW) -> grad_x (.., H, W): ``grad`` read at the
    indices (a gather, by the kernel). Linear in ``grad``; its own gradient adds the second-order
    gradient back at the indices, which is max pooling's gradient."""

    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, grad, indices):
        ctx.save_for_backward(indices)
        ctx.output_shape = grad.shape
        grad_x = kernel_module("max_unpool2d", ctx.device).max_unpool2d_backward(planes(grad), planes(indices))
        return grad_x.reshape(indices.shape)

    @staticmethod
    def backward(ctx, grad_grad_x):
        (indices,) = ctx.saved_tensors
        return MaxPool2DWithIndicesBackward.compute(grad_grad_x, indices, ctx.output_shape), None


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """2-D max pooling of (N, C, H, W) or (C, H, W) input; returns (output, indices), both
    (.., OH, OW) with ``OH = floor((H + 2 pad - dilation (kernel - 1) - 1) / stride) + 1`` (ceil with
    ``ceil_mode``) and likewise OW. ``stride`` defaults to ``kernel_size``."""
    check_tensor(input, "max_pool2d_with_indices")
    fn = "max_pool2d"
    kernel = int_tuple(kernel_size, 2, fn, "kernel_size")
    stride = stride_tuple(stride, kernel, fn)
    padding = int_tuple(padding, 2, fn, "padding")
    dilation = int_tuple(dilation, 2, fn, "dilation")
    check_pool2d(input, kernel, stride, padding, dilation, ceil_mode)
    return MaxPool2DWithIndices.apply(_floating(input, fn), kernel, stride, padding, dilation, bool(ceil_mode))


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """2-D max pooling (see ``max_pool2d_with_indices``); the output, or (output, indices) with
    ``return_indices``."""
    check_tensor(input, "max_pool2d")
    out, indices = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, indices) if return_indices else out


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """1-D max pooling of (N, C, L) or (C, L) input: 2-D max pooling of the (.., 1, L) view with a
    height-1 window. Indices are positions along L."""
    check_tensor(input, "max_pool1d")
    fn = "max_pool1d"
    check_1d_input(input, fn)
    kernel = int_tuple(kernel_size, 1, fn, "kernel_size")
    args = lift_1d(kernel, stride_tuple(stride, kernel, fn), int_tuple(padding, 1, fn, "padding"),
                   int_tuple(dilation, 1, fn, "dilation"))
    return squeeze_height(max_pool2d(input.unsqueeze(-2), *args, ceil_mode, return_indices))


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """Adaptive 2-D max pooling to ``output_size`` (an int or an (OH, OW) pair; None keeps the
    input's size): (output, indices), both (.., OH, OW)."""
    check_tensor(input, "adaptive_max_pool2d_with_indices")
    output_hw = adaptive_output_hw(input, output_size, "adaptive_max_pool2d")
    return AdaptiveMaxPool2D.apply(_floating(input, "adaptive_max_pool2d"), output_hw)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Adaptive 2-D max pooling; the output, or (output, indices) with ``return_indices``."""
    check_tensor(input, "adaptive_max_pool2d")
    out, indices = adaptive_max_pool2d_with_indices(input, output_size)
    return (out, indices) if return_indices else out


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Adaptive 1-D max pooling of (N, C, L) or (C, L) input to length ``output_size``."""
    check_tensor(input, "adaptive_max_pool1d")
    fn = "adaptive_max_pool1d"
    check_1d_input(input, fn)
    (length,) = int_tuple(output_size, 1, fn, "output_size")
    return squeeze_height(adaptive_max_pool2d(input.unsqueeze(-2), (1, length), return_indices))


def _unpool_output_size(input_shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
                        output_size) -> tuple:
    """PyTorch's ``_unpool_output_size``: by default ``(in - 1) * stride - 2 * pad + kernel`` per
    spatial dim; an explicit ``output_size`` (spatial dims, optionally led by N and C) must lie
    strictly within ``stride`` of that default."""
    n = len(kernel)
    default = [(size - 1) * s + k - 2 * p for size, k, s, p in zip(input_shape[-n:], kernel, stride, padding)]
    if output_size is None:
        sizes = default
    else:
        sizes = list(output_size)[2:] if len(output_size) == n + 2 else list(output_size)
        if len(sizes) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but "
                             f"it has a length of '{len(sizes)}'")
        for d in range(n):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < sizes[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
    for d in range(n):
        if sizes[d] < 0:
            raise ValueError("max_unpooling: output_size must contain non-negative spatial dimensions, "
                             f"but got output_size[{d}]={sizes[d]}")
    return tuple(int(v) for v in sizes)


@autocast_op
def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Partial inverse of ``max_pool2d``: (.., H, W) values and the indices pooling returned ->
    (.., OH, OW) with every value at its index and zeros elsewhere; OH = (H - 1) stride - 2 pad +
    kernel unless ``output_size`` says otherwise."""
    check_tensor(input, "max_unpool2d")
    check_tensor(indices, "max_unpool2d", "indices", 2)
    fn = "max_unpool2d"
    kernel = int_tuple(kernel_size, 2, fn, "kernel_size")
    stride = stride_tuple(stride, kernel, fn)
    padding = int_tuple(padding, 2, fn, "padding")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with "
                           f"{input.ndim} dimensions.")
    output_hw = _unpool_output_size(input.shape, kernel, stride, padding, output_size)
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: {type_name(indices)}")
    if indices.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    return MaxUnpool2D.apply(_floating(input, fn), indices, output_hw)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Partial inverse of ``max_pool1d``: (.., L) values and indices -> (.., (L - 1) stride - 2 pad
    + kernel), through ``max_unpool2d`` of the (.., 1, L) views."""
    check_tensor(input, "max_unpool1d")
    check_tensor(indices, "max_unpool1d", "indices", 2)
    fn = "max_unpool1d"
    check_1d_input(input, fn)
    kernel = int_tuple(kernel_size, 1, fn, "kernel_size")
    stride = stride_tuple(stride, kernel, fn)
    padding = int_tuple(padding, 1, fn, "padding")
    (length,) = _unpool_output_size(input.shape, kernel, stride, padding, output_size)
    kernel, stride, padding, _ = lift_1d(kernel, stride, padding)
    out = max_unpool2d(input.unsqueeze(-2), indices.unsqueeze(-2), kernel, stride, padding, (1, length))
    return out.squeeze(-2)
