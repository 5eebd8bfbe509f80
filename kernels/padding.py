"""2-D padding of the last two axes with PyTorch's modes, and its adjoint (the gradient).

``pad = (left, right, top, bottom)`` in ``torch.nn.functional.pad``'s order for the last two axes.
Padded position ``(i, j)`` of an (H + top + bottom, W + left + right) plane takes the input
element at ``(src(i - top, H), src(j - left, W))``, where for an index ``t`` along an axis of size
``n``:

* ``constant``:  ``t`` if ``0 <= t < n``, else no source (the position holds ``value``);
* ``reflect``:   mirror about the edge element, which is not repeated: ``-t`` for ``t < 0`` and
  ``2*(n-1) - t`` for ``t >= n`` (``[a b c]`` padded by 2 is ``c b [a b c] b a``);
* ``replicate``: clamp to ``[0, n-1]`` (``a a [a b c] c c``);
* ``circular``:  wrap around, ``t mod n`` (``b c [a b c] a b``).

Preconditions (PyTorch's): reflect needs every pad < the size of its axis (one reflection must be
enough), circular needs every pad <= that size. A negative pad removes that many elements from its
side: the formulas above still hold (``t`` runs from ``-top`` > 0), which is PyTorch's reflect and
replicate cropping; PyTorch's circular crops first and wraps the rest, so its caller passes
non-negative pads.

The backward pass is the adjoint: each padded position adds its gradient onto its source element,
so one input element can collect several contributions (the edge rows of reflect/replicate, the
wrapped rows of circular). It runs one plane per parallel iteration and accumulates serially inside
the plane, which keeps it race-free and its summation order fixed.

Reference: :mod:`minigrad.kernels.reference.padding`.
"""
import numpy as np
from numba import njit, prange

from ._parallel import launch

_MODES = {"constant": 0, "reflect": 1, "replicate": 2, "circular": 3}


@njit(cache=True)
def _source_index(t, n, mode):
    """Input index that padded index ``t`` (already shifted by the leading pad) reads along an
    axis of size ``n`` under ``mode`` (codes of ``_MODES``), or -1 for the constant fill."""
    if 0 <= t < n:
        return t
    if mode == 0:
        return -1
    if mode == 1:
        return -t if t < 0 else 2 * (n - 1) - t
    if mode == 2:
        return 0 if t < 0 else n - 1
    return t % n  # circular: Python's modulo is non-negative for positive n


@njit(cache=True)
def _source_table(out_size, before, n, mode):
    """``_source_index`` for every padded index along one axis, computed once per call."""
    table = np.empty(out_size, np.int64)
    for t in range(out_size):
        table[t] = _source_index(t - before, n, mode)
    return table


@njit(parallel=True, cache=True)
def _pad_kernel(x, out, rows, cols, value):
    """``out[p, i, j] = x[p, rows[i], cols[j]]`` (or ``value`` where either source is -1) for
    ``x`` (P, H, W) and ``out`` (P, OH, OW).

    Parallel over the P planes; race-free because iteration p writes only ``out[p]``.
    """
    P, OH, OW = out.shape
    for p in prange(P):
        for i in range(OH):
            r = rows[i]
            for j in range(OW):
                c = cols[j]
                if r < 0 or c < 0:
                    out[p, i, j] = value
                else:
                    out[p, i, j] = x[p, r, c]


@njit(parallel=True, cache=True)
def _pad_backward_kernel(grad_out, grad_x, rows, cols):
    """Adjoint of ``_pad_kernel``: ``grad_x`` (P, H, W) is zeroed, then
    ``grad_x[p, rows[i], cols[j]] += grad_out[p, i, j]`` for every padded position with a source.

    Parallel over the P planes; race-free because all positions of plane p map into
    ``grad_x[p]`` only, and that plane is accumulated serially by its one iteration.
    """
    P, OH, OW = grad_out.shape
    for p in prange(P):
        grad_x[p, :, :] = 0
        for i in range(OH):
            r = rows[i]
            if r < 0:
                continue
            for j in range(OW):
                c = cols[j]
                if c >= 0:
                    grad_x[p, r, c] += grad_out[p, i, j]


def _tables(
    padded_hw: tuple[int, int], pad: tuple[int, int, int, int], input_hw: tuple[int, int], mode: str
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column source tables for ``pad = (left, right, top, bottom)``."""
    left, _, top, _ = pad
    code = _MODES[mode]
    return (
        _source_table(padded_hw[0], top, input_hw[0], code),
        _source_table(padded_hw[1], left, input_hw[1], code),
    )


def pad2d(x: np.ndarray, pad: tuple[int, int, int, int], mode: str, value: float = 0.0) -> np.ndarray:
    """Pad the last two axes of ``x`` (..., H, W) to (..., top + H + bottom, left + W + right).

    ``pad = (left, right, top, bottom)``; ``mode`` is 'constant' (filled with ``value``),
    'reflect', 'replicate' or 'circular' with the semantics and preconditions of the module
    docstring. Returns a new array of x's dtype.
    """
    left, right, top, bottom = pad
    *lead, H, W = x.shape
    padded_hw = (H + top + bottom, W + left + right)
    rows, cols = _tables(padded_hw, pad, (H, W), mode)
    planes = np.ascontiguousarray(x).reshape(-1, H, W)
    out = np.empty((planes.shape[0],) + padded_hw, x.dtype)
    launch(_pad_kernel, planes, out, rows, cols, out.dtype.type(value))
    return out.reshape(*lead, *padded_hw)


def pad2d_backward(
    grad_out: np.ndarray, pad: tuple[int, int, int, int], mode: str, input_hw: tuple[int, int]
) -> np.ndarray:
    """Gradient of :func:`pad2d` w.r.t. its input: (..., H + top + bottom, W + left + right) ->
    (..., H, W) with ``input_hw = (H, W)``. Constant padding just crops; the other modes sum every
    padded copy back onto its source element."""
    *lead, OH, OW = grad_out.shape
    rows, cols = _tables((OH, OW), pad, input_hw, mode)
    planes = np.ascontiguousarray(grad_out).reshape(-1, OH, OW)
    grad_x = np.empty((planes.shape[0],) + tuple(input_hw), grad_out.dtype)
    launch(_pad_backward_kernel, planes, grad_x, rows, cols)
    return grad_x.reshape(*lead, *input_hw)
