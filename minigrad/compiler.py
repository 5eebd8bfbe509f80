"""``minigrad.compile`` and ``minigrad.compiler``: PyTorch 2's graph compiler, for the scripts that call it.

PyTorch's ``torch.compile`` traces a model into a graph and generates fused kernels for it.
minigrad's kernels are compiled already, by Numba, each when first called (and cached on disk), so
there is nothing left to compile: ``minigrad.compile(model)`` checks its arguments as PyTorch does
and returns ``model`` itself (a module keeps its ``state_dict`` keys, without PyTorch's
``_orig_mod.`` prefix). As a decorator, with or without arguments, it leaves the function as it is.
"""
from __future__ import annotations

from collections.abc import Callable

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,
            backend: str | Callable | None = None, mode: str | None = None, options: dict | None = None,
            name: str | None = None, disable: bool = False, **kwargs) -> Callable:
    """``model`` unchanged (see the module doc); without ``model``, a decorator that returns its function."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        return lambda function: compile(function)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


def is_compiling() -> bool:
    """False: minigrad never traces code into a graph."""
    return False


def disable(fn: Callable | None = None, recursive: bool = True, *, reason: str | None = None) -> Callable:
    """Exclude ``fn`` from compilation: it is ``fn`` (there is none)."""
    return (lambda function: function) if fn is None else fn


def reset() -> None:
    """Forget compiled graphs: there are none (Numba's kernels stay compiled)."""
