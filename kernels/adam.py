"""One Adam / AdamW step for one parameter, fused into a single pass over its elements.

PyTorch's single-tensor algorithm, step t, with gradient g, learning rate γ, betas β1, β2, weight
decay λ and first/second moments m, v (and v_max with amsgrad)::

    θ <- θ (1 - γ λ)                                  (decoupled weight decay: AdamW)
    g <- g + λ θ                                      (classic L2 weight decay: Adam)
    m <- m + (1 - β1) (g - m)                         (= β1 m + (1 - β1) g, rounded as torch.lerp)
    v <- β2 v + (1 - β2) g²
    v_max <- max(v_max, v); use v_max for v           (amsgrad)
    θ <- θ - (γ / (1 - β1^t)) m / (√v / √(1 - β2^t) + ε)

numpy needs about ten passes (and temporaries) for these lines; this loop reads and writes each
array once. The scalars arrive in the parameter's dtype, so float32 parameters are updated in
float32 arithmetic with PyTorch's operation order, and the results match it to rounding.

The kernels use numba's ``error_model="numpy"``: a division by zero gives inf/NaN as in numpy and
PyTorch (ε = 0 with v = 0) instead of raising, and without the per-division zero check LLVM
vectorizes the loop (about 4x faster).

An element costs about half a nanosecond once vectorized, so a thread launch (100-250 µs
on the 2-core target, see ``_parallel.py``) pays off only from about a million elements
(``_parallel.SERIAL_UPDATE_LIMIT``).

Reference: :mod:`minigrad.kernels.reference.adam`.
"""
import math

import numpy as np
from numba import njit, prange

from ._inplace import flat, write_back
from . import _parallel
from ._parallel import run_range



def adam_element(p, g, m, v, v_max, decay, l2, lerp_weight, beta2, one_minus_beta2, step_size,
                 bias_correction2_sqrt, eps, amsgrad):
    """One element's Adam update (module docstring): θ, g, m, v (and v_max with amsgrad, else any
    number) in; the new (θ, m, v, v_max) out. Scalars as in :func:`adam_step_range`.

    Plain Python, compiled twice: inlined into the CPU loop below and, as a device function, into
    the CUDA kernel (kernels/cuda/adam.py), so both devices run this one arithmetic."""
    if decay != 1:
        p *= decay
    if l2 != 0:
        g += l2 * p
    m += lerp_weight * (g - m)  # torch.lerp(m, g, 1 - β1), in its form for β1 > 0.5
    v = v * beta2 + one_minus_beta2 * g * g
    denominator = v  # amsgrad divides by v_max = max(v_max, v) instead
    if amsgrad:
        if not (v_max > v or v_max != v_max):  # torch.maximum: the larger, NaN if either is NaN
            v_max = v
        denominator = v_max
    return p - step_size * m / (math.sqrt(denominator) / bias_correction2_sqrt + eps), m, v, v_max


_adam_element = njit(inline="always", error_model="numpy")(adam_element)


@njit(cache=True, error_model="numpy")
def adam_step_range(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, decay, l2, lerp_weight, beta2,
                    one_minus_beta2, step_size, bias_correction2_sqrt, eps, amsgrad, start, stop):
    """The Adam update (module docstring) of elements ``start <= i < stop``, in place; serial.

    param, grad, exp_avg (m), exp_avg_sq (v): flat (n,) arrays of one dtype; max_exp_avg_sq:
    flat (n,) with amsgrad, else empty. Scalars (in the arrays' dtype): ``decay = 1 - γ λ``
    (decoupled, else 1), ``l2 = λ`` (classic, else 0), ``lerp_weight = 1 - β1``, β2, 1 - β2,
    ``step_size = γ / (1 - β1^t)``, ``bias_correction2_sqrt = √(1 - β2^t)``, ε. Writes only
    elements ``[start, stop)`` of param and of the moment arrays.
    """
    # Slicing first keeps the loop index provably non-negative (no wraparound checks).
    param, grad, exp_avg, exp_avg_sq = param[start:stop], grad[start:stop], exp_avg[start:stop], exp_avg_sq[start:stop]
    if amsgrad:
        max_exp_avg_sq = max_exp_avg_sq[start:stop]
    for i in range(param.shape[0]):
        v_max = max_exp_avg_sq[i] if amsgrad else exp_avg_sq[i]  # (any number without amsgrad)
        param[i], exp_avg[i], exp_avg_sq[i], v_max = _adam_element(
            param[i], grad[i], exp_avg[i], exp_avg_sq[i], v_max, decay, l2, lerp_weight, beta2,
            one_minus_beta2, step_size, bias_correction2_sqrt, eps, amsgrad)
        if amsgrad:
            max_exp_avg_sq[i] = v_max


@njit(parallel=True, cache=True, error_model="numpy")
def adam_step_kernel(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, decay, l2, lerp_weight, beta2,
                     one_minus_beta2, step_size, bias_correction2_sqrt, eps, amsgrad):
    """``adam_step_range`` over all n elements, in blocks. Parallel over blocks; race-free: block
    k runs elements [k B, (k + 1) B) alone, which are the only ones it writes."""
    block = 4096
    for k in prange((param.shape[0] + block - 1) // block):
        adam_step_range(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, decay, l2, lerp_weight, beta2,
                        one_minus_beta2, step_size, bias_correction2_sqrt, eps, amsgrad, k * block,
                        min((k + 1) * block, param.shape[0]))


def adam_step(param: np.ndarray, grad: np.ndarray, exp_avg: np.ndarray, exp_avg_sq: np.ndarray,
              max_exp_avg_sq: np.ndarray | None, step: float, lr: float, beta1: float, beta2: float, eps: float,
              weight_decay: float, decoupled_weight_decay: bool) -> None:
    """Apply Adam step number ``step`` (t >= 1) to ``param`` and its moments in place.

    All arrays share param's shape and dtype (float16 is computed in float32); ``max_exp_avg_sq`` is given for
    amsgrad and None otherwise. ``decoupled_weight_decay`` selects AdamW's decay. Formulas in
    the module docstring.
    """
    amsgrad = max_exp_avg_sq is not None
    updated = (param, exp_avg, exp_avg_sq) + ((max_exp_avg_sq,) if amsgrad else ())
    flats = [flat(a) for a in updated]
    flat_param, flat_m, flat_v = flats[:3]
    dtype = flat_param.dtype.type  # the arithmetic's dtype: float16 is updated in float32
    flat_v_max = flats[3] if amsgrad else np.empty(0, dtype)
    decay = 1 - lr * weight_decay if decoupled_weight_decay else 1.0
    l2 = 0.0 if decoupled_weight_decay else weight_decay
    run_range(adam_step_range, adam_step_kernel, flat_param.size, flat_param.size, flat_param,
              np.ascontiguousarray(grad, dtype).reshape(-1), flat_m, flat_v, flat_v_max, dtype(decay),
              dtype(l2), dtype(1 - beta1), dtype(beta2), dtype(1 - beta2), dtype(lr / (1 - beta1**step)),
              dtype((1 - beta2**step) ** 0.5), dtype(eps), amsgrad, limit=_parallel.SERIAL_UPDATE_LIMIT)
    for array, updated_flat in zip(updated, flats):
        write_back(array, updated_flat)
