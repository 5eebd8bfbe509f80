"""The GPU figures of the README (issue 11): minigrad's CNN training step on the GPU beside the CPU,
and one epoch of the CNN example on each, with the card's name. Run it on a machine with a GPU:

    python benchmarks/gpu.py                   # the step rows (a minute)
    python benchmarks/gpu.py --epoch           # also one epoch of examples/mnist_cnn.py per device
                                               # (MNIST from $MINIGRAD_DATA/mnist)
    python benchmarks/gpu.py --smoke           # tiny shapes, one repeat: checks the script runs
                                               # (the tests run it on numba-cuda's simulator)

The step is the examples' ``CNN()`` (batch 64 of 1x28x28 images; SGD with momentum) on the same
weights and batches on both devices; a GPU step ends with ``minigrad.cuda.synchronize()``, so it
is timed to its completion, not to its launch. Samples alternate between the devices (cpu, cuda,
cpu, ...), as the CPU benchmarks pair frameworks; the table gives medians, ranges and the median
of the per-round ratios CPU / GPU. The report is markdown, to paste into the README.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a file: import the suite as the package ``benchmarks``
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import minigrad  # noqa: E402
from benchmarks import machine  # noqa: E402
from benchmarks.end_to_end import mnist_root  # noqa: E402
from benchmarks.swap import EXAMPLES, load_example  # noqa: E402
from benchmarks.table import format_ratio, format_time  # noqa: E402
from benchmarks.timing import paired, process_seconds, sampler  # noqa: E402
from benchmarks.train_step import mnist_batches  # noqa: E402

DEVICES = ("cpu", "cuda")


def cnn_step(device: str, batches: list[tuple], widths: tuple, image_size: int):
    """One SGD-momentum step of the examples' CNN on ``device`` per call (the next batch each time),
    synchronised on a GPU; the same initial weights on every device (seed 0)."""
    minigrad.manual_seed(0)
    model = load_example("mnist_cnn.py", "minigrad")["CNN"](widths=widths, image_size=image_size).to(device)
    optimizer = minigrad.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = [(minigrad.tensor(x, device=device), minigrad.tensor(y, device=device)) for x, y in batches]
    position = 0

    def step():
        nonlocal position
        x, y = data[position % len(data)]
        position += 1
        optimizer.zero_grad()
        minigrad.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
        if device == "cuda":
            minigrad.cuda.synchronize()

    return step


def step_row(smoke: bool, repeats: int) -> str:
    """The markdown row of the CNN step: each device's median (min-max) and the CPU / GPU ratio."""
    batch, widths, size = (2, (2, 4), 8) if smoke else (64, (32, 64), 28)
    batches = [(x[:, :, :size, :size], y) for x, y in mnist_batches(batch, count=2 if smoke else 10)]
    samplers = {device: sampler(cnn_step(device, batches, widths, size), 0.0 if smoke else 0.5)
                for device in DEVICES}
    samples = paired(samplers, repeats)
    ratios = [cpu / gpu for cpu, gpu in zip(samples["cpu"], samples["cuda"])]
    label = f"CNN example train step, batch {batch}" + (f" (smoke: widths {widths}, {size}x{size})" if smoke else "")
    cells = [format_time(statistics.median(s), min(s), max(s)) for s in (samples["cpu"], samples["cuda"])]
    return f"| {label} | {cells[0]} | {cells[1]} | {format_ratio(statistics.median(ratios), ratios)} |"


def epoch_row(data_root: str) -> str:
    """The markdown row of one epoch of examples/mnist_cnn.py (train 60,000 and test 10,000 images)
    per device, each a fresh process timed from start to exit (``--no-accel`` keeps one on the CPU)."""
    seconds = {}
    for device, flags in (("cpu", ["--no-accel"]), ("cuda", [])):
        with tempfile.TemporaryDirectory(prefix="mnist-cnn-") as out:
            command = [sys.executable, str(EXAMPLES / "mnist_cnn.py"), "--epochs", "1", "--data-root", data_root,
                       "--out", out, *flags]
            seconds[device], _ = process_seconds(command, env=dict(os.environ))
    return (f"| one epoch of examples/mnist_cnn.py (wall clock, one run) | {seconds['cpu']:.1f} s | "
            f"{seconds['cuda']:.1f} s | {format_ratio(seconds['cpu'] / seconds['cuda'])} |")


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epoch", action="store_true", help="also one epoch of the CNN example per device")
    parser.add_argument("--smoke", action="store_true", help="tiny shapes and one repeat (a check that it runs)")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    if not minigrad.cuda.is_available():
        raise SystemExit("no CUDA device: this benchmark compares the GPU with the CPU")
    gpu = minigrad.cuda.get_device_name()
    rows = [step_row(args.smoke, 1 if args.smoke else args.repeats)]
    if args.epoch:
        root = mnist_root()
        if root is None:
            raise SystemExit("--epoch reads MNIST from $MINIGRAD_DATA/mnist; set MINIGRAD_DATA")
        rows.append(epoch_row(root))
    notes = [f"GPU: {gpu}", f"repeats: {1 if args.smoke else args.repeats}, samples alternate cpu / cuda"]
    report = "\n".join([machine.header({"minigrad": minigrad.get_num_threads()}, notes), "",
                        "| workload | CPU | GPU | CPU / GPU |", "| --- | --- | --- | --- |", *rows])
    print(report)
    return report


if __name__ == "__main__":
    main()
