"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``, ``ConvTranspose2d``.

They hold their arguments as tuples exactly as PyTorch's layers do (so reprs and attributes
match), validate what PyTorch validates at construction, and call the functional forms, which
check the rest at forward time. Weights start as PyTorch's: ``kaiming_uniform_(a=sqrt(5))``, i.e.
U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = weight.size(1) * prod(kernel_size)``, and the
bias uniform on the same bound.

``padding_mode`` other than 'zeros' ('reflect', 'replicate', 'circular') pads the input explicitly
with ``F.pad`` and then convolves without padding, as PyTorch's ``_conv_forward`` does.
"""
from __future__ import annotations

from ... import _creation
from ..._tensor import Tensor
from ...functions._conv_args import conv_transpose_output_size
from .. import functional as F
from ..parameter import Parameter
from .linear import Linear
from .module import Module
from .utils import _pair, _single

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _reverse_repeat_tuple(values: tuple, n: int) -> tuple:
    """(a, b) -> (b, b, a, a) for n = 2: per-dim padding in ``F.pad``'s last-dim-first order."""
    return tuple(v for v in reversed(values) for _ in range(n))


def _same_padding_for_pad(kernel_size: tuple, dilation: tuple) -> list[int]:
    """'same' in ``F.pad`` order: d (k - 1) per dim, the odd element after (right/bottom)."""
    pad = []
    for k, d in zip(reversed(kernel_size), reversed(dilation)):
        total = d * (k - 1)
        pad += [total // 2, total - total // 2]
    return pad


class _ConvNd(Module):
    """Shared state of the (transposed) convolutions: arguments, weight, bias, init and repr.

    ``weight`` is (out_channels, in_channels / groups, *kernel_size), or (in_channels,
    out_channels / groups, *kernel_size) when ``transposed``; ``bias`` (out_channels,) or None.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: tuple, stride: tuple, padding,
                 dilation: tuple, transposed: bool, output_padding: tuple, groups: int, bias: bool,
                 padding_mode: str, device=None, dtype=None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # The padding F.pad applies for the non-zeros padding modes (it lists the last dim first).
        if padding == "same":
            self._reversed_padding_repeated_twice = _same_padding_for_pad(kernel_size, dilation)
        elif isinstance(padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * len(kernel_size)
        else:
            self._reversed_padding_repeated_twice = _reverse_repeat_tuple(padding, 2)
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(_creation.empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    # PyTorch initialises convolutions exactly as Linear: kaiming_uniform_(a=sqrt(5)) and a bias
    # uniform on 1/sqrt(fan_in), fan_in taken from the weight's dims 1.. (see the module docstring).
    reset_parameters = Linear.reset_parameters

    def extra_repr(self) -> str:
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    #: The functional form each layer applies: F.conv1d, F.conv2d, F.conv_transpose1d, ...
    _functional = None

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """The functional convolution with this layer's arguments and padding mode."""
        if self.padding_mode != "zeros":
            input = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return self._functional(input, weight, bias, self.stride, 0, self.dilation, self.groups)
        return self._functional(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_ConvNd):
    """1-D convolution: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out) with
    ``L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1``;
    ``out[n, co] = bias[co] + sum_ci weight[co, ci] (cross-correlated with) x[n, group's ci]``.
    ``padding``: an int, a 1-tuple, 'valid' or 'same' (L_out = L, stride 1 only)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, _single(kernel_size), _single(stride),
                         padding if isinstance(padding, str) else _single(padding), _single(dilation), False,
                         _single(0), groups, bias, padding_mode, device, dtype)

    _functional = staticmethod(F.conv1d)


class Conv2d(_ConvNd):
    """2-D convolution: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out) with
    ``H_out = floor((H + 2 padding[0] - dilation[0] (kernel_size[0] - 1) - 1) / stride[0]) + 1``
    (likewise W). ``padding``: an int, a pair, 'valid' or 'same' (output H x W, stride 1 only;
    an even kernel pads the extra row/column at the bottom/right)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, _pair(kernel_size), _pair(stride),
                         padding if isinstance(padding, str) else _pair(padding), _pair(dilation), False,
                         _pair(0), groups, bias, padding_mode, device, dtype)

    _functional = staticmethod(F.conv2d)


class _ConvTransposeNd(_ConvNd):
    """Transposed convolutions: zeros padding only; ``forward(input, output_size)`` may ask for one
    of the ``stride`` output sizes the transposed geometry allows instead of ``output_padding``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                 output_padding, groups, bias, padding_mode, device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input: Tensor, output_size, stride, padding, kernel_size, num_spatial_dims: int,
                        dilation=None) -> list[int]:
        """``self.output_padding``, or the one that makes the output ``output_size`` (spatial dims,
        optionally led by the batch and channel dims): ``output_size - min_size`` per dim, where
        ``min_size = (in - 1) stride - 2 padding + dilation (kernel - 1) + 1`` and the request must
        lie within ``[min_size, min_size + stride - 1]``."""
        if output_size is None:
            return list(_single(self.output_padding))
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {num_non_spatial_dims + num_spatial_dims} elements (got "
                             f"{len(output_size)})")
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            min_sizes.append(conv_transpose_output_size(input.size(d + num_non_spatial_dims), kernel_size[d],
                                                        stride[d], padding[d], dilation[d] if dilation else 1))
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for size, min_size, max_size in zip(output_size, min_sizes, max_sizes):
            if size < min_size or size > max_size:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {min_sizes} "
                                 f"to {max_sizes} (for an input of {input.size()[2:]})")
        return [output_size[d] - min_sizes[d] for d in range(num_spatial_dims)]

    def forward(self, input: Tensor, output_size: list[int] | None = None) -> Tensor:
        """The transposed convolution of ``input``; ``output_size`` picks ``output_padding``."""
        if self.padding_mode != "zeros":
            raise ValueError(f"Only `zeros` padding mode is supported for {type(self).__name__}")
        output_padding = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size,
                                              len(self.kernel_size), self.dilation)
        return self._functional(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out) with
    ``L_out = (L - 1) stride - 2 padding + dilation (kernel_size - 1) + output_padding + 1``;
    the adjoint (gradient w.r.t. the input) of the Conv1d with the same arguments."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        super().__init__(in_channels, out_channels, _single(kernel_size), _single(stride), _single(padding),
                         _single(dilation), True, _single(output_padding), groups, bias, padding_mode, device, dtype)

    _functional = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out) with
    ``H_out = (H - 1) stride[0] - 2 padding[0] + dilation[0] (kernel_size[0] - 1) + output_padding[0] + 1``
    (likewise W); the adjoint of the Conv2d with the same arguments, so it upsamples by ``stride``.
    ``forward(input, output_size)`` picks ``output_padding`` to reach ``output_size``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        super().__init__(in_channels, out_channels, _pair(kernel_size), _pair(stride), _pair(padding),
                         _pair(dilation), True, _pair(output_padding), groups, bias, padding_mode, device, dtype)

    _functional = staticmethod(F.conv_transpose2d)
