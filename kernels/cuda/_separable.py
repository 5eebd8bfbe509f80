"""Separable resampling of (..., H, W) planes on the GPU: padding and resizing, and their adjoints.

CPU siblings: :mod:`minigrad.kernels.padding` and :mod:`minigrad.kernels.interpolate`, which
build the same per-axis tables (the CUDA twins reuse their table builders, so the index arithmetic
is written once) and loop over them with njit kernels.

Both ops are separable linear maps: along each axis, output index ``o`` reads a few input indices
with weights (padding: one index with weight 1, or none where the constant fill goes; nearest:
one index; bilinear: two, weighted). An *axis map* stores that in compressed rows, as three device
arrays: the taps of output ``o`` are ``sources[k], weights[k]`` for ``starts[o] <= k <
starts[o + 1]``. Then

    out[p, i, j] = sum_a row_w[a] * (sum_b col_w[b] * x[p, row_src[a], col_src[b]])
                   (a over the taps of row i, b over those of column j),  or ``fill`` if i or j has none.

The adjoint (the backward pass) is the same sum over the *transposed* maps, in which input index
``t`` lists the outputs that read it, with the same weights: so the backward pass is a gather as
well (each input element sums the gradients of the outputs that read it) and runs the same
kernel, with fill 0 for elements no output read.

Thread mapping: one thread per output element (p, i, j), p indexing the planes (grid-stride over
the flat row-major index). Race-free: each thread writes only its own element; no atomics.

The maps depend only on sizes and options, never on data: they are built on the host from those
numbers (O(H + W) entries) and copied to the device once, then cached.
"""
from __future__ import annotations

import numpy as np

from ._backend import cuda
from ._planes import launch, planes
from .array import CudaArray


@cuda.jit
def _resample_kernel(x, out, row_starts, row_sources, row_weights, col_starts, col_sources, col_weights,
                     fill, zero):
    """x (P, H, W); out (P, OH, OW), same dtype; row map over OH outputs into H, column map over OW
    outputs into W; ``fill`` and ``zero`` typed like out (the sums are in out's dtype, as the CPU's)."""
    P, OH, OW = out.shape
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        ow, oh, p = i % OW, (i // OW) % OH, i // (OH * OW)
        r0, r1 = row_starts[oh], row_starts[oh + 1]
        c0, c1 = col_starts[ow], col_starts[ow + 1]
        if r0 == r1 or c0 == c1:
            out[p, oh, ow] = fill
            continue
        total = zero
        for a in range(r0, r1):
            inner = zero
            for b in range(c0, c1):
                inner += col_weights[b] * x[p, row_sources[a], col_sources[b]]
            total += row_weights[a] * inner
        out[p, oh, ow] = total


def axis_maps(sources: np.ndarray, weights: np.ndarray, in_size: int) -> tuple[tuple, tuple]:
    """(forward map, adjoint map) of one axis, on the device, from host tables ``sources`` (O, T)
    int64 and ``weights`` (O, T): output o reads ``sources[o, t]`` with weight ``weights[o, t]``,
    a negative source meaning no tap. The adjoint map lists, for each of the ``in_size`` inputs, the
    outputs reading it in increasing order."""
    O, T = sources.shape
    keep = sources.reshape(-1) >= 0
    taps, tap_weights = sources.reshape(-1)[keep], weights.reshape(-1)[keep]
    readers = np.repeat(np.arange(O, dtype=np.int64), T)[keep]
    forward = (_offsets(keep.reshape(O, T).sum(axis=1)), taps, tap_weights)
    order = np.argsort(taps, kind="stable")
    adjoint = (_offsets(np.bincount(taps, minlength=in_size)), readers[order], tap_weights[order])
    return _to_device(forward), _to_device(adjoint)


def _offsets(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def _to_device(host_map: tuple) -> tuple:
    return tuple(CudaArray.from_host(a).device_array() for a in host_map)


def resample(x: CudaArray, rows: tuple, cols: tuple, out_hw: tuple[int, int], fill: float = 0.0) -> CudaArray:
    """(..., H, W) -> (..., OH, OW) by the axis maps ``rows`` (OH outputs) and ``cols`` (OW outputs)
    (formula in the module docstring); positions without taps hold ``fill``."""
    out = CudaArray.empty(x.shape[:-2] + tuple(out_hw), x.dtype)
    launch(_resample_kernel, out.size, planes(x), planes(out), *rows, *cols, x.dtype.type(fill),
           x.dtype.type(0))
    return out
