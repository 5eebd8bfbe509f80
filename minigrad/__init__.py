"""minigrad: a from-scratch autograd and neural-network framework with PyTorch's API.

``import minigrad as torch`` and PyTorch tensor code runs unchanged. See README.md for the map.
"""
from . import _tensor_methods
from ._creation import (arange, as_tensor, bernoulli, empty, empty_like, eye, from_numpy, full, full_like,
                        linspace, normal, ones, ones_like, rand, rand_like, randint, randint_like, randn,
                        randn_like, randperm, tensor, zeros, zeros_like)
from ._deterministic import (are_deterministic_algorithms_enabled, get_deterministic_debug_mode,
                             is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
                             use_deterministic_algorithms)
from ._device import device, get_default_device, set_default_device, use_reference_kernels
from ._dtype import (bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int,
                     int8, int16, int32, int64, long, promote_types, set_default_dtype, short, uint8)
from ._matmul_precision import get_float32_matmul_precision, set_float32_matmul_precision
from ._random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed,
                      set_rng_state)
from ._tensor import Size, Tensor
from .compiler import compile
from ._type_info import finfo, iinfo
from .functions._messages import check_tensor
from .kernels._threads import get_num_threads, set_num_threads
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled, set_anomaly_enabled
from .autograd.grad_mode import inference_mode, is_inference_mode_enabled
from .functions.addmm import addmm, baddbmm
from .functions.arithmetic import (add, div, divide, multiply, mul, neg, negative, pow, square, sub,
                                   subtract, true_divide)
from .functions.comparison import (allclose, bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or,
                                   bitwise_right_shift, bitwise_xor, eq, equal, floor_divide, fmod, gcd, ge,
                                   greater, greater_equal, gt, heaviside, isclose, isfinite, isin, isinf, isnan,
                                   isneginf, isposinf, isreal, lcm, le, less, less_equal, logical_and,
                                   logical_not, logical_or, logical_xor, lt, ne, not_equal, remainder, signbit)
from .functions.contraction import einsum, ger, outer, tensordot
from .functions.conversion import clone
from .functions.counting import bincount, histc, unique, unique_consecutive
from .functions.cumulative import (cummax, cummin, cumprod, cumsum, cumulative_trapezoid, diff, logcumsumexp,
                                   trapezoid, trapz)
from .functions.diagonal import diag, diag_embed, diagflat, diagonal, trace
from .functions.floating import copysign, float_power, frexp, ldexp, nextafter
from .functions.indexing import (gather, index_put, index_select, masked_fill, masked_select, take,
                                 take_along_dim)
from .functions.lerp import lerp
from .functions.logarithmic import exp2, expm1, log1p, log2, log10, logaddexp, logaddexp2, logit, xlogy
from .functions.matmul import bmm, dot, matmul, mm, mv
from .functions.nan_reductions import nanmean, nansum
from .functions.norms import cdist, dist, norm
from .functions.order_statistics import kthvalue, median, mode, msort, nanmedian, nanquantile, quantile
from .functions.products import addbmm, addcdiv, addcmul, addmv, addr, cross, inner, kron, vdot
from .functions.rearrangement import fliplr, flipud, rot90, tile
from .functions.reduction import (all, amax, amin, aminmax, any, argmax, argmin, count_nonzero, logsumexp, max,
                                  mean, min, prod, std, std_mean, sum, var, var_mean)
from .functions.replication import meshgrid, repeat_interleave
from .functions.roll import roll
from .functions.sampling import multinomial
from .functions.scatter import (diagonal_scatter, index_add, index_copy, index_fill, masked_scatter, put, scatter,
                                scatter_add, scatter_reduce, select_scatter, slice_scatter)
from .functions.searching import nonzero, searchsorted
from .functions.selection import clamp, clamp_max, clamp_min, clip, fmax, fmin, maximum, minimum, nan_to_num, where
from .functions.shape import (broadcast_to, cat, chunk, concat, concatenate, expand, flatten, flip, moveaxis,
                              movedim, narrow, narrow_copy, permute, ravel, repeat, reshape, select, split,
                              squeeze, stack,
                              swapaxes, swapdims, t, transpose, unbind, unflatten, unsqueeze)
from .functions.softmax import log_softmax, softmax
from .functions.sorting import argsort, sort, topk
from .functions.special import erf, erfc
from .functions.stacking import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_tensors, cartesian_prod,
                                 column_stack, combinations, dsplit, dstack, hsplit, hstack, row_stack,
                                 tensor_split, vsplit, vstack)
from .functions.triangular import tril, tril_indices, triu, triu_indices
from .functions.trigonometric import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin,
                                      asinh, atan, atan2, atanh, cosh, deg2rad, hypot, rad2deg, sinc, sinh, tan)
from .functions.unary import (abs, absolute, angle, ceil, cos, exp, fix, floor, frac, log, positive, reciprocal,
                              relu, round, rsqrt, sgn, sigmoid, sign, sin, sqrt, tanh, trunc)

from .amp.autocast_mode import autocast, get_autocast_dtype, is_autocast_enabled  # noqa: E402
from . import accelerator, amp, autograd, backends, compiler, cuda, linalg, return_types, special  # noqa: E402  (submodules, as torch.cuda)

_tensor_methods.bind()

# PyTorch's namespace also has in-place forms: ``torch.exp_(x)`` is ``x.exp_()``.
for _name in ("abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ "
              "atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ exp2_ exp_ "
              "expm1_ fill_ fix_ floor_ frac_ gcd_ index_put_ lcm_ ldexp_ log10_ log1p_ log2_ log_ logit_ "
              "nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ "
              "square_ tan_ tanh_ trunc_ xlogy_ zero_").split():
    globals()[_name] = getattr(Tensor, _name)
del _name

__version__ = "0.1.0"


def is_tensor(obj) -> "bool":
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> "bool":
    check_tensor(input, "is_floating_point")
    return input.dtype.is_floating_point


def numel(input: Tensor) -> "int":
    check_tensor(input, "numel")
    return input.numel()


def __getattr__(name: str):
    # Heavier subpackages load on first use, keeping ``import minigrad`` fast.
    import importlib

    if name in ("nn", "optim", "utils", "vision"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("save", "load"):
        return getattr(importlib.import_module(".serialization", __name__), name)
    raise AttributeError(f"module 'minigrad' has no attribute '{name}'")
