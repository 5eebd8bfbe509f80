"""Layer rows: one layer's forward, or forward and backward, on fixed inputs and weights.

- ``fwd``: the forward under ``no_grad`` (inference: no graph is recorded);
- ``fwd+bwd``: the input requires grad (as a layer inside a network); forward, then backward of a
  fixed random upstream gradient; the layer's and the input's gradients are reset to None before
  each call (as ``zero_grad`` does), so no call pays for accumulating into the previous one's.

Shapes: the Conv2d variants take a batch of 32 images of 32x32 (16 channels, 32 for depthwise);
the small ops take 64x64x14x14, the activations of the CNN's second stage; the losses 256x10 logits.
"""
from __future__ import annotations

from functools import partial
from types import ModuleType
from typing import Callable

import numpy as np

from .cases import Benchmark
from .frameworks import Framework, build

CONV_GROUP = "Conv2d fwd+bwd"  # the rows the geometric-mean row combines
CONV_BATCH, CONV_SIZE = 32, 32
ACTIVATIONS = (64, 64, 14, 14)
LOGITS = (256, 10)

# (label, input channels, layer from an ``nn`` module): every Conv2d configuration the issue tracks.
CONV_VARIANTS: list[tuple[str, int, Callable[[ModuleType], object]]] = [
    ("standard 3x3 16->32", 16, lambda nn: nn.Conv2d(16, 32, 3, padding=1)),
    ("'same' 2x2 16->32", 16, lambda nn: nn.Conv2d(16, 32, 2, padding="same")),
    ("depthwise 3x3 32->32, groups 32", 32, lambda nn: nn.Conv2d(32, 32, 3, padding=1, groups=32)),
    ("depthwise-separable: depthwise 3x3 16 + pointwise 1x1 16->32", 16,
     lambda nn: nn.Sequential(nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.Conv2d(16, 32, 1))),
    ("grouped 3x3 16->32, groups 4", 16, lambda nn: nn.Conv2d(16, 32, 3, padding=1, groups=4)),
    ("dilated 3x3 16->32, dilation 2", 16, lambda nn: nn.Conv2d(16, 32, 3, padding=2, dilation=2)),
    ("strided 3x3 16->32, stride 2", 16, lambda nn: nn.Conv2d(16, 32, 3, stride=2, padding=1)),
    ("pointwise 1x1 16->32", 16, lambda nn: nn.Conv2d(16, 32, 1)),
    ("transposed 3x3 16->32, stride 2 (to 64x64)", 16,
     lambda nn: nn.ConvTranspose2d(16, 32, 3, stride=2, padding=1, output_padding=1)),
]

# (label, layer from an ``nn`` module, fwd row too): layers timed on ACTIVATIONS-shaped input.
SMALL_OPS: list[tuple[str, Callable[[ModuleType], object], bool]] = [
    ("ReLU", lambda nn: nn.ReLU(), True),
    ("AdaptiveAvgPool2d(1)", lambda nn: nn.AdaptiveAvgPool2d(1), True),
    ("MaxPool2d(2)", lambda nn: nn.MaxPool2d(2), False),
    ("BatchNorm2d(64), train mode", lambda nn: nn.BatchNorm2d(64), False),
    ("GroupNorm(8, 64)", lambda nn: nn.GroupNorm(8, 64), False),
    ("Dropout(0.5), train mode", lambda nn: nn.Dropout(0.5), False),
    ("AvgPool2d(2)", lambda nn: nn.AvgPool2d(2), False),
]

# (label, loss of (F, logits, target)): timed fwd+bwd on LOGITS-shaped logits.
LOSSES: list[tuple[str, Callable]] = [
    ("cross_entropy", lambda F, logits, target: F.cross_entropy(logits, target)),
    ("log_softmax + nll_loss", lambda F, logits, target: F.nll_loss(F.log_softmax(logits, dim=1), target)),
]


def _random(shape: tuple, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def forward(fw: Framework, layer: Callable[[ModuleType], object], shape: tuple) -> Callable[[], object]:
    """A function that runs ``layer``'s forward on a fixed input under no_grad."""
    module = build(fw, lambda f: layer(f.nn))
    x = fw.tensor(_random(shape, seed=0))

    def run():
        with fw.lib.no_grad():
            return module(x)

    return run


def forward_backward(fw: Framework, layer: Callable[[ModuleType], object], shape: tuple) -> Callable[[], None]:
    """A function that runs ``layer``'s forward and backward on a fixed input and upstream gradient."""
    module = build(fw, lambda f: layer(f.nn))
    x = fw.tensor(_random(shape, seed=0), requires_grad=True)
    upstream = fw.tensor(_random(tuple(module(x).shape), seed=1))

    def run() -> None:
        module.zero_grad()
        x.grad = None
        module(x).backward(upstream)

    return run


def loss_forward_backward(fw: Framework, loss: Callable) -> Callable[[], None]:
    """A function that computes ``loss`` of fixed logits and targets and its backward."""
    logits = fw.tensor(_random(LOGITS, seed=0), requires_grad=True)
    target = fw.tensor(np.random.default_rng(1).integers(0, LOGITS[1], LOGITS[0]))

    def run() -> None:
        logits.grad = None
        loss(fw.F, logits, target).backward()

    return run


def _shape(*dims: int) -> str:
    return "x".join(map(str, dims))


def conv_cases() -> list[Benchmark]:
    """Every Conv2d variant fwd+bwd (the geometric-mean group), then every variant fwd."""
    inputs = [(label, (CONV_BATCH, channels, CONV_SIZE, CONV_SIZE), layer) for label, channels, layer in CONV_VARIANTS]
    where = f"batch {CONV_BATCH}, {CONV_SIZE}x{CONV_SIZE}"
    return ([Benchmark(f"Conv2d fwd+bwd: {label} ({where})", partial(forward_backward, layer=layer, shape=shape),
                       group=CONV_GROUP) for label, shape, layer in inputs]
            + [Benchmark(f"Conv2d fwd: {label} ({where})", partial(forward, layer=layer, shape=shape))
               for label, shape, layer in inputs])


def small_op_cases() -> list[Benchmark]:
    """Activations, pooling, norms, dropout, Linear(1024, 4096) and the two losses."""
    shape = _shape(*ACTIVATIONS)
    cases = []
    for label, layer, with_forward in SMALL_OPS:
        if with_forward:
            cases.append(Benchmark(f"{label} fwd, {shape}", partial(forward, layer=layer, shape=ACTIVATIONS)))
        cases.append(Benchmark(f"{label} fwd+bwd, {shape}", partial(forward_backward, layer=layer, shape=ACTIVATIONS)))
    cases += [Benchmark(f"{label} fwd+bwd, {_shape(*LOGITS)}", partial(loss_forward_backward, loss=loss))
              for label, loss in LOSSES]
    cases.append(Benchmark("Linear(1024, 4096) fwd+bwd, batch 64",
                           partial(forward_backward, layer=lambda nn: nn.Linear(1024, 4096), shape=(64, 1024))))
    return cases
