"""2-D padding of the last two axes with PyTorch's modes, by the source of each padded position.

``pad = (left, right, top, bottom)``. Padded position (i, j) holds the input element at
``(source(i - top, H), source(j - left, W))``, where along an axis of size n, for index t:

* constant:  t if 0 <= t < n, else none (the position holds ``value``);
* reflect:   -t for t < 0, 2 * (n - 1) - t for t >= n (the edge is not repeated);
* replicate: t clamped to [0, n - 1];
* circular:  t mod n.

A negative pad crops (t then starts past 0). Backward, the adjoint: each padded position adds its
gradient onto its source element.

Fast kernel: :mod:`minigrad.kernels.padding`.
"""
import numpy as np


def source(t: int, n: int, mode: str) -> int | None:
    """The input index that padded index ``t`` copies along an axis of size ``n`` (None: the fill)."""
    if 0 <= t < n:
        return t
    if mode == "reflect":
        return -t if t < 0 else 2 * (n - 1) - t
    if mode == "replicate":
        return 0 if t < 0 else n - 1
    if mode == "circular":
        return t % n
    return None


def pad2d(x: np.ndarray, pad: tuple[int, int, int, int], mode: str, value: float = 0.0) -> np.ndarray:
    """x (..., H, W) -> (..., top + H + bottom, left + W + right), float64."""
    left, right, top, bottom = pad
    *lead, H, W = np.shape(x)
    out = np.empty((*lead, H + top + bottom, W + left + right))
    for index in np.ndindex(out.shape):
        *plane, i, j = index
        row, col = source(i - top, H, mode), source(j - left, W, mode)
        out[index] = value if row is None or col is None else x[(*plane, row, col)]
    return out


def pad2d_backward(grad_out: np.ndarray, pad: tuple[int, int, int, int], mode: str,
                   input_hw: tuple[int, int]) -> np.ndarray:
    """grad_out (..., OH, OW) -> grad_x (..., H, W), float64: each padded position's gradient added
    onto its source element."""
    left, _, top, _ = pad
    H, W = input_hw
    grad_x = np.zeros((*np.shape(grad_out)[:-2], H, W))
    for index in np.ndindex(np.shape(grad_out)):
        *plane, i, j = index
        row, col = source(i - top, H, mode), source(j - left, W, mode)
        if row is not None and col is not None:
            grad_x[(*plane, row, col)] += grad_out[index]
    return grad_x
