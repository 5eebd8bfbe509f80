"""The child process the start-up rows time: import one framework, build the CNN example's model,
run one training step on a random batch, exit.

    python -m benchmarks.first_step --framework minigrad --threads 2

It imports nothing of the other framework, so each process pays only its own start-up.
"""
from __future__ import annotations

import argparse

from .frameworks import NAMES, load, set_threads
from .train_step import cnn_example, mnist_batches, train_step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=NAMES, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args(argv)
    frameworks = load([args.framework])
    set_threads(frameworks, args.threads)
    fw = frameworks[0]
    fw.lib.manual_seed(0)
    train_step(fw, cnn_example(fw), mnist_batches(count=1))()


if __name__ == "__main__":
    main()
