"""Padding, ``F.pad``: constant padding of any trailing dims, and reflect / replicate / circular
padding of the last 1, 2 or 3 dims, with PyTorch's checks (order, exception types, messages).

``pad`` lists (before, after) pairs starting from the LAST dim: ``(left, right)`` pads the last
dim, ``(left, right, top, bottom)`` the last two, ``(..., front, back)`` the last three. A negative
entry removes that many elements. For an index ``t`` into an axis of size ``n`` (``t`` counted from
the first kept element of the input, so padded position ``i`` reads ``t = i - before``):

    constant   x[t] if 0 <= t < n else value
    reflect    x[-t] for t < 0, x[2(n-1) - t] for t >= n    (edge not repeated; pads < n)
    replicate  x[clamp(t, 0, n-1)]
    circular   x[t mod m] of the input after its negative pads are cropped (m elements; pads <= m)

Gradients are the adjoints: constant padding crops the gradient (padding by ``-pad``), the other
modes add each padded copy back onto its source element (kernels/padding.py). These are linear in
the gradient, and their own gradients are the paddings again (second derivatives).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor

_MODES = ("constant", "reflect", "replicate", "circular")
# PyTorch's backward node per (mode, number of padded dims).
_NODE_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0"}
_KERNEL_NAMES = {"reflect": "reflection_pad{}d", "replicate": "replication_pad{}d"}
_SUPPORTED_SIZES = ("Supported combinations for non-constant padding:\n"
                    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _pairs(pad: tuple) -> list[tuple[int, int]]:
    """``pad`` as (before, after) per padded dim, first padded dim first."""
    return [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]


def _overlap(size: int, before: int, after: int) -> tuple[slice, slice]:
    """(input slice, output slice) of the elements an axis keeps when padded by (before, after)."""
    start, stop = max(0, -before), size - max(0, -after)
    return slice(start, max(start, stop)), slice(max(0, before), max(0, before) + max(0, stop - start))


class ConstantPadNd(ArrayFunction):
    """``value`` around x's trailing dims (numpy slicing: a copy into a filled array made like x,
    so on x's device); ``value`` None fills zeros."""

    backward_name = "ConstantPadNdBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, pad, value):
        pairs = _pairs(pad)
        lead = x.ndim - len(pairs)
        kept = [_overlap(n, b, a) for n, (b, a) in zip(x.shape[lead:], pairs)]
        out_shape = x.shape[:lead] + tuple(n + b + a for n, (b, a) in zip(x.shape[lead:], pairs))
        out = np.full_like(x, 0 if value is None else value, order="C", shape=out_shape)
        out[(Ellipsis, *(k[1] for k in kept))] = x[(Ellipsis, *(k[0] for k in kept))]
        ctx.pad = pad
        return out

    @staticmethod
    def backward(ctx, grad):
        # The adjoint of padding by ``pad`` is padding by ``-pad`` with zeros: it crops what was
        # added and puts zeros where elements were cut off. It records as this op again.
        return ConstantPadNd.compute(grad, tuple(-p for p in ctx.pad), None), None, None


def _kernel_steps(shape: tuple, pad: tuple) -> list[tuple[tuple, tuple]]:
    """The ``pad2d`` calls (the kernel pads the last two axes) that pad the last ``len(pad) // 2``
    dims of ``shape``: a list of (view of the input as (..., A, B), (left, right, top, bottom)).

    One dim is the 2-D case over a (..., 1, W) view; the third dim of three is padded as the rows
    of a (..., D, H * W) view of the already padded (H, W) planes, since each axis's source index
    depends on that axis alone.
    """
    if len(pad) == 2:
        return [(shape[:-1] + (1, shape[-1]), tuple(pad) + (0, 0))]
    steps = [(shape, tuple(pad[:4]))]
    if len(pad) == 6:
        left, right, top, bottom, front, back = pad
        plane = (shape[-2] + top + bottom) * (shape[-1] + left + right)
        steps.append((shape[:-3] + (shape[-3], plane), (0, 0, front, back)))
    return steps


def _padded(view: tuple, pad4: tuple) -> tuple:
    left, right, top, bottom = pad4
    return view[:-2] + (view[-2] + top + bottom, view[-1] + left + right)


class IndexPad(ArrayFunction):
    """Reflect / replicate / circular padding of the last 1-3 dims (each padded element copies an
    input element); ``pad`` here is non-negative for circular (the caller crops first)."""

    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, x, pad, mode, out_shape, node_name):
        ctx.args, ctx.input_shape, ctx.backward_name = (pad, mode, out_shape, node_name), x.shape, node_name
        if math.prod(out_shape) == 0:  # nothing to copy (and no plane count to infer in the kernel)
            return np.empty(out_shape, x.dtype)
        kernels = kernel_module("padding", ctx.device)
        out = x
        for view, pad4 in _kernel_steps(x.shape, pad):
            out = kernels.pad2d(out.reshape(view), pad4, mode)
        return out.reshape(out_shape).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (IndexPadBackward.compute(grad, ctx.input_shape, *ctx.args),) + (None,) * len(ctx.args)


class IndexPadBackward(ArrayFunction):
    """The gradient of ``IndexPad``, grad (padded shape) -> grad_x of ``input_shape``: each padded
    copy's gradient added back onto its source element, by the kernel. Linear in ``grad`` and the
    padding's adjoint, so its own gradient is the padding again."""

    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, grad, input_shape, pad, mode, out_shape, node_name):
        ctx.args = (pad, mode, out_shape, node_name)
        if grad.size == 0:
            return np.zeros(input_shape, grad.dtype)
        kernels = kernel_module("padding", ctx.device)
        for view, pad4 in reversed(_kernel_steps(input_shape, pad)):
            grad = kernels.pad2d_backward(grad.reshape(_padded(view, pad4)), pad4, mode, view[-2:])
        return grad.reshape(input_shape)

    @staticmethod
    def backward(ctx, grad_grad_x):
        return (IndexPad.compute(grad_grad_x, *ctx.args), None) + (None,) * len(ctx.args)

    def name(self) -> str:
        return self.args[-1].replace("Backward0", "BackwardBackward0")  # ReflectionPad2DBackwardBackward0


def _check_pad_types(pad, mode, value) -> tuple[int, ...]:
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not {type(pad).__name__}")
    for pos, entry in enumerate(pad):
        if isinstance(entry, bool) or not isinstance(entry, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of "
                            f"type {type(entry).__name__} at pos {pos}")
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {type(mode).__name__}")
    if value is not None and not isinstance(value, numbers.Real):
        raise TypeError(f"pad(): argument 'value' (position 4) must be float, not {type(value).__name__}")
    return tuple(int(p) for p in pad)


def _constant_pad(input: Tensor, pad: tuple, value) -> Tensor:
    pairs = _pairs(pad)
    lead = input.dim() - len(pairs)
    for dim, (size, (before, after)) in enumerate(zip(input.shape[lead:], pairs), start=lead):
        if size + before + after < 0:
            raise RuntimeError(f"narrow(): length must be non-negative. Padding ({before}, {after}) of dimension "
                               f"{dim} of input {list(input.shape)} would leave {size + before + after} elements")
    return ConstantPadNd.apply(input, pad, value)


def _check_index_pad(input: Tensor, pad: tuple, mode: str) -> tuple:
    """PyTorch's checks for reflect/replicate/circular padding; returns the output shape."""
    dims, shape = len(pad) // 2, tuple(input.shape)
    if not 1 <= dims <= 3 or input.dim() not in (dims + 1, dims + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
                                  + _SUPPORTED_SIZES)
    if mode != "circular":
        if input.dtype.name == "bool":
            raise NotImplementedError(f"\"{_KERNEL_NAMES[mode].format(dims)}\" not implemented for 'Bool'")
        batch = 1 if input.dim() == dims + 2 else 0  # only a batch dim may be empty
        if 0 in shape[batch:]:
            raise RuntimeError(f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch size "
                               f"and other non-zero dimensions for input, but got: {list(shape)}")
    pairs = _pairs(pad)[::-1]  # last dim first, the order PyTorch checks them in
    for axis, (before, after) in enumerate(pairs):
        dim, size = input.dim() - 1 - axis, shape[-1 - axis]
        if mode == "reflect" and not (before < size and after < size):
            raise RuntimeError(f"Argument #{4 + 2 * axis}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({before}, {after}) at dimension {dim} of input "
                               f"{list(shape)}")
        if mode == "circular" and not (before <= size and after <= size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
    out_shape = shape[:-dims] + tuple(n + b + a for n, (b, a) in zip(shape[-dims:], _pairs(pad)))
    if mode == "circular":
        if min(out_shape[-dims:]) < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    elif dims == 1 and out_shape[-1] < 1:
        raise RuntimeError(f"input (W: {shape[-1]}) is too small. Calculated output W: {out_shape[-1]}")
    elif min(out_shape) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out_shape)}: {list(out_shape)}")
    return out_shape


def _circular_pad(input: Tensor, pad: tuple, out_shape: tuple) -> Tensor:
    """PyTorch's circular padding: negative pads crop first, then the rest wraps the cropped input."""
    if min(pad) < 0:
        input = ConstantPadNd.apply(input, tuple(min(p, 0) for p in pad), None)
        pad = tuple(max(p, 0) for p in pad)
        if any(p > n for (b, a), n in zip(_pairs(pad), input.shape[-(len(pad) // 2):]) for p in (b, a)):
            raise RuntimeError("Padding value causes wrapping around more than once.")
    return IndexPad.apply(input, pad, "circular", out_shape, "CopySlices")


def pad(input: Tensor, pad: tuple, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad ``input``'s trailing dims by ``pad = (last_before, last_after, 2nd_last_before, ...)``.

    ``mode``: 'constant' (filled with ``value``, default 0; any number of dims up to all of them),
    'reflect', 'replicate' or 'circular' (the last dim of a 2-D/3-D input, the last two of a
    3-D/4-D one, or the last three of a 4-D/5-D one; ``value`` must be None or 0). Formulas in
    the module docstring. Output: each padded dim grows by before + after.
    """
    check_tensor(input, "pad")
    pad = _check_pad_types(pad, mode, value)
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    if mode == "constant":
        return _constant_pad(input, pad, value)
    if value:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    out_shape = _check_index_pad(input, pad, mode)
    if mode == "circular":
        return _circular_pad(input, pad, out_shape)
    return IndexPad.apply(input, pad, mode, out_shape, _NODE_NAMES[mode].format(len(pad) // 2))
