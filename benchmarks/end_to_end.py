"""The end-to-end row: one epoch of ``examples/mnist_cnn.py`` (train on the 60,000 images, then
test on 10,000) under each framework, each in a fresh process timed by wall clock from start to
exit; the note gives each framework's test accuracy.

Both processes run the very same file: ``python -m benchmarks.swap --framework NAME`` swaps its
``minigrad`` imports for PyTorch's (``swap.py``). MNIST is read from ``$MINIGRAD_DATA/mnist``.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass
from functools import partial

from .cases import Settings
from .frameworks import LABELS, Framework
from .results import Result
from .swap import EXAMPLES
from .timing import paired, process_seconds


def mnist_root() -> str | None:
    """``$MINIGRAD_DATA/mnist`` when that folder exists."""
    data = os.environ.get("MINIGRAD_DATA")
    root = os.path.join(data, "mnist") if data else None
    return root if root and os.path.isdir(root) else None


def epoch(framework: str, threads: int, data_root: str) -> tuple[float, float]:
    """(wall-clock seconds, test accuracy in %) of one epoch of the CNN example in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="mnist-cnn-") as out:
        command = [sys.executable, "-m", "benchmarks.swap", "--framework", framework, "--threads", str(threads),
                   str(EXAMPLES / "mnist_cnn.py"), "--epochs", "1", "--data-root", data_root, "--out", out]
        seconds, stdout = process_seconds(command)
    return seconds, float(re.findall(r"test accuracy ([\d.]+)%", stdout)[-1])


@dataclass(frozen=True)
class EndToEnd:
    """One epoch of examples/mnist_cnn.py per framework, from ``data_root``."""

    data_root: str
    label: str = "one epoch of examples/mnist_cnn.py, batch 64: wall clock from process start"

    def measure(self, frameworks: list[Framework], settings: Settings) -> Result:
        accuracies = {fw.name: [] for fw in frameworks}

        def run(name: str) -> float:
            seconds, accuracy = epoch(name, settings.threads, self.data_root)
            accuracies[name].append(accuracy)
            return seconds

        samples = paired({fw.name: partial(run, fw.name) for fw in frameworks}, settings.slow_repeats)
        note = ", ".join(f"{LABELS[name]} {statistics.median(values):.2f}%" for name, values in accuracies.items())
        return Result(self.label, samples, note=f"test accuracy {note}")
