"""A MobileNet v1-style network (Howard et al., 2017, "MobileNets: Efficient Convolutional Neural
Networks for Mobile Vision Applications") sized for 28x28 / 32x32 images.

Its building block factors a standard k x k convolution (m -> n channels) into a *depthwise* k x k
convolution (``groups=m``: one filter per input channel, mixing space only) and a *pointwise* 1x1
convolution (mixing channels only). On an h x w output that costs ``k^2 m hw + m n hw``
multiply-accumulates instead of ``k^2 m n hw``: a ratio of ``1/n + 1/k^2``, about 1/8 for k = 3.
"""
from __future__ import annotations

from typing import Sequence

from ... import nn
from ._utils import PooledConvNet, init_weights_

__all__ = ["ConvBNReLU", "DepthwiseSeparableConv", "SmallMobileNet"]


class ConvBNReLU(nn.Sequential):
    """Conv2d (no bias: the BatchNorm's shift replaces it; ``padding = (kernel_size - 1) // 2``
    keeps the size at stride 1) -> BatchNorm2d -> ReLU, as torchvision's ``Conv2dNormActivation``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 groups: int = 1) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding=(kernel_size - 1) // 2,
                      groups=groups, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )


class DepthwiseSeparableConv(nn.Sequential):
    """MobileNet v1's block: depthwise 3x3 ConvBNReLU (``groups=in_channels``, carrying the
    ``stride``) then pointwise 1x1 ConvBNReLU to ``out_channels``.
    (N, in_channels, H, W) -> (N, out_channels, ceil(H / stride), ceil(W / stride))."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__(
            ConvBNReLU(in_channels, in_channels, 3, stride, groups=in_channels),
            ConvBNReLU(in_channels, out_channels, 1),
        )


class SmallMobileNet(PooledConvNet):
    """MobileNet v1 for small images: a 3x3 ConvBNReLU stem to 32 channels (stride 1, where v1's
    stride 2 would waste a 28x28 input), ``DepthwiseSeparableConv`` blocks per ``blocks`` entry
    ``(out_channels, stride)``, global average pooling, Dropout -> Linear.

    ``width_mult`` is v1's width multiplier alpha: every channel count is scaled by it (cost falls
    about as alpha^2). The default blocks take 28x28 to 7x7 and 32x32 to 8x8 before the pooling.
    Input (N, in_channels, H, W); output (N, num_classes). Initialised as torchvision's MobileNetV2.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width_mult: float = 1.0,
                 blocks: Sequence[tuple[int, int]] = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1)),
                 dropout: float = 0.2) -> None:
        super().__init__()
        if width_mult <= 0:
            raise ValueError(f"width_mult should be positive, but got {width_mult}")

        def scaled(channels: int) -> int:
            return max(1, int(channels * width_mult))

        layers: list[nn.Module] = [ConvBNReLU(in_channels, scaled(32), 3)]
        channels = scaled(32)
        for out_channels, stride in blocks:
            layers.append(DepthwiseSeparableConv(channels, scaled(out_channels), stride))
            channels = scaled(out_channels)
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(channels, num_classes))
        init_weights_(self)
