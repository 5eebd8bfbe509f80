"""A benchmark row's measurements and the statistics the report shows.

Each framework's samples are summarized by their median and their range (min-max: with a handful
of repeats a range is honest where quartiles would be guesses). The ratio is minigrad / PyTorch
per pair of samples taken in the same round, then the median of those ratios.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


@dataclass
class Result:
    """One row: ``samples[framework]`` in seconds (per call, or per run for whole processes),
    index ``i`` of each list from the same round. ``group`` tags rows that a summary row combines;
    ``note`` is free text for the report (e.g. test accuracy)."""

    label: str
    samples: dict[str, list[float]]
    group: str = ""
    note: str = ""

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def spread(self, name: str) -> tuple[float, float]:
        return min(self.samples[name]), max(self.samples[name])

    @property
    def ratios(self) -> list[float]:
        """minigrad / PyTorch for each round; empty when either framework did not run."""
        if "minigrad" not in self.samples or "torch" not in self.samples:
            return []
        return [ours / theirs for ours, theirs in zip(self.samples["minigrad"], self.samples["torch"])]

    @property
    def ratio(self) -> float | None:
        """The median of the per-round ratios (None without PyTorch)."""
        return statistics.median(self.ratios) if self.ratios else None


@dataclass
class Summary:
    """A row that combines other rows' ratios (the geometric mean over a group)."""

    label: str
    ratio: float | None


def geometric_mean(results: list[Result], group: str, label: str) -> Summary | None:
    """The geometric mean of the median ratios of the rows in ``group``; None with fewer than two."""
    members = [result for result in results if result.group == group]
    if len(members) < 2:
        return None
    ratios = [result.ratio for result in members]
    ratio = None if None in ratios else math.exp(statistics.fmean(math.log(r) for r in ratios))
    return Summary(label, ratio)
