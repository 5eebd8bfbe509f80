"""ReLU, forward and backward, on CUDA: one thread per element of flat arrays.

CPU sibling: minigrad.kernels.relu (same functions and signatures, same formulas):

    forward:   out[i]    = 0 if x[i] <= 0 else x[i]          (NaN passes through)
    backward:  grad_x[i] = 0 if out[i] <= 0 else grad[i]     (from the forward's output)

Thread mapping: a grid-stride loop, thread t handles flat indices t, t + T, t + 2T, ... (T threads in
the grid). Race-free: element i is read and written by its one thread only, so the forward may run
in place (``out`` is ``x``).
"""
from __future__ import annotations

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from ._flat import flat, flat_input, write_back
from .array import CudaArray


@cuda.jit
def relu_kernel(x, out, zero):
    """``out[i] = zero if x[i] <= zero else x[i]``; x, out flat (n,) of one dtype, ``zero`` in it."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        v = x[i]
        out[i] = zero if v <= zero else v


@cuda.jit
def relu_backward_kernel(grad, out, grad_x, zero):
    """``grad_x[i] = zero if out[i] <= zero else grad[i]``; flat (n,) arrays of one dtype."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        grad_x[i] = zero if out[i] <= zero else grad[i]


def _kernel_dtype(array: CudaArray) -> bool:
    return array.dtype == np.float32 or array.dtype == np.float64


def relu_forward(x: CudaArray, out: CudaArray | None = None) -> CudaArray:
    """max(x, 0) elementwise, NaN propagated; x's shape and dtype.

    ``out``: where to write the result (x itself for an in-place ReLU), an array of x's shape and
    dtype; a new array when None. float32/float64 run the kernel; other dtypes go through
    ``np.maximum`` (the elementwise kernels), as on the CPU.
    """
    if not _kernel_dtype(x):
        return np.maximum(x, 0, out=out)
    if out is None:
        out = CudaArray.empty(x.shape, x.dtype)
    source, target = flat_input(x), flat(out)
    n = source.size
    if n:
        relu_kernel[blocks_for(n), THREADS](source.device_array(), target.device_array(), x.dtype.type(0))
    write_back(out, target)
    return out


def relu_backward(grad: CudaArray, out: CudaArray) -> CudaArray:
    """Gradient of ``out = relu(x)`` wrt x: 0 where ``out <= 0``, else ``grad``; out's shape and dtype.

    grad: any array broadcastable to out's shape (a broadcast gradient is materialized first); out:
    the forward's result.
    """
    if not _kernel_dtype(out):
        return np.where(out <= 0, out.dtype.type(0), grad)
    flat_grad = flat_input(grad.broadcast_to(out.shape), out.dtype)
    flat_out = flat_input(out)
    grad_x = CudaArray.empty(out.shape, out.dtype)
    n = flat_out.size
    if n:
        relu_backward_kernel[blocks_for(n), THREADS](flat_grad.device_array(), flat_out.device_array(),
                                                     grad_x.reshape(-1).device_array(), out.dtype.type(0))
    return grad_x
