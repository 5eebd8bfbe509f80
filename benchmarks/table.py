"""The report's markdown table: one row per benchmark, times as ``median (min-max)``.

| workload | minigrad | PyTorch | minigrad / PyTorch |
| --- | --- | --- | --- |
| ReLU fwd, 64x64x14x14 | 1.21 ms (1.18-1.30) | 168 us (160-190) | 7.20 (6.51-7.90) |
"""
from __future__ import annotations

from .frameworks import LABELS
from .results import Result, Summary

_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"))


def _unit(seconds: float) -> tuple[float, str]:
    """The largest unit in which ``seconds`` is at least 1 (microseconds at the smallest)."""
    return next(((scale, name) for scale, name in _UNITS if seconds >= scale), _UNITS[-1])


def _number(value: float) -> str:
    """About three significant digits, never an exponent: 123, 12.3, 1.23, 0.95."""
    return f"{value:.{0 if value >= 100 else 1 if value >= 10 else 2}f}"


def format_time(median: float, low: float, high: float) -> str:
    """``median (low-high)`` in the median's unit, e.g. ``12.3 ms (12.1-13.0)``."""
    scale, unit = _unit(median)
    return f"{_number(median / scale)} {unit} ({_number(low / scale)}-{_number(high / scale)})"


def format_ratio(ratio: float | None, ratios: list[float] = ()) -> str:
    """``median (min-max)`` of the ratios, two decimals; ``-`` without PyTorch."""
    if ratio is None:
        return "-"
    spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
    return f"{ratio:.2f}{spread}"


def _cells(row: Result | Summary, names: list[str]) -> list[str]:
    if isinstance(row, Summary):
        return [row.label, *("" for _ in names), format_ratio(row.ratio), ""]
    times = [format_time(row.median(name), *row.spread(name)) if name in row.samples else "-" for name in names]
    return [row.label, *times, format_ratio(row.ratio, row.ratios), row.note]


def markdown(rows: list[Result | Summary], names: list[str] = ("minigrad", "torch")) -> str:
    """The table, with a column per framework of ``names``, the ratio, and notes if any row has one."""
    table = [_cells(row, list(names)) for row in rows]
    header = ["workload", *(LABELS[name] for name in names), "minigrad / PyTorch", "note"]
    if not any(cells[-1] for cells in table):  # no notes: drop the column
        header, table = header[:-1], [cells[:-1] for cells in table]
    lines = [header, ["---"] * len(header), *table]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
