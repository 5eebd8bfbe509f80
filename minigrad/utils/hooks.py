"""``RemovableHandle``: what every ``register_*hook`` method returns, to unregister the hook again
(``torch.utils.hooks.RemovableHandle``)."""
from __future__ import annotations

import itertools
from typing import Any
import weakref

_next_id = itertools.count()


class RemovableHandle:
    """Removes its hook from ``hooks_dict`` (and its bookkeeping entries from ``extra_dict``, a dict or
    a list of dicts keyed by the same id) on ``remove()`` or at the end of a ``with`` block.

    The dicts are held weakly (so they must be ``OrderedDict`` s: a plain dict takes no weak
    reference): a handle kept after its module or tensor died removes nothing.
    """

    id: int

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.id = next(_next_id)
        extras = extra_dict if isinstance(extra_dict, list) else [] if extra_dict is None else [extra_dict]
        self._dicts = [weakref.ref(d) for d in (hooks_dict, *extras)]

    def remove(self) -> None:
        for ref in self._dicts:
            hooks = ref()
            if hooks is not None:
                hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
