"""Whether operations record the graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``,
``inference_mode``.

Each is a context manager and a decorator, as in PyTorch. The flag is thread-local, so a
DataLoader thread does not switch recording off for the training loop.
"""
from __future__ import annotations

import functools
import threading

_state = threading.local()


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward."""
    return getattr(_state, "enabled", True)


def _set_enabled(mode: bool) -> None:
    _state.enabled = mode


class _GradMode:
    """Sets recording to ``self.mode`` inside a ``with`` block or a decorated function."""

    mode = True

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        _set_enabled(self.mode)

    def __exit__(self, *exc) -> None:
        _set_enabled(self._previous)

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def run_in_mode(*args, **kwargs):
            previous = is_grad_enabled()
            _set_enabled(mode)
            try:
                return fn(*args, **kwargs)
            finally:
                _set_enabled(previous)

        return run_in_mode


class no_grad(_GradMode):  # noqa: N801
    """Disable graph recording: ``with minigrad.no_grad(): ...`` or ``@minigrad.no_grad()``."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Enable graph recording inside a ``no_grad`` region."""

    mode = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """Switch recording on or off. Like PyTorch, it takes effect at construction, so it also
    works as a plain call ``set_grad_enabled(False)``; as a context manager it restores on exit."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._previous = is_grad_enabled()
        _set_enabled(self.mode)

    def __enter__(self) -> None:
        pass

    def __call__(self, fn):
        _set_enabled(self._previous)  # used as a decorator: construction must not leak
        return super().__call__(fn)


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return getattr(_state, "inference", False)


class inference_mode(_GradMode):  # noqa: N801
    """``no_grad`` for code that will never need gradients: ``with minigrad.inference_mode(): ...``,
    ``@minigrad.inference_mode()`` or bare ``@minigrad.inference_mode``.

    ``inference_mode(False)`` switches it off again, with recording on (as PyTorch). Unlike
    PyTorch, tensors made inside are ordinary tensors (no ``is_inference()`` flag, no error when
    they are later saved for backward): here the mode only turns recording off.
    """

    def __new__(cls, mode: bool = True):
        if callable(mode):  # used as a bare decorator: ``@inference_mode``
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True):
        self.inference = bool(mode)
        self.mode = not self.inference

    def __enter__(self) -> None:
        self._previous_inference = is_inference_mode_enabled()
        _state.inference = self.inference
        super().__enter__()

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        _state.inference = self._previous_inference

    def __call__(self, fn):
        inference = self.inference

        @functools.wraps(fn)
        def run_in_mode(*args, **kwargs):
            with inference_mode(inference):
                return fn(*args, **kwargs)

        return run_in_mode
