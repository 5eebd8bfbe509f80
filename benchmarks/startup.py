"""Start-up rows: a fresh process that imports the framework, builds the CNN example's model and
runs its first training step (``first_step.py``), timed by wall clock from start to exit.

- warm cache: numba's on-disk cache already holds minigrad's compiled kernels (one untimed run
  per framework first fills it, and the operating system's file cache for both);
- cold cache: minigrad's process gets an empty ``NUMBA_CACHE_DIR``, so every kernel the step uses
  compiles. PyTorch has no such cache: its column is the same start-up, measured in the same rounds.
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from functools import partial

from .cases import Settings
from .frameworks import Framework
from .results import Result
from .timing import paired, process_seconds


def first_step_seconds(framework: str, threads: int, cold: bool) -> float:
    """Wall-clock seconds of one ``first_step`` process."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        if cold:
            env["NUMBA_CACHE_DIR"] = cache
        command = [sys.executable, "-m", "benchmarks.first_step", "--framework", framework, "--threads", str(threads)]
        return process_seconds(command, env)[0]


@dataclass(frozen=True)
class Startup:
    """Import + first CNN-example training step in a fresh process, numba's cache warm or cold."""

    cold: bool

    @property
    def label(self) -> str:
        cache = "cold numba cache (empty NUMBA_CACHE_DIR)" if self.cold else "warm numba cache"
        return f"start-up: import + first step of the CNN example in a fresh process, {cache}"

    def measure(self, frameworks: list[Framework], settings: Settings) -> Result:
        runs = {fw.name: partial(first_step_seconds, fw.name, settings.threads, self.cold) for fw in frameworks}
        if not self.cold:
            for run in runs.values():
                run()
        return Result(self.label, paired(runs, settings.slow_repeats))
