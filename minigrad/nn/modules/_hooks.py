"""``RemovableHandle``: what ``register_forward_hook`` and friends return, to unregister the hook."""
from __future__ import annotations

import itertools
import weakref

_next_id = itertools.count()


class RemovableHandle:
    """Removes its hook from the module's hook dicts on ``remove()`` (or at the end of a ``with``).

    The dicts are held weakly, so a handle kept after its module died removes nothing.
    ``extra_dicts`` are the bookkeeping dicts keyed by the same id (e.g. the hooks that take kwargs).
    """

    def __init__(self, hooks_dict: dict, *extra_dicts: dict):
        self.id = next(_next_id)
        self._dicts = [weakref.ref(d) for d in (hooks_dict, *extra_dicts)]

    def remove(self) -> None:
        for ref in self._dicts:
            hooks = ref()
            if hooks is not None:
                hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
