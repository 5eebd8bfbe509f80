"""numpy's floating-point warnings, silenced while minigrad's ops run.

PyTorch computes inf and nan silently (log(0) = -inf, 0 / 0 = nan, exp(1000) = inf, inf - inf);
numpy warns for each. Every op's numpy code therefore runs between ``ignore()`` and
``restore(token)``. ``np.errstate(all="ignore")`` does the same but costs about 1 us to enter,
as much as a small op itself; numpy >= 2 keeps the error state in one context variable, which
these two functions set and reset directly (about 0.2 us, thread- and context-safe as errstate).
Older numpy takes the errstate path.
"""
from __future__ import annotations

import numpy as np

try:
    from numpy._core._ufunc_config import _extobj_contextvar as _error_state
except ImportError:  # numpy < 2
    _error_state = None

if _error_state is not None:
    with np.errstate(all="ignore"):
        _IGNORE_ALL = _error_state.get()


def ignore():
    """Silence floating-point errors until ``restore`` is called with the returned token."""
    if _error_state is None:
        state = np.errstate(all="ignore")
        state.__enter__()
        return state
    return _error_state.set(_IGNORE_ALL)


def restore(token) -> None:
    if _error_state is None:
        token.__exit__(None, None, None)
    else:
        _error_state.reset(token)
