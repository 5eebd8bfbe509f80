"""One MNIST training step (forward, cross-entropy, backward, SGD-momentum update) for the
examples' MLP and CNN, minigrad beside PyTorch in the same process, same weights, same batches.

Run: python benchmarks/train_step.py [--model mlp|cnn|all] [--batch-size 64] [--steps 200]

Prints milliseconds per step for each framework and their ratio. Needs torch installed.
"""
from __future__ import annotations

import argparse
import time

# torch first: its OpenMP runtime reads OMP_WAIT_POLICY when it loads, and minigrad sets that
# variable to PASSIVE for numba's runtime; importing torch first keeps torch at its own default.
import torch  # noqa: I001

import numpy as np

import minigrad


def mlp(nn):
    """The examples' 784-300-200-10 ReLU MLP, built from either framework's ``nn``."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 200), nn.ReLU(),
                         nn.Linear(200, 10))


def cnn(nn):
    """The examples' CNN: [conv 5x5 pad 2 -> ReLU -> max-pool 2] x 2 -> linear."""
    return nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 10))


MODELS = {"mlp": mlp, "cnn": cnn}


def time_steps(framework, model, batches, steps: int) -> float:
    """Seconds per training step, after a warm-up that compiles kernels and fills caches."""
    optimizer = framework.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    inputs = [(framework.tensor(x), framework.tensor(y)) for x, y in batches]

    def step(x, y):
        optimizer.zero_grad()
        loss = framework.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    for x, y in inputs[:5]:
        step(x, y)
    start = time.perf_counter()
    for i in range(steps):
        step(*inputs[i % len(inputs)])
    return (time.perf_counter() - start) / steps


def compare(name: str, batch_size: int, steps: int, repeats: int) -> None:
    torch.manual_seed(0)
    reference = MODELS[name](torch.nn)
    state = {k: v.detach().numpy().copy() for k, v in reference.state_dict().items()}
    rng = np.random.default_rng(0)
    batches = [(rng.random((batch_size, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, batch_size))
               for _ in range(10)]
    # Interleave the frameworks and keep each one's best run, so background load hurts both alike.
    ours = theirs = float("inf")
    for _ in range(repeats):
        model = MODELS[name](minigrad.nn)
        model.load_state_dict({k: minigrad.tensor(v) for k, v in state.items()})
        ours = min(ours, time_steps(minigrad, model, batches, steps))
        model = MODELS[name](torch.nn)
        model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        theirs = min(theirs, time_steps(torch, model, batches, steps))
    print(f"{name.upper():4} batch {batch_size}: minigrad {ours * 1e3:7.2f} ms/step   "
          f"torch {theirs * 1e3:7.2f} ms/step   ratio {ours / theirs:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=[*MODELS, "all"], default="all")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), minigrad {minigrad.__version__}")
    for name in MODELS if args.model == "all" else [args.model]:
        compare(name, args.batch_size, args.steps, args.repeats)


if __name__ == "__main__":
    main()
