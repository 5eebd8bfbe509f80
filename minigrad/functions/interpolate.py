"""Resizing: ``interpolate`` in modes 'nearest', 'linear' / 'bilinear' and 'area'.

Along each spatial axis, output index o reads source position ``o * in / out`` (or ``o / scale``
when the user gave ``scale_factor``); 'nearest' copies the element at its floor, 'bilinear'
blends the two neighbours (with ``align_corners`` the corner pixels' centres are aligned, so the
position is ``o * (in - 1) / (out - 1)``), and 'area' is adaptive average pooling. The exact index
arithmetic is PyTorch's (``kernels/interpolate.py``). Backward adds each output's gradient back
onto the source elements it read, with the same weights: the resize's adjoint, whose own gradient
is the resize again (second derivatives).

3-D input (N, C, L) is resized along L as the (N, C, 1, L) view; 4-D input (N, C, H, W) along H and W.
"""
from __future__ import annotations

import math
import numbers

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from .activation import _floating
from ._spatial import planes, squeeze_height, unplanes
from .avg_pool import adaptive_avg_pool1d, adaptive_avg_pool2d
from ._messages import check_tensor


class _Resize2D(ArrayFunction):
    """A resize of x's planes by the kernel pair each subclass picks from the device's interpolate
    module, called as ``forward_kernel(planes, out_hw, *options)`` and
    ``backward_kernel(grad_planes, input_hw, *options)``."""
    runs_on_cuda = True
    computes_half_in_float32 = True

    forward_kernel: staticmethod  # kernels -> the forward function of kernels/interpolate.py
    backward_kernel: staticmethod  # kernels -> its adjoint

    @staticmethod
    def forward(ctx, x, out_hw, *options):
        ctx.input_shape, ctx.args, ctx.resize = x.shape, (out_hw, *options), type(ctx)
        resize = ctx.forward_kernel(kernel_module("interpolate", ctx.device))
        return unplanes(resize(planes(x), out_hw, *options), x.shape)

    @staticmethod
    def backward(ctx, grad):
        return (Resize2DBackward.compute(grad, ctx.resize, ctx.input_shape, *ctx.args),) + (None,) * len(ctx.args)


class Resize2DBackward(ArrayFunction):
    """The gradient of a resize (``resize``, a _Resize2D class), grad -> grad_x of ``input_shape``:
    each output's gradient added back onto the source elements it read, with the same weights, by
    the resize's backward kernel. Linear in ``grad`` and the resize's adjoint, so its own gradient
    is the resize again."""

    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, grad, resize, input_shape, out_hw, *options):
        ctx.resize, ctx.args = resize, (out_hw, *options)
        adjoint = resize.backward_kernel(kernel_module("interpolate", ctx.device))
        return adjoint(planes(grad), input_shape[-2:], *options).reshape(input_shape)

    @staticmethod
    def backward(ctx, grad_grad_x):
        return (ctx.resize.compute(grad_grad_x, *ctx.args), None, None) + (None,) * len(ctx.args)

    def name(self) -> str:
        return f"{self.resize.backward_name[:-1]}Backward0"  # UpsampleNearest2DBackwardBackward0


class UpsampleNearest2D(_Resize2D):
    """apply(x, out_hw, scales, shortcuts)"""

    backward_name = "UpsampleNearest2DBackward0"
    forward_kernel = staticmethod(lambda kernels: kernels.interpolate_nearest_forward)
    backward_kernel = staticmethod(lambda kernels: kernels.interpolate_nearest_backward)


class UpsampleBilinear2D(_Resize2D):
    """apply(x, out_hw, align_corners, scales)"""

    backward_name = "UpsampleBilinear2DBackward0"
    forward_kernel = staticmethod(lambda kernels: kernels.interpolate_bilinear_forward)
    backward_kernel = staticmethod(lambda kernels: kernels.interpolate_bilinear_backward)


_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_SPATIAL_DIMS_OF_MODE = {"linear": 1, "bilinear": 2, "trilinear": 3}
# (input rank, mode) pairs minigrad implements -> PyTorch's kernel name (for dtype errors).
_KERNEL_NAMES = {(3, "nearest"): "upsample_nearest1d", (4, "nearest"): "upsample_nearest2d",
                 (3, "linear"): "upsample_linear1d", (4, "bilinear"): "upsample_bilinear2d",
                 (3, "area"): "adaptive_avg_pool1d", (4, "area"): "adaptive_avg_pool2d"}


def _check_mode(mode: str, ndim: int) -> None:
    """PyTorch's errors for a mode that does not fit the input's rank; NotImplementedError for
    valid PyTorch combinations minigrad has no kernel for (bicubic, trilinear, 5-D, ...)."""
    if ndim not in (3, 4, 5) or mode not in _MODES.split(" | "):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) "
                                  f"for the modes: {_MODES} (got {mode})")
    needed = _SPATIAL_DIMS_OF_MODE.get(mode)
    if needed is not None and needed != ndim - 2:
        raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs {needed + 2}D input")
    if (ndim, mode) not in _KERNEL_NAMES:
        raise NotImplementedError(f"minigrad's interpolate does not implement mode '{mode}' for {ndim}D "
                                  "input (implemented: nearest and area for 3D/4D, linear for 3D, bilinear for 4D)")


def _per_spatial_dim(value, input: Tensor, name: str, label: str, preposition: str, symbol: str) -> tuple:
    """``value`` once per spatial dim: a scalar repeated, or a sequence of exactly that length."""
    dims = input.ndim - 2
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims
    if len(values) != dims:
        raise ValueError(
            f"Input and {name} must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {list(input.shape[2:])} and {label} {preposition} {value}. Please provide input tensor "
            f"in (N, C, d1, d2, ...,dK) format and {label} in ({symbol}1, {symbol}2, "
            f"...,{symbol}K) format.")
    return values


def _spatial_args(input: Tensor, size, scale_factor, recompute_scale_factor) -> tuple:
    """PyTorch's size / scale_factor rules -> (output size, scale factors to pass on or None),
    one entry per spatial dim. The output size along an axis is ``size``, or
    ``floor(in * scale_factor)``; the kernels then use the scale factor itself unless
    ``recompute_scale_factor`` asks them to derive it from the sizes."""
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = _per_spatial_dim(size, input, "output", "output size", "of", "o")
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in sizes):
            raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                            f"Tuple[int, int, int], but got size with types {[type(s) for s in sizes]}")
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        return tuple(int(s) for s in sizes), None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    factors = _per_spatial_dim(scale_factor, input, "scale_factor", "scale_factor", "of shape", "s")
    factors = tuple(float(f) for f in factors)
    sizes = tuple(math.floor(n * f) for n, f in zip(input.shape[2:], factors))
    return sizes, (None if recompute_scale_factor else factors)


def _check_sizes(input: Tensor, sizes: tuple) -> None:
    """Both sizes positive along every axis, and no empty channel axis (PyTorch's upsample checks)."""
    spatial = input.shape[2:]
    if min(spatial) <= 0 or min(sizes) <= 0:
        axes = "HW"[-len(sizes):]
        given = ", ".join(f"{a}: {n}" for a, n in zip(axes, spatial))
        wanted = ", ".join(f"{a}: {n}" for a, n in zip(axes, sizes))
        joiner = " and" if len(sizes) == 1 else ""
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({given})"
                           f"{joiner} output ({wanted})")
    if input.shape[1] == 0:
        raise RuntimeError(f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes "
                           f"{list(input.shape)}")


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize (N, C, L) or (N, C, H, W) input to ``size``, or by ``scale_factor`` (output size
    ``floor(in * scale_factor)``), with ``mode`` 'nearest', 'linear' (3-D), 'bilinear' (4-D) or
    'area'. ``align_corners`` (linear modes only, default False) maps the corner pixels' centres
    onto each other."""
    check_tensor(input, "interpolate")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    sizes, scales = _spatial_args(input, size, scale_factor, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                         "requires a 4-D tensor as input")
    _check_mode(mode, input.ndim)
    if antialias:
        raise NotImplementedError("minigrad's interpolate does not implement antialias=True")
    if mode == "area":
        return adaptive_avg_pool2d(input, sizes) if input.ndim == 4 else adaptive_avg_pool1d(input, sizes)
    _check_sizes(input, sizes)
    input = _floating(input, _KERNEL_NAMES[input.ndim, mode])
    if input.ndim == 4:
        return _resize_2d(input, mode, sizes, align_corners, scales, nearest_shortcuts=True)
    # 3-D: resize the (N, C, 1, L) view (its height stays 1, the identity), without the 2-D nearest
    # kernel's shortcuts, which PyTorch's 1-D kernel does not take (see kernels/interpolate.py).
    scales = None if scales is None else (None,) + scales
    out = _resize_2d(input.unsqueeze(-2), mode, (1,) + sizes, align_corners, scales, nearest_shortcuts=False)
    return squeeze_height(out)


def _resize_2d(input: Tensor, mode: str, sizes: tuple, align_corners: bool, scales, nearest_shortcuts: bool) -> Tensor:
    if mode == "nearest":
        return UpsampleNearest2D.apply(input, sizes, scales, nearest_shortcuts)
    return UpsampleBilinear2D.apply(input, sizes, bool(align_corners), scales)
