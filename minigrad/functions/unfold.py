"""Sliding blocks: ``unfold`` copies every kernel window of an image into a column, ``fold`` adds
columns back onto an image (PyTorch's ``F.unfold`` / ``F.fold``, its ``im2col`` / ``col2im``)::

    unfold   (N, C, H, W) -> (N, C*kH*kW, L),
             out[n, (c*kH + ki)*kW + kj, oh*OW + ow] = x[n, c, oh*sH - pH + ki*dH, ow*sW - pW + kj*dW]
             (zero where the window hangs over the padding)
    fold     (N, C*kH*kW, L) -> (N, C, H, W), the adjoint: every entry is added onto the pixel that
             unfold read it from (overlapping windows sum, entries from the padding are dropped)

with ``L = OH * OW`` blocks, ``OH = floor((H + 2 pH - dH (kH - 1) - 1) / sH) + 1`` (OW likewise);
unbatched (C, H, W) and (C*kH*kW, L) work alike. A convolution is ``weight.view(C_out, -1) @
unfold(x)``: one matrix product over the unfolded windows.

Both run the convolution engine's im2col / col2im kernels (``kernels/im2col.py``), whose matrix is
(C*kH*kW, N*L), batch in the columns: (N, C*kH*kW, L) is its transpose of the first two axes of
(C*kH*kW, N, L), one copy. Each op is the other's adjoint, so each one's backward is the other op
(``Im2ColBackward0`` runs col2im and ``Col2ImBackward0`` im2col), called through ``compute``: second
derivatives need nothing more.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name

Pair = tuple[int, int]


@dataclass(frozen=True)
class Blocks:
    """The sliding blocks' geometry: kernel size, dilation, padding and stride, an (H, W) pair each."""

    kernel_size: Pair
    dilation: Pair
    padding: Pair
    stride: Pair

    def count(self, size: Pair) -> Pair:
        """(OH, OW): the blocks along each axis of an image of ``size`` (floor division, as PyTorch)."""
        return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, d, p, s in
                     zip(size, self.kernel_size, self.dilation, self.padding, self.stride))

    def kernel_args(self, size: Pair) -> tuple:
        """im2col / col2im's geometry arguments for an image of ``size``."""
        return self.kernel_size, self.count(size), self.stride, self.padding, self.dilation

    def check(self, order: tuple[str, ...]) -> None:
        """PyTorch's checks of the four pairs, in ``order`` (im2col and col2im differ)."""
        rules = {"kernel_size": ("kernel size should be greater than zero", "kernel", 1),
                 "dilation": ("dilation should be greater than zero", "dilation", 1),
                 "padding": ("padding should be non-negative", "pad", 0),
                 "stride": ("stride should be greater than zero", "stride", 1)}
        for name in order:
            text, label, least = rules[name]
            height, width = getattr(self, name)
            if height < least or width < least:
                raise RuntimeError(f"{text}, but got {label}_height: {height} {label}_width: {width}")

    def describe(self, with_stride: bool = True) -> str:
        """The pairs as PyTorch's messages quote them."""
        text = f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}"
        return f"{text}, stride={self.stride}" if with_stride else text


def _batched(shape: tuple, dims: int) -> tuple:
    """``shape`` with a batch dimension: an unbatched shape (``dims`` - 1 dims) gets a batch of one."""
    return shape if len(shape) == dims else (1, *shape)


class Unfold(ArrayFunction):
    """(N, C, H, W) or (C, H, W) -> (N, C*kH*kW, L) or (C*kH*kW, L); module docstring."""

    backward_name = "Im2ColBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, x, blocks: Blocks):
        ctx.blocks, ctx.size = blocks, x.shape[-2:]
        images = x.reshape(_batched(x.shape, 4))
        args = blocks.kernel_args(ctx.size)
        cols = kernel_module("im2col", ctx.device).im2col(images, *args)  # (C*kH*kW, N*L)
        per_image = cols.reshape(cols.shape[0], images.shape[0], args[1][0] * args[1][1])
        out = per_image.transpose(1, 0, 2).copy()  # C-contiguous, as PyTorch's (views of it work)
        return out.reshape(x.shape[:-3] + out.shape[1:])

    @staticmethod
    def backward(ctx, grad):
        return Fold.compute(grad, ctx.size, ctx.blocks), None


class Fold(ArrayFunction):
    """(N, C*kH*kW, L) or (C*kH*kW, L) -> (N, C, *size) or (C, *size); module docstring."""

    backward_name = "Col2ImBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, cols, size: Pair, blocks: Blocks):
        ctx.blocks = blocks
        batch, rows, length = _batched(cols.shape, 3)
        # (C*kH*kW, N*L), the kernel's layout: a copy unless N == 1
        matrix = cols.reshape(batch, rows, length).transpose(1, 0, 2).reshape(rows, batch * length)
        channels = rows // (blocks.kernel_size[0] * blocks.kernel_size[1])
        out = np.empty_like(matrix, shape=(batch, channels, *size))  # on cols' device
        kernel_module("im2col", ctx.device).col2im(matrix, out, *blocks.kernel_args(size))
        return out.reshape(cols.shape[:-2] + out.shape[1:])

    @staticmethod
    def backward(ctx, grad):
        return Unfold.compute(grad, ctx.blocks), None, None


def _pair(value, fn: str, name: str, position: int) -> tuple[int, ...]:
    """PyTorch's ``_pair`` (an iterable as a tuple, anything else twice) and its argument parser's
    TypeErrors; the length is checked later, as PyTorch does."""
    values = tuple(value) if isinstance(value, Iterable) else (value, value)
    for pos, entry in enumerate(values):
        # The parser takes a bool after the first element (as an int), not as the first.
        if not isinstance(entry, (int, np.integer)) or (pos == 0 and isinstance(entry, bool)):
            kind = type(entry).__name__
            if pos == 0:
                raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, but found "
                                f"element of type {kind} at pos 0")
            raise TypeError(f"{fn}(): argument '{name}' failed to unpack the object at pos {pos + 1} with error "
                            f"\"type must be tuple of ints,but got {kind}\"")
    return tuple(int(v) for v in values)


def _parse(fn: str, input, **arguments) -> dict[str, Pair]:
    """``input`` checked and the int-or-pair ``arguments`` (in signature order, from position 2) as
    pairs, with PyTorch's errors in its order: every type first, then every length."""
    check_tensor(input, fn)
    pairs = {name: _pair(value, fn, name, position) for position, (name, value) in enumerate(arguments.items(), 2)}
    for name, values in pairs.items():
        if len(values) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(values)}")
    return pairs


def _check_floating(input: Tensor, kernel: str) -> None:
    if input.dtype.name not in ("float16", "float32", "float64"):  # PyTorch also takes bool; minigrad does not
        raise NotImplementedError(f"\"{kernel}_out_{input.device.type}\" not implemented for '{type_name(input)}'")


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding blocks: (N, C, H, W) or (C, H, W) -> (N, C*kH*kW, L) or (C*kH*kW, L), as
    ``torch.nn.functional.unfold`` (formula in the module docstring). ``kernel_size``, ``dilation``,
    ``padding`` (zeros on both sides) and ``stride`` are an int or an (H, W) pair."""
    blocks = Blocks(**_parse("im2col", input, kernel_size=kernel_size, dilation=dilation, padding=padding,
                             stride=stride))
    blocks.check(("kernel_size", "dilation", "padding", "stride"))
    shape = tuple(input.shape)
    if len(shape) < 3:  # PyTorch reads input.size(1) and input.size(2) before it checks the dims
        raise IndexError("Dimension specified as 1 but tensor has no dimensions" if not shape else
                         f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                         f"but got {len(shape)})")
    if len(shape) > 4 or 0 in shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(shape)}")
    count = blocks.count(shape[-2:])
    if min(count) < 1:
        raise RuntimeError(f"Given input with spatial size {shape[-2:]}, {blocks.describe(with_stride=False)}, "
                           f"calculated shape of the array of sliding blocks as {count}, but its components must be "
                           "at least one.")
    _check_floating(input, "im2col")
    return Unfold.apply(input, blocks)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum sliding blocks into an image: (N, C*kH*kW, L) or (C*kH*kW, L) -> (N, C, *output_size) or
    (C, *output_size), the adjoint of :func:`unfold` (``fold(unfold(x))`` multiplies each pixel by
    the number of blocks that hold it), as ``torch.nn.functional.fold``. ``L`` must be the number
    of blocks ``unfold`` takes from an image of ``output_size``."""
    pairs = _parse("col2im", input, output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                   padding=padding, stride=stride)
    size = pairs.pop("output_size")
    blocks = Blocks(**pairs)
    blocks.check(("kernel_size", "stride", "dilation", "padding"))
    shape = tuple(input.shape)
    if len(shape) not in (2, 3) or 0 in shape[-2:]:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(shape)}")
    rows, length = shape[-2:]
    if rows % (blocks.kernel_size[0] * blocks.kernel_size[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={rows} and kernel_size={blocks.kernel_size}.")
    count = blocks.count(size)
    given = f"Given output_size={size}, {blocks.describe()}"
    if length != count[0] * count[1]:
        raise RuntimeError(f"{given}, expected size of input's dimension 2 to match the calculated number of sliding "
                           f"blocks {count[0]} * {count[1]} = {count[0] * count[1]}, but got input.size(2)={length}.")
    if min(count) < 1:
        raise RuntimeError(f"{given}, calculated shape of the array of sliding blocks as {count}, which is too small "
                           "(non-positive)")
    if min(size) < 1:
        raise RuntimeError(f"Expected output spatial size to be positive, but got: output_size={size}.")
    _check_floating(input, "col2im")
    return Fold.apply(input, size, blocks)
