"""PyTorch's ``torch.nn.modules.utils`` tuple helpers: ``_pair(3) == (3, 3)``, ``_pair((2, 3)) == (2, 3)``."""
from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat


def _ntuple(n: int, name: str = "parse"):
    """A parser that repeats a scalar ``n`` times and turns any other iterable into a tuple as is."""
    def parse(x):
        if isinstance(x, Iterable) and not isinstance(x, str):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
