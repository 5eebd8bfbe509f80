"""``autocast``: regions of a script where some ops run in a lower precision, as ``torch.autocast``.

Inside ``with minigrad.autocast('cuda'):`` (or ``'cpu'`` with ``dtype=minigrad.float16``) the ops
named in ``policy.py`` cast their floating inputs before they run: matrix products and
convolutions to the region's dtype, reductions, exponentials and losses to float32, a few ops with
several inputs to the widest of them. The casts are ordinary recorded ``x.to(dtype)`` ops
(``ToCopyBackward0``), so each gradient comes back in its leaf's dtype.

The state is a context variable, so it is per thread (and asyncio task), as PyTorch's is
thread-local: a region entered in one thread changes nothing in another. Each state knows the one
it replaced, so nested regions restore their outer one on exit (also on an exception). Outside any
region an op pays one ``ContextVar.get`` and an attribute read (see ``policy.autocast_op``).
"""
from __future__ import annotations

import contextvars
import functools
import warnings

from .. import _cuda_backend
from .. import _dtype

#: The device types autocast knows, with their default dtypes (PyTorch's: float16 for CUDA,
#: bfloat16 for the CPU; minigrad has no bfloat16, shown as None: ``autocast('cpu')`` without a
#: dtype warns and disables itself, as PyTorch does for a dtype it cannot autocast to).
_DEFAULT_DTYPES = {"cpu": None, "cuda": _dtype.float16}
#: The dtypes a CPU region can cast to (PyTorch's CPU also takes bfloat16).
_CPU_DTYPES = (_dtype.float16,)


class _State:
    """One thread's autocast state: ``casts`` maps each device type whose autocast is enabled to
    its dtype (empty: no region casts, the ops' fast path); ``dtypes`` what ``get_autocast_dtype``
    answers; ``cache`` the casts of weights shared by nested regions, dropped when the outermost
    ends; ``outer`` the state to restore on exit; ``suspended`` this state with nothing cast, in
    which an op's own body runs (PyTorch excludes autocast below the op that cast)."""

    __slots__ = ("casts", "dtypes", "cache_enabled", "cache", "depth", "outer", "suspended")

    def __init__(self, casts: dict, dtypes: dict, cache_enabled: bool, cache: dict, depth: int, outer):
        self.casts, self.dtypes, self.cache_enabled, self.cache = casts, dtypes, cache_enabled, cache
        self.depth, self.outer = depth, outer
        self.suspended = _State.__new__(_State)
        self.suspended.casts, self.suspended.dtypes, self.suspended.cache = {}, dtypes, cache
        self.suspended.cache_enabled, self.suspended.depth, self.suspended.outer = cache_enabled, depth, outer
        self.suspended.suspended = self.suspended


_state: contextvars.ContextVar[_State] = contextvars.ContextVar(
    "minigrad_autocast", default=_State({}, dict(_DEFAULT_DTYPES), True, {}, 0, None))


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast works on ``device_type``: ``'cpu'`` and ``'cuda'``."""
    return device_type in _DEFAULT_DTYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an autocast region for ``device_type`` (default ``'cuda'``, as PyTorch) is active here."""
    device_type = "cuda" if device_type is None else device_type
    if not is_autocast_available(device_type):
        raise RuntimeError("unknown device type for autocast in get_autocast_dispatch_key_from_device_type")
    return device_type in _state.get().casts


def get_autocast_dtype(device_type: str):
    """The dtype autocast casts to on ``device_type``: the enclosing region's, else the default
    (``float16`` for CUDA; None for the CPU, whose PyTorch default bfloat16 minigrad lacks)."""
    if not is_autocast_available(device_type):
        raise RuntimeError("unsupported scalarType")
    return _state.get().dtypes[device_type]


class autocast:  # noqa: N801  (PyTorch's name)
    """A region (``with``) or a function (decorator) whose ops run in mixed precision.

    ``autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: ``device_type`` is
    ``'cuda'`` or ``'cpu'``; ``dtype`` defaults to ``get_autocast_dtype(device_type)``: float16 on
    CUDA; on the CPU PyTorch's default is bfloat16, which minigrad has not, so ``autocast('cpu')``
    gives PyTorch's warning for an unsupported dtype (``In CPU autocast, but the target dtype is not
    supported. Disabling autocast. ...``) and leaves ops unchanged: pass ``dtype=minigrad.float16``.
    ``autocast('cuda')`` without CUDA warns and disables itself, as PyTorch. ``enabled=False``
    makes a region where nothing casts (inside another, too). ``cache_enabled`` (default: the
    enclosing region's, else True) keeps one cast copy of each float32 leaf that requires grad (a
    weight) until the outermost region ends. Which op casts to what is ``policy.py``'s table.
    """

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled: bool | None = None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        self._cache_enabled = _state.get().cache_enabled if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                if not _cuda_backend.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in _CPU_DTYPES:
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CPU Autocast only supports dtypes of " + ", ".join(map(str, _CPU_DTYPES))
                              + " currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self) -> "autocast":
        outer = _state.get()
        casts = dict(outer.casts)
        if self._enabled:
            casts[self.device] = self.fast_dtype
        else:
            casts.pop(self.device, None)
        _state.set(_State(casts, {**outer.dtypes, self.device: self.fast_dtype}, self._cache_enabled,
                          outer.cache if outer.depth else {}, outer.depth + 1, outer))
        return self

    def __exit__(self, *exc_info) -> bool:
        _state.set(_state.get().outer)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                f"Did you mean to use autocast as a context manager? For example:\n"
                f"    with torch.autocast(device_type=...):\n"
                f"        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return decorate_autocast


def _cast(value, device_type: str, dtype):
    """``value`` with its eligible tensors (floating, not float64, on ``device_type``) cast to ``dtype``;
    lists, tuples and dicts item by item, as PyTorch's ``custom_fwd`` casts."""
    from .._tensor import Tensor  # Tensor's module imports the ops, which import this one

    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and value.dtype is not _dtype.float64
        return value.to(dtype) if eligible else value
    if isinstance(value, dict):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type: str, cast_inputs=None):
    """Decorate a custom ``Function``'s ``forward``: with ``cast_inputs`` (a dtype), inside an
    enabled region its floating inputs are cast to it and ``forward`` runs with autocast off;
    without, ``forward`` runs in the current state, which ``custom_bwd`` gives ``backward`` too."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        args[0]._fwd_used_autocast = False
        if not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """Decorate a custom ``Function``'s ``backward`` to run in the autocast state its ``forward`` ran in."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)

    return decorate_bwd
