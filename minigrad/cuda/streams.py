"""CUDA streams and events, as ``torch.cuda``'s.

minigrad queues every kernel and copy on the device's default stream, in program order. A
:class:`Stream` made by the program is accepted and ``with minigrad.cuda.stream(s):`` makes it the
current stream, but the work inside still runs on the default stream: every ordering the program
asked for holds (and more: streams do not overlap). So a stream's ``synchronize`` waits for the
device, waiting on events and streams has nothing to wait for, and an event marks a point of the
default stream.

Events time GPU work without stopping the host at each step::

    start, end = minigrad.cuda.Event(enable_timing=True), minigrad.cuda.Event(enable_timing=True)
    start.record(); loss = model(x).sum(); loss.backward(); end.record()
    end.synchronize(); print(start.elapsed_time(end), "ms")

On numba-cuda's simulator, which runs each kernel before its launch returns, an event records the
host's clock: the timings still measure the work between the events.
"""
from __future__ import annotations

import contextvars

from .. import _cuda_backend
from .._device import CUDA
from ._device_index import device_index

_current: contextvars.ContextVar = contextvars.ContextVar("minigrad_current_stream", default=None)


class Stream:
    """A CUDA stream (its work runs on the default stream: see the module doc)."""

    def __init__(self, device=None, priority: int = 0, **kwargs) -> None:
        _cuda_backend.require(device_index(device))
        self.device = CUDA
        self.priority = priority

    def query(self) -> bool:
        """Whether all work queued so far has finished."""
        return self.record_event().query()

    def synchronize(self) -> None:
        """Wait until all work queued so far has finished."""
        _cuda_backend.synchronize()

    def wait_event(self, event: "Event") -> None:
        """Make later work wait for ``event``: it already does, all work being on one stream."""

    def wait_stream(self, stream: "Stream") -> None:
        """Make later work wait for ``stream``'s work so far: it already does (one stream)."""

    def record_event(self, event: "Event | None" = None) -> "Event":
        """Record ``event`` (a new one if None) at this point of the stream, and return it."""
        event = Event() if event is None else event
        event.record(self)
        return event

    def __repr__(self) -> str:
        return f"<minigrad.cuda.Stream device={self.device} cuda_stream=0x0>"


_default_stream: Stream | None = None


def default_stream(device=None) -> Stream:
    """The device's default stream, on which minigrad runs all work."""
    global _default_stream
    _cuda_backend.require(device_index(device))
    if _default_stream is None:
        _default_stream = Stream()
    return _default_stream


def current_stream(device=None) -> Stream:
    """The stream selected by the innermost ``with minigrad.cuda.stream(s):`` of this thread, else
    the default stream."""
    return _current.get() or default_stream(device)


class StreamContext:
    """``with minigrad.cuda.stream(s):``: ``s`` is the current stream inside (None: no change)."""

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream
        self._token = None

    def __enter__(self) -> None:
        if self.stream is not None:
            self._token = _current.set(self.stream)

    def __exit__(self, *exc_info) -> bool:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None
        return False


def stream(stream: Stream | None) -> StreamContext:
    """Make ``stream`` the current stream inside a ``with`` block."""
    return StreamContext(stream)


class Event:
    """A CUDA event: a marker in the stream of GPU work, to wait for or to time (see the module doc)."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False,
                 external: bool = False) -> None:
        _cuda_backend.require()
        self.enable_timing = enable_timing
        self._event = None  # made when first recorded, as PyTorch does

    def record(self, stream: Stream | None = None) -> None:
        """Mark the point the GPU's work has reached when this is called (re-recording moves it)."""
        if self._event is None:
            self._event = _cuda_backend.new_event(self.enable_timing)
        self._event.record()

    def wait(self, stream: Stream | None = None) -> None:
        """Make later work on ``stream`` wait for this event: it already does (one stream)."""

    def query(self) -> bool:
        """Whether the work before the event has finished (True for an event never recorded)."""
        return self._event is None or self._event.query()

    def synchronize(self) -> None:
        """Wait until the work before the event has finished."""
        if self._event is not None:
            self._event.synchronize()

    def elapsed_time(self, end_event: "Event") -> float:
        """Milliseconds from this event to ``end_event``; both recorded, finished, and made with
        ``enable_timing=True`` (PyTorch's RuntimeErrors otherwise)."""
        if self._event is None or end_event._event is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        if not (self.query() and end_event.query()):
            raise RuntimeError("Both events must be completed before calculating elapsed time.")
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        return float(self._event.elapsed_time(end_event._event))

    def __repr__(self) -> str:
        state = "recorded" if self._event is not None else "uninitialized"
        return f"<minigrad.cuda.Event {state}>"
