"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998, "Gradient-Based Learning Applied to Document
Recognition"), with the usual modern simplifications.

The paper's layers and what we keep:

* C1: 6 maps of 5x5 convolutions on a 32x32 image -> 6x28x28. MNIST's 28x28 digits get
  ``padding=2`` so C1 still sees the 32x32 field (the paper padded the digits themselves).
* S2: 2x2 subsampling -> 6x14x14. The paper's summed each window, then applied a trainable
  coefficient, bias and sigmoid per map; we use plain ``AvgPool2d(2)`` and put the activation
  after each conv instead.
* C3: 16 maps of 5x5 convolutions -> 16x10x10. The paper connected each map to a hand-picked
  subset of S2's maps (to break symmetry and save compute); we connect all of them.
* S4: 2x2 subsampling -> 16x5x5.
* C5: 120 maps of 5x5 convolutions on a 5x5 input, i.e. a fully connected layer: ``Linear(400, 120)``.
* F6: ``Linear(120, 84)``; output: the paper's Euclidean RBF units become ``Linear(84, num_classes)``
  logits, for use with cross-entropy.

The activation is the paper's squashing tanh by default (it used 1.7159 tanh(2x/3)); ReLU trains
faster and is a one-argument change.
"""
from __future__ import annotations

from typing import Callable

from ... import nn
from ..._tensor import Tensor
from ...functions.shape import flatten

__all__ = ["LeNet5"]


class LeNet5(nn.Module):
    """``features``: conv 6@5x5 -> act -> avgpool 2 -> conv 16@5x5 -> act -> avgpool 2 (16x5x5);
    ``classifier``: 400 -> 120 -> 84 -> ``num_classes`` with the activation between.

    Input (N, in_channels, input_size, input_size) with ``input_size`` 28 (first conv padded by 2)
    or 32 (unpadded, as in the paper); output (N, num_classes) logits. ``activation_layer`` builds
    each activation (``nn.Tanh`` as in the paper, or ``nn.ReLU``). Layers keep PyTorch's default
    initialisation. 61,706 parameters with 1 channel and 10 classes.
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1, input_size: int = 28,
                 activation_layer: Callable[[], nn.Module] = nn.Tanh) -> None:
        super().__init__()
        if input_size not in (28, 32):
            raise ValueError(f"LeNet5 takes 28x28 or 32x32 images, but got input_size={input_size}")
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=(32 - input_size) // 2),
            activation_layer(),
            nn.AvgPool2d(kernel_size=2),
            nn.Conv2d(6, 16, kernel_size=5),
            activation_layer(),
            nn.AvgPool2d(kernel_size=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120),
            activation_layer(),
            nn.Linear(120, 84),
            activation_layer(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(flatten(self.features(x), 1))
