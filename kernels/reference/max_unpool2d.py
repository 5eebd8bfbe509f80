"""2-D max unpooling by its definition: each value goes back to the flat position its index names::

    forward:   out[n, c].flat[indices[n, c, h, w]] = x[n, c, h, w],  zeros elsewhere
    backward:  grad_x[n, c, h, w] = grad_out[n, c].flat[indices[n, c, h, w]]   (the adjoint: a gather)

Fast kernel: :mod:`minigrad.kernels.max_unpool2d`.
"""
import numpy as np


def max_unpool2d_forward(x: np.ndarray, indices: np.ndarray, output_hw: tuple[int, int]) -> np.ndarray:
    """x, indices (N, C, H, W) -> out (N, C, OH, OW), float64; indices must lie in [0, OH * OW)."""
    N, C = np.shape(x)[:2]
    OH, OW = output_hw
    out = np.zeros((N, C, OH * OW))
    for n, c, h, w in np.ndindex(np.shape(x)):
        index = int(indices[n, c, h, w])
        if not 0 <= index < OH * OW:
            raise RuntimeError(f"Found an invalid max index: {index} (output volumes are of size {OH}x{OW})")
        out[n, c, index] = x[n, c, h, w]
    return out.reshape(N, C, OH, OW)


def max_unpool2d_backward(grad_out: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """grad_out (N, C, OH, OW), indices (N, C, H, W) -> grad_x (N, C, H, W), float64."""
    grad_x = np.empty(np.shape(indices))
    for n, c, h, w in np.ndindex(grad_x.shape):
        grad_x[n, c, h, w] = grad_out[n, c].flat[indices[n, c, h, w]]
    return grad_x
