"""``minigrad.use_deterministic_algorithms``: the same bits run after run, as PyTorch's switch.

minigrad's CPU kernels are deterministic already. On CUDA the switch changes one thing: float
scatter-adds (``np.add.at``: index_add, scatter_add, index_put with accumulate, the embedding and
bincount backward passes) fold each run of repeated positions in order instead of adding with
atomics (``kernels/determinism.py``). No minigrad op lacks a deterministic form, so ``warn_only``
and the debug mode never have anything to warn or raise about; they are kept for PyTorch's scripts.
"""
from __future__ import annotations

from .kernels.determinism import is_deterministic, set_deterministic

_warn_only = False
_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Make ops give the same results run after run (``mode=True``), or let them be fast."""
    global _warn_only
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, "
                        f"not {type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'warn_only' must be bool, "
                        f"not {type(warn_only).__name__}")
    set_deterministic(mode)
    _warn_only = warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return is_deterministic()


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _warn_only


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """``'default'`` (0): off; ``'warn'`` (1): deterministic, warn-only; ``'error'`` (2): deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                               f"but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    if not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in _DEBUG_MODES.values():
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    if not is_deterministic():
        return 0
    return 1 if _warn_only else 2
