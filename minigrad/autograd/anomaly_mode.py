"""Anomaly mode: ``detect_anomaly`` and ``set_detect_anomaly``, to find the op behind a bad backward.

While it is on:

- every node recorded in the forward pass keeps the stack of the call that created it
  (``record_forward_trace``, called by ``Function.apply``);
- the engine runs each backward through ``call_checked``: when it raises, or (with ``check_nan``)
  returns a gradient holding a NaN, the node's forward stack is issued as a warning before the
  error propagates, so the report points back at the user's line that built the failing op;
- a node recorded while another node's backward runs (``create_graph=True``) keeps that node as
  its parent, and the warning walks up the chain ("Previous calculation was induced by ...").

As in PyTorch, the mode is process-wide (a thread sees the mode another thread set); the node
whose backward is running is per thread, as the engine runs a backward pass in one thread.
"""
from __future__ import annotations

import functools
import os
import sys
import threading
import traceback
import warnings

import numpy as np

from .. import _tensor  # the module, not the class: it imports this package
from .recording_array import RecordingArray

# Frames inside minigrad are left out of the forward stacks: they would bury the user's lines.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class _AnomalyState:
    """The two process-wide flags; ``Function.apply`` reads ``state.enabled`` on every recorded
    node, so it is a plain attribute rather than a call."""

    __slots__ = ("enabled", "check_nan")

    def __init__(self):
        self.enabled = False
        self.check_nan = True


state = _AnomalyState()
_running = threading.local()  # .node: the node whose backward this thread is running


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    return state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """True when anomaly detection raises on NaN gradients (the default; it applies only while
    anomaly detection is on)."""
    return state.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly detection on or off (``torch.set_anomaly_enabled``)."""
    for position, (name, value) in enumerate((("enabled", enabled), ("check_nan", check_nan)), 1):
        if type(value) is not bool:
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {position}) must be bool, "
                            f"not {type(value).__name__}")
    state.enabled, state.check_nan = enabled, check_nan


class detect_anomaly:  # noqa: N801  (PyTorch's name)
    """Anomaly detection on inside a ``with`` block: a failing backward reports the forward call
    that created the failing node, and (``check_nan``) a backward returning NaN raises.

    Also a decorator (``@detect_anomaly()``), which PyTorch's class is not. It slows every op
    down: use it to debug, not to train.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should "
                      "only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)

    def __call__(self, fn):
        check_nan = self.check_nan

        @functools.wraps(fn)
        def run_with_anomaly_detection(*args, **kwargs):
            previous = is_anomaly_enabled(), is_anomaly_check_nan_enabled()
            set_anomaly_enabled(True, check_nan)
            try:
                return fn(*args, **kwargs)
            finally:
                set_anomaly_enabled(*previous)

        return run_with_anomaly_detection


class set_detect_anomaly:  # noqa: N801  (PyTorch's name)
    """Switch anomaly detection on or off: takes effect at construction, so it works as a plain
    call ``set_detect_anomaly(True)``; as a context manager it restores the previous mode on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


# ---- hooks for Function.apply and the engine ---------------------------------------------------
def record_forward_trace(node) -> None:
    """Keep on ``node`` the stack that is creating it (minigrad's own frames left out) and, when
    it is created by another node's backward, that node as its parent."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_PACKAGE_DIR)]
    node._anomaly_metadata = (traceback.StackSummary.from_list(frames), getattr(_running, "node", None))


def call_checked(node, backward, *args):
    """``backward(*args)`` (the engine's call of ``node``'s backward), with the node's forward
    stack warned about if it raises, and NaN gradients refused when ``check_nan`` is on."""
    outer, _running.node = getattr(_running, "node", None), node
    try:
        grads = backward(*args)
        if state.check_nan:
            _refuse_nan(node, grads)
        return grads
    except Exception:
        warn_forward_trace(node)
        raise
    finally:
        _running.node = outer


def inplace_error_hint(node) -> str:
    """The hint PyTorch appends to the "modified by an inplace operation" error. In anomaly mode
    it refers to the forward stack of ``node``, which it warns about first."""
    if not state.enabled:
        return (" Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
                "with torch.autograd.set_detect_anomaly(True, check_nan=False).")
    warn_forward_trace(node)
    return (" Hint: the backtrace further above shows the operation that failed to compute its gradient. "
            "The variable in question was changed in there or anywhere later. Good luck!")


def _refuse_nan(node, grads) -> None:
    """Raise PyTorch's error for the first gradient holding a NaN. Only gradients the graph uses
    are looked at: a built-in backward may compute one for an input that needs none (PyTorch's
    formulas skip those), and its NaN would be harmless."""
    needs = node.needs_input_grad
    for index, grad in enumerate(grads):
        if grad is not None and index < len(needs) and needs[index] and _has_nan(grad):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {index}th output.")


def _has_nan(grad) -> bool:
    """Whether a gradient holds a NaN: an array, a Tensor (a custom Function's backward) or, under
    ``create_graph``, a RecordingArray (which stands for a tensor and refuses to become an array)."""
    if isinstance(grad, RecordingArray):
        grad = grad.tensor
    values = grad._data if isinstance(grad, _tensor.Tensor) else grad
    return bool(np.isnan(values).any())


def warn_forward_trace(node) -> None:
    """Warn with the forward stack of ``node``, then with that of each node whose backward created it."""
    is_parent = False
    while node is not None:
        frames, parent = getattr(node, "_anomaly_metadata", (None, None))
        warnings.warn(_trace_message(node.name(), frames, is_parent), UserWarning,
                      stacklevel=_first_frame_outside_minigrad())
        node, is_parent = parent, True


def _trace_message(name: str, frames, is_parent: bool) -> str:
    if frames is None:
        return (f"Error detected in {name}. No forward pass information available. Enable detect anomaly "
                "during forward pass for more information.")
    trace = "".join(frames.format())
    if is_parent:
        return (f"\n\nPrevious calculation was induced by {name}. Traceback of forward call that induced "
                f"the previous calculation:\n{trace}")
    return f"Error detected in {name}. Traceback of forward call that caused the error:\n{trace}"


def _first_frame_outside_minigrad() -> int:
    """The ``stacklevel`` that attributes a warning issued by our caller to the user's line."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level
