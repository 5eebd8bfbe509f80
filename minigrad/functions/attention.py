"""Scaled dot-product attention, built on matmul, softmax and dropout (so its gradients, to any
order and on either device, are theirs), as PyTorch's reference implementation:

    scores  = Q K^T * scale + bias          Q (*, L, E), K (*, S, E), scale = 1 / sqrt(E) by default
    weights = softmax(scores) over S        bias: -inf where the mask forbids, or the float mask
    output  = dropout(weights) V            V (*, S, Ev)  ->  output (*, L, Ev)

Each of the L queries mixes the S values, weighted by how well it matches each key. A causal mask
lets query i see keys 0..i only. A query whose every key is masked gets zero weights (PyTorch's
"safe" softmax) rather than 0 / 0.
"""
from __future__ import annotations

import math

from .. import _creation, _dtype
from .._tensor import Tensor
from .dropout import dropout
from .matmul import matmul
from .selection import where
from .softmax import softmax


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """Attention of ``query`` (*, L, E) over ``key`` (*, S, E) and ``value`` (*, S, Ev) -> (*, L, Ev).

    ``attn_mask`` (broadcast to (*, L, S)): a bool mask, True where attention is allowed, or a float
    bias added to the scores. ``is_causal``: query i attends to keys 0..i (the upper triangle is
    masked). ``dropout_p`` drops attention weights (always, as in PyTorch: pass 0.0 in eval).
    ``enable_gqa``: grouped-query attention, the -3 dim of key and value (heads) repeated to
    match the query's."""
    _check_inputs(query, key, value)
    if enable_gqa:
        groups = query.shape[-3] // key.shape[-3]
        key, value = key.repeat_interleave(groups, -3), value.repeat_interleave(groups, -3)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = matmul(query, key.transpose(-2, -1)) * scale
    if is_causal:
        causal = _creation.ones(query.shape[-2], key.shape[-2], dtype=_dtype.bool, device=query.device).tril()
        scores = scores.masked_fill(causal.logical_not(), float("-inf"))
    if attn_mask is not None:
        scores = (scores.masked_fill(attn_mask.logical_not(), float("-inf")) if attn_mask.dtype == _dtype.bool
                  else scores + attn_mask)
    return matmul(dropout(safe_softmax(scores), dropout_p, True), value)


def safe_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last dim, with zeros (not NaN) for a row whose every score is -inf."""
    masked_rows = (scores == float("-inf")).all(-1, keepdim=True)
    return where(masked_rows, 0.0, softmax(scores, -1))


def _check_inputs(query: Tensor, key: Tensor, value: Tensor) -> None:
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_short(query)} key.dtype: {_short(key)} and value.dtype: {_short(value)} instead.")


_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _short(tensor: Tensor) -> str:
    """The C++ name of a dtype that PyTorch prints in these messages (float, double, long int, ...)."""
    return _CPP_NAMES[tensor.dtype.name]
