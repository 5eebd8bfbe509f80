"""One MNIST-MLP training step (forward, cross-entropy, backward, SGD-momentum update), minigrad
beside PyTorch in the same process, on the same weights and batches.

Run: python benchmarks/mlp_step.py [--batch-size 64] [--steps 300]

Prints milliseconds per step for each framework and their ratio. Needs torch installed.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import minigrad

SIZES = [784, 300, 200, 10]


def build(framework, weights):
    nn = framework.nn
    layers = []
    for i, (w, b) in enumerate(weights):
        linear = nn.Linear(w.shape[1], w.shape[0])
        with framework.no_grad():
            linear.weight.copy_(framework.tensor(w))
            linear.bias.copy_(framework.tensor(b))
        layers += [linear, nn.ReLU()] if i < len(weights) - 1 else [linear]
    model = nn.Sequential(*layers)
    optimizer = framework.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return model, optimizer


def time_steps(framework, weights, batches, steps: int) -> float:
    """Seconds per training step, after a warm-up that compiles kernels and fills caches."""
    model, optimizer = build(framework, weights)
    inputs = [(framework.tensor(x), framework.tensor(y)) for x, y in batches]

    def step(x, y):
        optimizer.zero_grad()
        loss = framework.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    for x, y in inputs[:10]:
        step(x, y)
    start = time.perf_counter()
    for i in range(steps):
        step(*inputs[i % len(inputs)])
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    weights = [(rng.uniform(-1, 1, (o, i)).astype(np.float32) / np.sqrt(i), np.zeros(o, np.float32))
               for i, o in zip(SIZES, SIZES[1:])]
    batches = [(rng.random((args.batch_size, 784), dtype=np.float32), rng.integers(0, 10, args.batch_size))
               for _ in range(20)]
    print(f"MLP 784-300-200-10, batch {args.batch_size}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads)")
    # Interleave the frameworks and keep each one's best run, so background load hurts both alike.
    ours = theirs = float("inf")
    for _ in range(args.repeats):
        ours = min(ours, time_steps(minigrad, weights, batches, args.steps))
        theirs = min(theirs, time_steps(torch, weights, batches, args.steps))
    print(f"minigrad {ours * 1e3:.3f} ms/step   torch {theirs * 1e3:.3f} ms/step   ratio {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
