"""minigrad and PyTorch behind one small interface, so each benchmark is written once for both.

minigrad's API is PyTorch's, so ``fw.nn.Conv2d(...)``, ``fw.F.cross_entropy(...)`` and
``fw.optim.SGD(...)`` read the same for either; this module adds what a fair comparison needs:
the same weights (:func:`build`) and the same thread count (:func:`set_threads`).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

import numpy as np

NAMES = ("minigrad", "torch")
LABELS = {"minigrad": "minigrad", "torch": "PyTorch"}


@dataclass(frozen=True)
class Framework:
    """One framework: its top-level module and the sub-modules a benchmark uses."""

    name: str
    lib: ModuleType

    @property
    def nn(self) -> ModuleType:
        return self.lib.nn

    @property
    def F(self) -> ModuleType:  # noqa: N802  (PyTorch's customary name for nn.functional)
        return self.lib.nn.functional

    @property
    def optim(self) -> ModuleType:
        return self.lib.optim

    def tensor(self, array: np.ndarray, requires_grad: bool = False):
        """A tensor holding a copy of ``array`` (same dtype)."""
        return self.lib.tensor(array, requires_grad=requires_grad)


def load(names: list[str]) -> list[Framework]:
    """The frameworks of ``names`` that import, in the order given; PyTorch is left out when absent.

    torch is imported before minigrad, as a user script that imports both usually does, so that
    torch's OpenMP runtime starts with its own settings whichever threading layer numba picks.
    """
    modules = {}
    for name in sorted(names, key=lambda name: name != "torch"):
        try:
            modules[name] = importlib.import_module(name)
        except ImportError:
            if name == "minigrad":
                raise
    return [Framework(name, modules[name]) for name in names if name in modules]


def set_threads(frameworks: list[Framework], count: int) -> None:
    """Run every framework's kernels on ``count`` threads: PyTorch's intra-op pool, and minigrad's
    ``set_num_threads`` (PyTorch's meaning) where it has one, else numba's pool and numpy's BLAS."""
    for fw in frameworks:
        setter = getattr(fw.lib, "set_num_threads", None)
        if setter is not None:
            setter(count)
            continue
        # minigrad's kernels choose numba's threading layer when they load: load them before
        # set_num_threads starts numba's pool.
        importlib.import_module("minigrad.kernels")
        import numba

        numba.set_num_threads(count)
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            continue
        threadpool_limits(count, user_api="blas")


def get_threads(frameworks: list[Framework]) -> dict[str, int]:
    """Each framework's thread count as it reports it (for minigrad without ``get_num_threads``:
    numba's)."""
    counts = {}
    for fw in frameworks:
        getter = getattr(fw.lib, "get_num_threads", None)
        if getter is None:
            import numba

            getter = numba.get_num_threads
        counts[fw.name] = getter()
    return counts


def state_arrays(module) -> dict[str, np.ndarray]:
    """A module's ``state_dict`` as numpy arrays (copies)."""
    return {key: value.detach().numpy().copy() for key, value in module.state_dict().items()}


def reference_state(make: Callable[[Framework], object]) -> dict[str, np.ndarray]:
    """The weights every framework's copy of a model gets: minigrad's initialization, seed 0."""
    import minigrad

    minigrad.manual_seed(0)
    return state_arrays(make(Framework("minigrad", minigrad)))


def build(fw: Framework, make: Callable[[Framework], object]):
    """``make(fw)`` with the reference weights loaded, so both frameworks compute the same thing."""
    module = make(fw)
    module.load_state_dict({key: fw.tensor(value) for key, value in reference_state(make).items()})
    return module
