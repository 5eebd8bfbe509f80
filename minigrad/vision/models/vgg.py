"""VGG (Simonyan & Zisserman, 2014, "Very Deep Convolutional Networks for Large-Scale Image
Recognition"), as ``torchvision.models.vgg``: same classes, builders, module tree, state_dict keys
and initialisation; plus ``SmallVGG``, the same recipe sized for 28x28 / 32x32 images.

VGG's idea: only 3x3 convolutions (padding 1, so the size is kept) in stacks, each stack ended by
a 2x2 max-pool that halves H and W. Two stacked 3x3 convs see a 5x5 field and three a 7x7 one,
with fewer parameters (27 C^2 vs 49 C^2) and more nonlinearities than a single 7x7 conv.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, Union

from ... import nn
from ._utils import PooledConvNet, check_no_pretrained_weights, init_weights_

__all__ = ["VGG", "SmallVGG", "make_layers", "cfgs", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
           "vgg16_bn", "vgg19", "vgg19_bn"]

LayerConfig = Sequence[Union[int, str]]

#: Output channels of each 3x3 conv, "M" for a 2x2 max-pool: configurations A (11 weight layers),
#: B (13), D (16) and E (19) of the paper's Table 1.
cfgs: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def make_layers(cfg: LayerConfig, batch_norm: bool = False, in_channels: int = 3) -> nn.Sequential:
    """The ``features`` Sequential of a VGG: per int ``v`` of ``cfg`` a ``Conv2d(c, v, 3, padding=1)``
    (with a ``BatchNorm2d(v)`` after it when ``batch_norm``) and ``ReLU(inplace=True)``; per "M" a
    ``MaxPool2d(2, 2)``. ``in_channels`` (ours; torchvision fixes 3) is the input's channel count."""
    layers: list[nn.Module] = []
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            norm = [nn.BatchNorm2d(v)] if batch_norm else []
            layers += [conv2d, *norm, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


class VGG(PooledConvNet):
    """ImageNet VGG: ``features`` (any input with 3 channels, ending in 512 channels) ->
    ``avgpool`` to 512x7x7 -> ``classifier``: 25088 -> 4096 -> 4096 -> ``num_classes``, with
    ReLU and ``Dropout(dropout)`` between. Input (N, 3, H, W), H, W >= 32; output (N, num_classes).

    ``init_weights`` applies torchvision's initialisation (see ``_utils.init_weights_``); without
    it the layers keep their own default initialisation.
    """

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            init_weights_(self)


def _builder(name: str, cfg: str, batch_norm: bool) -> Callable[..., VGG]:
    """The torchvision builder ``name``: ``name(*, weights=None, progress=True, **kwargs)``."""
    layers = sum(isinstance(v, int) for v in cfgs[cfg]) + 3

    def build(*, weights: object = None, progress: bool = True, **kwargs: Any) -> VGG:
        check_no_pretrained_weights(weights, name)
        return VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)

    build.__name__ = build.__qualname__ = name
    with_bn = " with BatchNorm2d after each conv" if batch_norm else ""
    build.__doc__ = (f"VGG-{layers} (configuration {cfg!r}){with_bn}, randomly initialised.\n\n"
                     "``kwargs`` go to ``VGG``: ``num_classes`` (1000), ``init_weights`` (True), ``dropout`` (0.5).\n"
                     "Any ``weights`` but None raises ValueError: pretrained checkpoints cannot be downloaded\n"
                     "here. ``progress`` is accepted and unused.")
    return build


vgg11 = _builder("vgg11", "A", batch_norm=False)
vgg11_bn = _builder("vgg11_bn", "A", batch_norm=True)
vgg13 = _builder("vgg13", "B", batch_norm=False)
vgg13_bn = _builder("vgg13_bn", "B", batch_norm=True)
vgg16 = _builder("vgg16", "D", batch_norm=False)  # 138,357,544 parameters with 1000 classes
vgg16_bn = _builder("vgg16_bn", "D", batch_norm=True)
vgg19 = _builder("vgg19", "E", batch_norm=False)
vgg19_bn = _builder("vgg19_bn", "E", batch_norm=True)


class SmallVGG(PooledConvNet):
    """VGG's recipe for MNIST/CIFAR-sized images: ``features`` = ``make_layers(cfg, batch_norm=True)``
    (3x3 conv -> BatchNorm -> ReLU stacks, each halved by a 2x2 max-pool), then global average
    pooling and ``classifier`` = Dropout -> Linear(last channels, num_classes).

    With the default ``cfg`` a 28x28 input goes 28 -> 14 -> 7 -> 3 and a 32x32 one 32 -> 16 -> 8 -> 4
    before the pooling; global pooling (instead of VGG's 7x7 grid and 4096-wide layers) keeps the
    head at 129 * num_classes parameters. Input (N, in_channels, H, W) with H, W >= 8; output
    (N, num_classes). Initialised as torchvision's VGG.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10,
                 cfg: LayerConfig = (32, 32, "M", 64, 64, "M", 128, 128, "M"), dropout: float = 0.5) -> None:
        super().__init__()
        self.features = make_layers(cfg, batch_norm=True, in_channels=in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last_channels = [v for v in cfg if v != "M"][-1]
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(last_channels, num_classes))
        init_weights_(self)
