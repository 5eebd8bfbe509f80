"""What every tour script shares: its command line (``--out``, ``--quick``), section headings, and
writing pictures (announced as ``wrote PATH``; skipped, with how to get them, without matplotlib)."""
from __future__ import annotations

import argparse
import os
from typing import Callable


def parse_args(description: str, argv=None, extra: Callable | None = None) -> argparse.Namespace:
    """``--out FOLDER`` (default ``tour_out``) for the PNGs, ``--quick`` for the test suite's tiny
    settings, and whatever ``extra(parser)`` adds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default="tour_out", help="folder for the PNG files (default: tour_out)")
    parser.add_argument("--quick", action="store_true",
                        help="the test suite's tiny settings (05 trains 4 steps; the others are tiny already)")
    if extra is not None:
        extra(parser)
    return parser.parse_args(argv)


def heading(title: str, read: str = "") -> None:
    """A section title and the source to read alongside it."""
    print(f"\n=== {title} ===")
    if read:
        print(f"read {read}")


def can_draw() -> bool:
    """Whether matplotlib can be imported (the pictures need it; everything else runs without)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def draw(out: str, name: str, make: Callable[[str], object]) -> str | None:
    """Call ``make(path)`` to write ``out/name`` and print where it went; without matplotlib, say
    how to get the picture and skip it."""
    if not can_draw():
        print(f"skipped {name}: matplotlib is not installed (pip install matplotlib, then run this script again)")
        return None
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    make(path)
    print(f"wrote {path}")
    return path


# Seven-segment strokes: (top, left, bottom, right) in a box of height 2, width 1 (0 top, 1 middle, 2 bottom).
_SEGMENTS = {"a": (0, 0, 0, 1), "b": (0, 1, 1, 1), "c": (1, 1, 2, 1), "d": (2, 0, 2, 1),
             "e": (1, 0, 2, 0), "f": (0, 0, 1, 0), "g": (1, 0, 1, 1)}
_DIGITS = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgecd", "abc", "abcdefg", "abcdfg"]


def synthetic_digits(count: int, seed: int = 0) -> tuple:
    """``count`` 28x28 seven-segment digits, float32 in [0, 1], shape (count, 1, 28, 28), and their
    labels (int64, (count,)): MNIST's shapes without any file. Each digit gets a random size, stroke
    width, position and a little noise, so a network has to learn strokes, not pixels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    images = np.zeros((count, 1, 28, 28), np.float32)
    labels = rng.integers(0, 10, count)
    for image, label in zip(images[:, 0], labels):
        height, width, stroke = rng.integers(14, 21), rng.integers(8, 14), rng.integers(2, 4)
        top, left = rng.integers(2, 27 - height), rng.integers(3, 26 - width)
        for segment in _DIGITS[label]:
            y0, x0, y1, x1 = _SEGMENTS[segment]
            rows = slice(top + y0 * (height // 2), top + y1 * (height // 2) + stroke)
            cols = slice(left + x0 * width, left + x1 * width + stroke)
            image[rows, cols] = 1.0
    images += rng.normal(0, 0.1, images.shape).astype(np.float32)
    return np.clip(images, 0, 1), labels.astype(np.int64)
