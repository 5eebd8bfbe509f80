"""One SGD step for one parameter, fused into a single pass over its elements (PyTorch's update rule).

With gradient g, learning rate γ, weight decay λ, momentum μ, dampening τ and momentum buffer b:

    g <- g + λ θ                         (λ != 0)
    b <- g                               (μ != 0, first step)
    b <- μ b + (1 - τ) g                 (μ != 0, later steps)
    g <- g + μ b  (nesterov)  or  b      (μ != 0)
    θ <- θ - γ g

numpy needs a pass (and often a temporary) per line; this loop reads θ, g, b once and writes θ, b
once, which roughly halves an MNIST MLP's optimizer step. The scalars arrive in the parameter's
dtype, so float32 parameters are updated in float32 arithmetic, as PyTorch does.

The update costs about half a nanosecond per element, so a thread launch (100-250 µs on the 2-core
target, see ``_parallel.py``) pays off only from about a million elements
(``_parallel.SERIAL_UPDATE_LIMIT``).

Reference: :mod:`minigrad.kernels.reference.sgd`.
"""
import numpy as np
from numba import njit, prange

from ._inplace import flat, write_back
from . import _parallel
from ._parallel import run_range



def sgd_element(p, g, b, lr, momentum, dampening, weight_decay, nesterov, first_step):
    """One element's SGD update (module docstring): θ, g and the momentum buffer's b in (any number
    when momentum is 0); the new (θ, b) out. Scalars as in :func:`sgd_step_range`.

    Plain Python, compiled twice: inlined into the CPU loop below and, as a device function, into
    the CUDA kernel (kernels/cuda/sgd.py), so both devices run this one arithmetic."""
    if weight_decay != 0:
        g += weight_decay * p
    if momentum != 0:
        b = g if first_step else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    return p - lr * g, b


_sgd_element = njit(inline="always")(sgd_element)


@njit(cache=True)
def sgd_step_range(param, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step, start, stop):
    """The SGD update (module docstring) of elements ``start <= i < stop``, in place; serial.

    param, grad: flat (n,) arrays of one dtype; buffer: the flat (n,) momentum buffer, read and
    written only when momentum != 0 (pass an empty array otherwise); its old values are ignored on
    the first step. Scalars in the arrays' dtype. Writes only ``param[start:stop]`` and
    ``buffer[start:stop]``.
    """
    # Slicing first keeps the loop index provably non-negative, so numba emits no wraparound
    # check and LLVM vectorizes the loop.
    param, grad = param[start:stop], grad[start:stop]
    if momentum != 0:
        buffer = buffer[start:stop]
    for i in range(param.shape[0]):
        b = buffer[i] if momentum != 0 else grad[i]  # (any number without momentum)
        param[i], b = _sgd_element(param[i], grad[i], b, lr, momentum, dampening, weight_decay, nesterov,
                                   first_step)
        if momentum != 0:
            buffer[i] = b


@njit(parallel=True, cache=True)
def sgd_step_kernel(param, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step):
    """``sgd_step_range`` over all n elements, in blocks. Parallel over blocks; race-free: block k
    runs elements [k B, (k + 1) B) alone, which are the only ones it writes."""
    block = 4096
    for k in prange((param.shape[0] + block - 1) // block):
        sgd_step_range(param, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step,
                       k * block, min((k + 1) * block, param.shape[0]))


def sgd_step(param: np.ndarray, grad: np.ndarray, momentum_buffer: np.ndarray | None, lr: float,
             momentum: float, dampening: float, weight_decay: float, nesterov: bool, first_step: bool) -> None:
    """Apply one SGD step to ``param`` (and ``momentum_buffer``) in place; returns nothing.

    param, grad and momentum_buffer share one shape and dtype (float16 is computed in float32);
    momentum_buffer may be None when momentum is 0. On the first step the buffer's old values are
    overwritten with the (weight-decayed) gradient. Formulas in the module docstring.
    """
    buffer = momentum_buffer if momentum != 0 else np.empty(0, param.dtype)
    flat_param, flat_buffer = flat(param), flat(buffer)
    dtype = flat_param.dtype  # the arithmetic's dtype: float16 is updated in float32
    flat_grad = np.ascontiguousarray(grad, dtype).reshape(-1)
    run_range(sgd_step_range, sgd_step_kernel, flat_param.size, flat_param.size, flat_param, flat_grad,
              flat_buffer, dtype.type(lr), dtype.type(momentum), dtype.type(dampening), dtype.type(weight_decay),
              bool(nesterov), bool(first_step), limit=_parallel.SERIAL_UPDATE_LIMIT)
    write_back(param, flat_param)
    write_back(buffer, flat_buffer)
