"""What every tour script shares: its command line (``--out``, ``--quick``), section headings, and
writing pictures (announced as ``wrote PATH``; skipped, with how to get them, without matplotlib)."""
from __future__ import annotations

import argparse
import importlib.util
import os
from typing import Callable


def parse_args(description: str, argv=None) -> argparse.Namespace:
    """``--out FOLDER`` (default ``tour_out``) for the PNGs, ``--quick`` for the test suite's tiny settings."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default="tour_out", help="folder for the PNG files (default: tour_out)")
    parser.add_argument("--quick", action="store_true", help="tiny settings: runs in a second or two")
    return parser.parse_args(argv)


def heading(title: str, read: str = "") -> None:
    """A section title and the source to read alongside it."""
    print(f"\n=== {title} ===")
    if read:
        print(f"read {read}")


def can_draw() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


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
