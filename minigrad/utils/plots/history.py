"""``History``: per-epoch training metrics, and ``plot_history``: their curves."""
from __future__ import annotations

import os
import re

from .picture import Picture, new_figure

# Metrics that differ only by one of these prefixes share a panel: train_loss and test_loss.
_SPLIT_PREFIX = re.compile(r"^(train|training|val|valid|validation|test)_")


class History:
    """Metrics recorded once per epoch (or any step), for training curves.

    ``history.record(epoch, train_loss=0.31, test_loss=0.28, test_accuracy=0.91)`` adds one point
    to each named curve; a metric may be missing from some records (a test run every other
    epoch). ``history["train_loss"]`` is the list of its values, ``history.steps("train_loss")``
    the epochs they were recorded at.

    With ``path``, every ``record`` redraws the curves into that PNG (``plot_history``): a live
    view of training, which an image viewer that reloads changed files shows as it goes.
    ``state_dict`` / ``load_state_dict`` let a checkpoint carry the curves across a resume.
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = path
        self.metrics: dict[str, list[tuple[float, float]]] = {}

    def record(self, epoch: float, **metrics: float) -> None:
        for name, value in metrics.items():
            self.metrics.setdefault(name, []).append((epoch, float(value)))
        if self.path is not None:
            plot_history(self, self.path)

    def __getitem__(self, name: str) -> list[float]:
        return [value for _, value in self.metrics[name]]

    def steps(self, name: str) -> list[float]:
        return [step for step, _ in self.metrics[name]]

    def state_dict(self) -> dict:
        return {"metrics": {name: list(points) for name, points in self.metrics.items()}}

    def load_state_dict(self, state: dict) -> None:
        self.metrics = {name: [tuple(point) for point in points] for name, points in state["metrics"].items()}

    def __repr__(self) -> str:
        latest = ", ".join(f"{name}={points[-1][1]:.4g}" for name, points in self.metrics.items())
        return f"History({latest})"


def plot_history(history: History, path: str | os.PathLike | None = None, figsize: tuple | None = None,
                 dpi: float = 100) -> Picture:
    """The curves of ``history``, one panel per quantity (``train_loss`` and ``test_loss`` share
    the ``loss`` panel), epochs on the x axis. ``figsize`` defaults to 5 x 3.5 inches per panel,
    side by side; the PNG is ``figsize * dpi`` pixels."""
    from matplotlib.ticker import MaxNLocator

    panels: dict[str, list[str]] = {}
    for name in history.metrics:
        panels.setdefault(_SPLIT_PREFIX.sub("", name), []).append(name)
    figure = new_figure(figsize or (5 * max(len(panels), 1), 3.5), dpi)
    for index, (quantity, names) in enumerate(panels.items()):
        axes = figure.add_subplot(1, len(panels), index + 1)
        for name in names:
            axes.plot(history.steps(name), history[name], marker="o", markersize=3, label=name)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs 1, 2, 3, not 1.5
        axes.set_xlabel("epoch")
        axes.set_title(quantity)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.tight_layout()
    return Picture(figure, path)
