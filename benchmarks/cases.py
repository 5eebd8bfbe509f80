"""What a benchmark row is: a label and ``measure(frameworks, settings) -> Result``.

:class:`Benchmark` is the in-process kind: ``setup(fw)`` builds the model and inputs for one
framework and returns the function to time (one training step, one layer's forward and backward).
The process-level rows (start-up, one training epoch) are in ``startup.py`` and ``end_to_end.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .frameworks import Framework
from .results import Result
from .timing import paired, sampler


@dataclass(frozen=True)
class Settings:
    """How hard to measure: ``repeats`` paired samples per in-process row, each lasting at least
    ``min_seconds``; ``slow_repeats`` runs per framework for the rows that start processes;
    ``threads`` for every framework (child processes get it on their command line)."""

    repeats: int
    min_seconds: float
    slow_repeats: int
    threads: int


@dataclass(frozen=True)
class Benchmark:
    """An in-process row: ``setup(fw)`` returns a function of no arguments to time."""

    label: str
    setup: Callable[[Framework], Callable[[], object]]
    group: str = ""

    def measure(self, frameworks: list[Framework], settings: Settings) -> Result:
        # Both frameworks are set up (and warmed up) before the first timed sample.
        samplers = {fw.name: sampler(self.setup(fw), settings.min_seconds) for fw in frameworks}
        return Result(self.label, paired(samplers, settings.repeats), group=self.group)
