"""PyTorch's argument handling for (transposed) convolutions: parsing int-or-sequence arguments and
``padding='same'/'valid'``, and its checks in its order with its exception types and messages.

The result is a :class:`ConvGeometry` in the 2-D kernels' conventions: a 1-D convolution is lifted
to a 2-D one over height-1 views (stride, dilation 1 and padding 0 along the added height), which is
also how PyTorch runs it, so its later messages quote lifted sizes (``[1, 3, 1, 0]``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._tensor import Tensor
from ._messages import check_tensor, type_name, typename

# C++ type names PyTorch prints in its input/bias dtype message.
_CPP_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
                   "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
                   "bool": "bool"}


@dataclass(frozen=True)
class ConvGeometry:
    """A 2-D convolution's hyper-parameters as the kernels take them.

    ``padding`` is (top, bottom, left, right) for a convolution (possibly asymmetric, from
    'same') and (pH, pW) for a transposed one; ``lifted`` marks a 1-D convolution whose tensors
    the Function views as (.., 1, L).
    """

    transposed: bool
    stride: tuple[int, int]
    padding: tuple[int, ...]
    dilation: tuple[int, int]
    groups: int
    output_padding: tuple[int, int]
    lifted: bool

    def kernel_args(self) -> tuple:
        """The hyper-parameter arguments of the kernel's forward and backward, in their order."""
        if self.transposed:
            return self.stride, self.padding, self.output_padding, self.dilation, self.groups
        return self.stride, self.padding, self.dilation, self.groups


def _int_list(value, fn: str, name: str) -> list[int]:
    """An int or a sequence of ints as a list (an int is a one-element list, expanded later)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return [int(value)]
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, not {type(value).__name__}")
    for pos, entry in enumerate(value):
        if isinstance(entry, bool) or not isinstance(entry, (int, np.integer)):
            raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, but found element of type "
                            f"{type(entry).__name__} at pos {pos}")
    return [int(v) for v in value]


def _expand(values: list[int], dims: int, name: str) -> tuple[int, ...]:
    """One value per spatial dim: a single value repeats, any other count must equal ``dims``."""
    if len(values) == 1:
        return tuple(values * dims)
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} values to match "
                           f"the convolution dimensions, but got {name}={values}")
    return tuple(values)


def _check_types(fn: str, input, weight, bias, groups) -> None:
    check_tensor(input, fn)
    check_tensor(weight, fn, "weight", 2)
    if bias is not None:
        check_tensor(bias, fn, "bias", 3)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{fn}(): argument 'groups' must be int, not {typename(groups)}")


def _same_padding(stride: list[int], dilation: list[int], kernel: tuple, dims: int) -> list[tuple[int, int]]:
    """'same' as (before, after) per dim: d (k - 1) in total, the odd one at the end (bottom/right)."""
    for name, values in (("stride", stride), ("dilation", dilation)):
        if len(values) not in (1, dims):
            raise RuntimeError(f"{name} cannot broadcast to {dims} dimensions")
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for d, k in zip(_expand(dilation, dims, "dilation"), kernel)]
    return [(total // 2, total - total // 2) for total in totals]


def _padding_pairs(padding, stride: list[int], dilation: list[int], kernel: tuple, dims: int) -> list[tuple[int, int]]:
    if padding == "same":
        return _same_padding(stride, dilation, kernel, dims)
    if padding == "valid":
        return [(0, 0)] * dims
    return [(p, p) for p in _expand(padding, dims, "padding")]


def _check_shapes(input_shape: tuple, weight: Tensor, bias: Tensor | None, groups: int, transposed: bool) -> None:
    weight_size = list(weight.shape)
    if weight_size[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but "
                           f"got weight of size {weight_size} instead")
    if weight_size[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{weight_size}] instead")
    if transposed:
        given, channels, out_channels = "Given transposed=1", weight_size[0], weight_size[1] * groups
    else:
        given, channels, out_channels = f"Given groups={groups}", weight_size[1] * groups, weight_size[0]
    if input_shape[1] != channels:
        raise RuntimeError(f"{given}, weight of size {weight_size}, expected input{list(input_shape)} to have "
                           f"{channels} channels, but got {input_shape[1]} channels instead")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        given = "Given transposed=1," if transposed else "Given"
        raise RuntimeError(f"{given} weight of size {weight_size}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")


def _check_dtypes(input: Tensor, weight: Tensor, bias: Tensor | None, transposed: bool) -> None:
    # PyTorch's transposed path takes a bias of another dtype (the sum casts it to the input's).
    if bias is not None and bias.dtype != input.dtype and not transposed:
        raise RuntimeError(f"Input type ({_CPP_TYPE_NAMES[input.dtype.name]}) and bias type "
                           f"({_CPP_TYPE_NAMES[bias.dtype.name]}) should be the same")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input)} but found "
                           f"{type_name(weight)}")
    if input.dtype.name == "bool":
        kernel = "slow_conv_transpose2d_out_cpu" if transposed else "slow_conv2d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(input)}'")


def _check_lifted(input_shape: tuple, kernel: tuple, geometry: ConvGeometry) -> None:
    """The checks PyTorch's 2-D kernels make, on the (lifted) 2-D sizes."""
    (kh, kw), (dh, dw) = kernel, geometry.dilation
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}")
    if geometry.transposed and (dh <= 0 or dw <= 0):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dh}, dilation_width: {dw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {[dh, dw]}")
    if 0 in input_shape[2:]:
        raise RuntimeError("Only zero batch or zero channel inputs are supported, but got input shape: "
                           f"{list(input_shape)}")
    if input_shape[1] == 0:  # PyTorch returns an empty tensor of a meaningless shape here
        raise RuntimeError(f"Expected an input with at least one channel, but got input of size: {list(input_shape)}")
    if geometry.transposed:
        _check_transposed_output(input_shape, kernel, geometry)


def conv_transpose_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int,
                               output_padding: int = 0) -> int:
    """The length a transposed convolution makes of an input of length ``size``:
    ``(size - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1``, the input length
    a convolution with these arguments maps to ``size`` (the largest one, less ``stride - 1``)."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def _check_transposed_output(input_shape: tuple, kernel: tuple, geometry: ConvGeometry) -> None:
    (oph, opw), (sh, sw), (dh, dw) = geometry.output_padding, geometry.stride, geometry.dilation
    if not ((oph < sh or oph < dh) and (opw < sw or opw < dw)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding_height: {oph} output_padding_width: {opw} stride_height: {sh} "
                           f"stride_width: {sw} dilation_height: {dh} dilation_width: {dw}")
    size = [conv_transpose_output_size(*arguments) for arguments in zip(
        input_shape[2:], kernel, geometry.stride, geometry.padding, geometry.dilation, geometry.output_padding)]
    if min(size) < 1:
        (h, w), (oh, ow) = input_shape[2:], size
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size per channel: "
                           f"({oh} x {ow}). Output size is too small")


def conv_geometry(fn: str, dims: int, input, weight, bias, stride, padding, dilation, groups,
                  output_padding=None) -> ConvGeometry:
    """Validate a ``dims``-D convolution (transposed when ``output_padding`` is given) as PyTorch does
    and return its lifted 2-D geometry. ``input`` is (N, C, *spatial) or unbatched (C, *spatial)."""
    transposed = output_padding is not None
    _check_types(fn, input, weight, bias, groups)
    stride, dilation = _int_list(stride, fn, "stride"), _int_list(dilation, fn, "dilation")
    if transposed or not isinstance(padding, str):
        padding = _int_list(padding, fn, "padding")
    output_padding = _int_list(output_padding if transposed else 0, fn, "output_padding")
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {fn}, but got "
                           f"input of size: {list(input.shape)}")
    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    shape = tuple(input.shape) if input.dim() == dims + 2 else (1, *input.shape)
    if weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight.dim() != len(shape):
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
                           f"{list(weight.shape)}, but got {len(shape)}-dimensional input of size {list(shape)} "
                           "instead")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    kernel = tuple(weight.shape[2:])
    pairs = _padding_pairs(padding, stride, dilation, kernel, dims)
    stride, dilation = _expand(stride, dims, "stride"), _expand(dilation, dims, "dilation")
    output_padding = _expand(output_padding, dims, "output_padding")
    if min(p for pair in pairs for p in pair) < 0:
        raise RuntimeError("negative padding is not supported")
    if min(output_padding) < 0:
        raise RuntimeError("negative output_padding is not supported")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) < 0:
        raise RuntimeError("dilation should be greater than zero")
    _check_shapes(shape, weight, bias, groups, transposed)
    if not transposed:
        padded = [n + before + after for n, (before, after) in zip(shape[2:], pairs)]
        dilated = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
        if any(p < k for p, k in zip(padded, dilated)):
            raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                               f"size: ({' x '.join(map(str, dilated))}). Kernel size can't be greater than actual "
                               "input size")

    lifted = dims == 1
    if lifted:
        shape, kernel = shape[:2] + (1,) + shape[2:], (1,) + kernel
        stride, dilation, output_padding, pairs = (1, *stride), (1, *dilation), (0, *output_padding), [(0, 0), *pairs]
    padding = tuple(before for before, _ in pairs) if transposed else (*pairs[0], *pairs[1])
    geometry = ConvGeometry(transposed, stride, padding, dilation, int(groups), output_padding, lifted)
    _check_lifted(shape, kernel, geometry)
    _check_dtypes(input, weight, bias, transposed)
    return geometry
