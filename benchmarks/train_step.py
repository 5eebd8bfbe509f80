"""Training-step rows: one MNIST-shaped step (zero_grad, forward, cross-entropy, backward,
SGD-momentum update) of three models, batch 64, on the same weights and batches in both frameworks.

- the examples' 784-300-200-10 ReLU MLP;
- a 3x3 CNN: conv 1->32, ReLU, max-pool 2, conv 32->64, ReLU, max-pool 2, fc 3136->128, ReLU, fc 128->10;
- the CNN example's own model, ``CNN()`` of ``examples/mnist_cnn.py`` (5x5 convolutions), built
  by that file's own code under each framework (``swap.load_example``);

and a WGAN-GP critic step, whose gradient penalty differentiates a gradient (``create_graph``).
"""
from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from .cases import Benchmark
from .frameworks import Framework, build
from .swap import load_example

BATCH_SIZE = 64
BATCHES = 10  # distinct batches, cycled: the data differs from step to step as in training


def mlp(fw: Framework):
    """The examples' 784-300-200-10 ReLU MLP."""
    nn = fw.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 200), nn.ReLU(),
                         nn.Linear(200, 10))


def cnn3x3(fw: Framework):
    """28x28 -conv 3x3 pad 1-> 32x28x28 -pool-> 32x14x14 -conv 3x3 pad 1-> 64x14x14 -pool-> 64x7x7
    -> fc 3136->128 -> fc 128->10."""
    nn = fw.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn_example(fw: Framework):
    """``CNN()`` of examples/mnist_cnn.py (default flags: no BatchNorm, no dropout)."""
    return load_example("mnist_cnn.py", fw.name)["CNN"]()


def mnist_batches(batch_size: int = BATCH_SIZE, count: int = BATCHES, seed: int = 0) -> list[tuple]:
    """``count`` random (images N x 1 x 28 x 28 float32 in [0, 1), labels N int64) batches."""
    rng = np.random.default_rng(seed)
    return [(rng.random((batch_size, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, batch_size))
            for _ in range(count)]


def train_step(fw: Framework, model, batches: list[tuple]) -> Callable[[], object]:
    """A function that runs one SGD-momentum training step on the next batch and returns the loss
    tensor (not ``.item()``: the step is timed, not the read-out)."""
    optimizer = fw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    inputs = itertools.cycle([(fw.tensor(x), fw.tensor(y)) for x, y in batches])

    def step():
        x, y = next(inputs)
        optimizer.zero_grad()
        loss = fw.F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def critic(fw: Framework):
    """A WGAN-GP critic for MNIST images: 784-256-256-1 with LeakyReLU(0.2)."""
    nn = fw.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256),
                         nn.LeakyReLU(0.2), nn.Linear(256, 1))


def gradient_penalty_step(fw: Framework, model, batches: list[tuple]) -> Callable[[], object]:
    """One WGAN-GP critic step (Gulrajani et al., 2017): the gradient of the critic's score at
    points between real and fake images is taken with ``create_graph=True``, its norm's distance
    from 1 penalised, and the penalty backpropagated to the weights (a second derivative)."""
    optimizer = fw.optim.Adam(model.parameters(), lr=1e-4, betas=(0.5, 0.9))
    pairs = itertools.cycle([(fw.tensor(x), fw.tensor(np.roll(x, 1, axis=0))) for x, _ in batches])
    alpha = fw.tensor(np.random.default_rng(1).random((BATCH_SIZE, 1, 1, 1), dtype=np.float32))

    def step():
        real, fake = next(pairs)
        optimizer.zero_grad()
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        (slopes,) = fw.lib.autograd.grad(model(mixed).sum(), mixed, create_graph=True)
        penalty = ((slopes.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
        loss = model(fake).mean() - model(real).mean() + 10 * penalty
        loss.backward()
        optimizer.step()
        return loss

    return step


def _case(label: str, make: Callable[[Framework], object]) -> Benchmark:
    return Benchmark(label, lambda fw: train_step(fw, build(fw, make), mnist_batches()))


def cases() -> list[Benchmark]:
    return [_case(f"MLP 784-300-200-10 train step, batch {BATCH_SIZE}", mlp),
            _case(f"CNN 3x3 train step (conv 1->32, pool, conv 32->64, pool, fc 3136->128->10), batch {BATCH_SIZE}",
                  cnn3x3),
            _case(f"CNN example train step (examples/mnist_cnn.py: conv 5x5 1->32, pool, conv 5x5 32->64, pool, "
                  f"fc 3136->10), batch {BATCH_SIZE}", cnn_example),
            Benchmark(f"WGAN-GP critic step (gradient penalty, create_graph=True): MLP 784-256-256-1, "
                      f"batch {BATCH_SIZE}",
                      lambda fw: gradient_penalty_step(fw, build(fw, critic), mnist_batches()))]
