"""One SGD step for one parameter on CUDA, fused into a single pass over its elements (PyTorch's rule).

CPU sibling: minigrad.kernels.sgd (same function and signature). Each element runs that module's
per-element function ``sgd_element`` (formulas in its module docstring), compiled here as a device
function: one arithmetic for both devices. The scalars arrive in the parameter's dtype, so float32
parameters are updated in float32 arithmetic.

Thread mapping: a grid-stride loop, thread t updates flat indices t, t + T, t + 2T, ... (T threads in
the grid). Race-free: element i of θ and b is read and written by its one thread only.
"""
from __future__ import annotations

from ..sgd import sgd_element
from ._backend import blocks_for, cuda, THREADS
from ._flat import flat, flat_input, write_back
from .array import CudaArray


_sgd_element = cuda.jit(device=True)(sgd_element)


@cuda.jit
def sgd_step_kernel(param, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step):
    """The SGD update (module docstring) of every element, in place: the CPU kernel's per-element
    function :func:`minigrad.kernels.sgd.sgd_element`, compiled for the device.

    param, grad: flat (n,) arrays of one dtype; buffer: the flat (n,) momentum buffer, read and
    written only when momentum != 0 (an empty array otherwise); its old values are ignored on the
    first step. Scalars in the arrays' dtype.
    """
    for i in range(cuda.grid(1), param.shape[0], cuda.gridsize(1)):
        b = buffer[i] if momentum != 0 else grad[i]  # (any number without momentum)
        param[i], b = _sgd_element(param[i], grad[i], b, lr, momentum, dampening, weight_decay, nesterov,
                                   first_step)
        if momentum != 0:
            buffer[i] = b


def sgd_step(param: CudaArray, grad: CudaArray, momentum_buffer: CudaArray | None, lr: float,
             momentum: float, dampening: float, weight_decay: float, nesterov: bool, first_step: bool) -> None:
    """Apply one SGD step to ``param`` (and ``momentum_buffer``) in place; returns nothing.

    param, grad and momentum_buffer share one shape and dtype (float16 is computed in float32);
    momentum_buffer may be None when momentum is 0. On the first step the buffer's old values are
    overwritten with the (weight-decayed) gradient. Formulas in the module docstring.
    """
    flat_param = flat(param)
    dtype = flat_param.dtype  # the arithmetic's dtype: float16 is updated in float32
    flat_buffer = flat(momentum_buffer) if momentum != 0 else CudaArray.empty((0,), dtype)
    flat_grad = flat_input(grad, dtype)
    if flat_param.size:
        sgd_step_kernel[blocks_for(flat_param.size), THREADS](
            flat_param.device_array(), flat_grad.device_array(), flat_buffer.device_array(), dtype.type(lr),
            dtype.type(momentum), dtype.type(dampening), dtype.type(weight_decay), bool(nesterov), bool(first_step))
    write_back(param, flat_param)
    if momentum != 0:
        write_back(momentum_buffer, flat_buffer)
