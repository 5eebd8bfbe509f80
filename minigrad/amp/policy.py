"""Which ops autocast casts, and to what: PyTorch's autocast op lists, per device type.

An op takes part when its function is decorated with :func:`autocast_op` (``matmul``,
``conv2d``, ``softmax``, the losses, ...); the table below then says, for the device type of its
tensors, what it does inside an enabled region:

- ``LOWER``: eligible inputs are cast to the region's dtype (float16): matrix products,
  convolutions, ``linear``, ``prelu``;
- ``FLOAT32``: eligible inputs are cast to float32: ops whose range or accuracy float16 would
  spoil (exponentials, logarithms, powers, sums, softmax, norms, the losses). An op given an
  explicit ``dtype=`` keyword runs as given, as in PyTorch;
- ``PROMOTE``: eligible inputs are cast to the widest of them (float32 if any is float32), for ops
  that need one dtype across several inputs (``addcmul``, ``atan2``; ``cat`` on the CPU, ...);
- ``BANNED``: raises PyTorch's RuntimeError (``binary_cross_entropy`` under CUDA autocast: its
  float16 log would be unsafe; ``binary_cross_entropy_with_logits`` is the safe form).

A decorated op absent from a device's table runs in its inputs' dtypes. Whatever its entry, a
decorated op's own body runs with autocast suspended, as PyTorch excludes autocast below an op
(``mm``, which calls ``matmul``, casts once; ``dot`` on the CPU does not reach ``matmul``'s cast).
Undecorated functions (``softmin``, ``normalize``) are compositions, as in PyTorch, whose inner
ops cast. *Eligible* means floating, not float64, and on the region's device type.

The lists are PyTorch's (aten/src/ATen/autocast_mode.cpp; the CUDA ones are also in its amp
docs), restricted to the ops minigrad has; tests/amp/test_autocast.py checks the CPU's op by op
against torch 2.13. A few entries stand for PyTorch composites that reach a listed op, so that the
results' dtypes agree: ``cross_entropy`` (``log_softmax`` + ``nll_loss``), ``square`` (``pow``),
and on the CPU ``einsum`` and ``tensordot`` (``bmm`` / ``mm``). ``cat`` and ``stack`` promote
mixed inputs by themselves, on every device.
"""
from __future__ import annotations

import functools

from .. import _dtype
from .._tensor import Tensor
from . import autocast_mode

LOWER, FLOAT32, PROMOTE, BANNED = "lower", "float32", "promote", "banned"

_MATMULS = "matmul mm bmm addmm baddbmm addbmm linear conv1d conv2d conv_transpose1d conv_transpose2d prelu einsum"
_LOSSES = ("mse_loss l1_loss smooth_l1_loss huber_loss nll_loss cross_entropy binary_cross_entropy_with_logits "
           "kl_div poisson_nll_loss margin_ranking_loss hinge_embedding_loss soft_margin_loss "
           "cosine_embedding_loss triplet_margin_loss")


def _table(**categories: str) -> dict:
    return {name: category for category, names in categories.items() for name in names.split()}


POLICY = {
    "cuda": _table(
        lower=_MATMULS + " mv addmv addr",
        float32=("pow square exp expm1 log log10 log1p log2 reciprocal rsqrt acos asin cosh sinh tan softplus "
                 "layer_norm group_norm norm vector_norm dist cdist cosine_similarity logsumexp prod sum "
                 "cumsum cumprod softmax log_softmax " + _LOSSES),
        promote="addcdiv addcmul atan2 cross dot index_put scatter_add tensordot",
        banned="binary_cross_entropy",
    ),
    "cpu": _table(
        lower=_MATMULS + " tensordot",
        float32="prod quantile nanquantile cdist trace max_unpool2d binary_cross_entropy " + _LOSSES,
        promote="cat stack index_copy",
    ),
}

_BANNED_MESSAGE = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
    "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
    "safe to autocast.")


def autocast_op(fn):
    """Make ``fn`` (a public op, named as in PyTorch) take part in autocast per :data:`POLICY`.

    Outside a region the wrapper costs one context-variable read: ``fn`` runs as before."""
    name = fn.__name__

    @functools.wraps(fn)
    def op(*args, **kwargs):
        state = autocast_mode._state.get()
        if not state.casts:
            return fn(*args, **kwargs)
        return _autocast_call(fn, name, state, args, kwargs)

    op.uncast = fn  # what in-place forms call: PyTorch's in-place ops never autocast
    return op


def _autocast_call(fn, name: str, state, args: tuple, kwargs: dict):
    tensors = list(_tensors((*args, *kwargs.values())))
    device_type = _device_type(tensors)
    dtype = state.casts.get(device_type)
    if dtype is None:  # no region for these tensors' device
        return fn(*args, **kwargs)
    category = POLICY[device_type].get(name)
    if category == BANNED:
        raise RuntimeError(_BANNED_MESSAGE)
    if category == FLOAT32 and kwargs.get("dtype") is None:
        target = _dtype.float32
    elif category == LOWER:
        target = dtype
    elif category == PROMOTE:
        target = _widest(tensors, device_type, dtype)
    else:
        target = None
    if target is not None:
        cache = state.cache if state.cache_enabled and target is dtype else None
        args = tuple(_cast(a, device_type, target, cache) for a in args)
        kwargs = {k: _cast(v, device_type, target, cache) for k, v in kwargs.items()}
    token = autocast_mode._state.set(state.suspended)
    try:
        return fn(*args, **kwargs)
    finally:
        autocast_mode._state.reset(token)


def _tensors(values):
    """The tensors among an op's arguments, also inside lists and tuples (``cat``'s)."""
    for value in values:
        if isinstance(value, Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from _tensors(value)


def _device_type(tensors: list) -> str | None:
    """The device type the op runs on: CUDA if any input is there (a 0-d CPU tensor joins a CUDA op)."""
    types = {t._device.type for t in tensors}
    return "cuda" if "cuda" in types else next(iter(types), None)


def _eligible(tensor, device_type: str) -> bool:
    return tensor.dtype.is_floating_point and tensor.dtype is not _dtype.float64 and tensor._device.type == device_type


def _widest(tensors: list, device_type: str, dtype):
    """PyTorch's promote rule: the region's dtype, unless an eligible input is float32."""
    if any(t.dtype is _dtype.float32 for t in tensors if _eligible(t, device_type)):
        return _dtype.float32
    return dtype


def _cast(value, device_type: str, dtype, cache: dict | None):
    """``value`` cast to ``dtype`` if it is an eligible tensor (lists and tuples item by item).
    With a ``cache``, a float32 leaf that requires grad (a weight) is cast once per outermost
    region, as PyTorch's weight cache: its key holds the weight, so the id stays its own."""
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dtype, cache) for v in value)
    if not isinstance(value, Tensor) or value.dtype is dtype or not _eligible(value, device_type):
        return value
    if cache is None or not (value.dtype is _dtype.float32 and value.requires_grad_flag
                             and value._grad_fn is None and value._base is None):
        return value.to(dtype)
    key = (id(value), dtype)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = (value, value.to(dtype))
    return hit[1]
