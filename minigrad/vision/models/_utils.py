"""What the model files share: torchvision's weight initialisation, the features -> pool ->
classifier layout, and the refusal of pretrained weights (there is no download here)."""
from __future__ import annotations

from ... import nn
from ..._tensor import Tensor
from ...functions.shape import flatten


def check_no_pretrained_weights(weights: object, builder: str) -> None:
    """Raise ValueError unless ``weights`` is None: pretrained checkpoints cannot be fetched offline."""
    if weights is not None:
        raise ValueError(f"{builder}: pretrained weights are not available offline (got weights={weights!r}); "
                         "pass weights=None for a randomly initialised model")


def init_weights_(model: nn.Module) -> None:
    """torchvision's initialisation for VGG and MobileNet, applied to every submodule in place:

    * ``Conv2d``: ``kaiming_normal_(weight, mode="fan_out", nonlinearity="relu")`` — std
      ``sqrt(2 / (out_channels * k_h * k_w))`` — and a zero bias,
    * ``BatchNorm2d``: weight 1, bias 0 (the identity map),
    * ``Linear``: weight ~ N(0, 0.01^2), bias 0.
    """
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            if module.bias is not None:
                nn.init.constant_(module.bias, 0)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.constant_(module.weight, 1)
            nn.init.constant_(module.bias, 0)
        elif isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0, 0.01)
            nn.init.constant_(module.bias, 0)


class PooledConvNet(nn.Module):
    """The layout of torchvision's VGG and MobileNet: ``features`` (convolutions, (N, C, H, W) ->
    (N, C', H', W')), ``avgpool`` (adaptive average pooling to a fixed grid, so any input size
    works), flatten to (N, C' * grid), ``classifier`` -> (N, num_classes). Subclasses build the
    three attributes."""

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = flatten(x, 1)
        return self.classifier(x)
