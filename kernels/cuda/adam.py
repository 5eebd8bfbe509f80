"""One Adam / AdamW step for one parameter on CUDA, fused into a single pass over its elements.

CPU sibling: minigrad.kernels.adam (same function and signature). Each element runs that module's
per-element function ``adam_element`` (PyTorch's single-tensor algorithm; formulas in its module
docstring), compiled here as a device function: one arithmetic for both devices. The scalars arrive
in the parameter's dtype, so float32 parameters are updated in float32 arithmetic with PyTorch's
operation order. Device code divides as IEEE does (ε = 0 with v = 0 gives NaN/inf, as in PyTorch).

Thread mapping: a grid-stride loop, thread t updates flat indices t, t + T, t + 2T, ... (T threads in
the grid). Race-free: element i of θ, m, v and v_max is read and written by its one thread only.
"""
from __future__ import annotations

from ..adam import adam_element
from ._backend import blocks_for, cuda, THREADS
from ._flat import flat, flat_input, write_back
from .array import CudaArray


_adam_element = cuda.jit(device=True)(adam_element)


@cuda.jit
def adam_step_kernel(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, decay, l2, lerp_weight, beta2,
                     one_minus_beta2, step_size, bias_correction2_sqrt, eps, amsgrad):
    """The Adam update (module docstring) of every element, in place: the CPU kernel's per-element
    function :func:`minigrad.kernels.adam.adam_element`, compiled for the device.

    param, grad, exp_avg (m), exp_avg_sq (v): flat (n,) arrays of one dtype; max_exp_avg_sq: flat
    (n,) with amsgrad, else empty. Scalars (in the arrays' dtype): ``decay = 1 - γ λ`` (decoupled,
    else 1), ``l2 = λ`` (classic, else 0), ``lerp_weight = 1 - β1``, β2, 1 - β2,
    ``step_size = γ / (1 - β1^t)``, ``bias_correction2_sqrt = √(1 - β2^t)``, ε.
    """
    for i in range(cuda.grid(1), param.shape[0], cuda.gridsize(1)):
        v_max = max_exp_avg_sq[i] if amsgrad else exp_avg_sq[i]  # (any number without amsgrad)
        param[i], exp_avg[i], exp_avg_sq[i], v_max = _adam_element(
            param[i], grad[i], exp_avg[i], exp_avg_sq[i], v_max, decay, l2, lerp_weight, beta2,
            one_minus_beta2, step_size, bias_correction2_sqrt, eps, amsgrad)
        if amsgrad:
            max_exp_avg_sq[i] = v_max


def adam_step(param: CudaArray, grad: CudaArray, exp_avg: CudaArray, exp_avg_sq: CudaArray,
              max_exp_avg_sq: CudaArray | None, step: float, lr: float, beta1: float, beta2: float, eps: float,
              weight_decay: float, decoupled_weight_decay: bool) -> None:
    """Apply Adam step number ``step`` (t >= 1) to ``param`` and its moments in place.

    All arrays share param's shape and dtype (float16 is computed in float32); ``max_exp_avg_sq`` is
    given for amsgrad and None otherwise. ``decoupled_weight_decay`` selects AdamW's decay.
    Formulas in the module docstring.
    """
    amsgrad = max_exp_avg_sq is not None
    updated = (param, exp_avg, exp_avg_sq) + ((max_exp_avg_sq,) if amsgrad else ())
    flats = [flat(a) for a in updated]
    flat_param, flat_m, flat_v = flats[:3]
    dtype = flat_param.dtype.type  # the arithmetic's dtype: float16 is updated in float32
    flat_v_max = flats[3] if amsgrad else CudaArray.empty((0,), flat_param.dtype)
    decay = 1 - lr * weight_decay if decoupled_weight_decay else 1.0
    l2 = 0.0 if decoupled_weight_decay else weight_decay
    if flat_param.size:
        adam_step_kernel[blocks_for(flat_param.size), THREADS](
            flat_param.device_array(), flat_input(grad, flat_param.dtype).device_array(), flat_m.device_array(),
            flat_v.device_array(), flat_v_max.device_array(), dtype(decay), dtype(l2), dtype(1 - beta1),
            dtype(beta2), dtype(1 - beta2), dtype(lr / (1 - beta1**step)), dtype((1 - beta2**step) ** 0.5),
            dtype(eps), amsgrad)
    for array, updated_flat in zip(updated, flats):
        write_back(array, updated_flat)
