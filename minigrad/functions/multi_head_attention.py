"""Multi-head attention (``nn.MultiheadAttention``'s forward), built on linear, matmul and softmax:

    Q = query W_q^T + b_q,  K = key W_k^T + b_k,  V = value W_v^T + b_v        (L, N, E), (S, N, E)
    each of the H heads takes its E / H columns of Q, K, V and attends (functions/attention.py):
        head_h = softmax(Q_h K_h^T / sqrt(E / H) + mask) V_h                     (N, L, E / H)
    output = concat(head_1 .. head_H) W_o^T + b_o                                (L, N, E)

Masks are additive: a bool mask (True = not allowed) becomes -inf where True; ``attn_mask`` is
(L, S) or (N * H, L, S), ``key_padding_mask`` (N, S) hides padded keys of each sequence. The
weights returned are the heads' attention weights, averaged over heads unless asked otherwise.
Sequences are dim 0 and batches dim 1, as PyTorch's function (the module handles
``batch_first``); a 2-D query is one unbatched sequence.
"""
from __future__ import annotations

import math
import warnings

from .. import _creation, _dtype
from .._tensor import Tensor
from .attention import safe_softmax
from .dropout import dropout
from .matmul import linear, matmul
from .padding import pad
from .shape import cat
from .softmax import softmax


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int,
                                 num_heads: int, in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None, add_zero_attn: bool,
                                 dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
                                 training: bool = True, key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """(attention output (L, N, E), weights (N, L, S) averaged or (N, H, L, S), or None)."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k / static_v are not supported by minigrad")
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    length, batch, embed_dim = query.shape
    source_length = key.shape[0]
    key_padding_mask = _additive(key_padding_mask, "key_padding_mask", query.dtype, attn_mask, "attn_mask")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    attn_mask = _additive(attn_mask, "attn_mask", query.dtype)  # is_causal is a hint: the mask says it all
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                       q_proj_weight, k_proj_weight, v_proj_weight)
    attn_mask = _as_3d(attn_mask, (batch * num_heads, length, source_length))
    if bias_k is not None and bias_v is not None:  # one more key and value, learnt, for every sequence
        k = cat([k, bias_k.repeat(1, batch, 1)])
        v = cat([v, bias_v.repeat(1, batch, 1)])
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    # (seq, N, E) -> (N * H, seq, E / H): each batch's heads side by side.
    q = q.reshape(length, batch * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], batch * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], batch * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:  # one more key and value of zeros
        zeros = _creation.zeros(batch * num_heads, 1, head_dim, dtype=k.dtype, device=k.device)
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    source_length = k.shape[1]
    if key_padding_mask is not None:
        _check_key_padding_mask(key_padding_mask, source_length, batch)
        padding = key_padding_mask.reshape(batch, 1, 1, source_length).expand(-1, num_heads, -1, -1)
        padding = padding.reshape(batch * num_heads, 1, source_length)
        attn_mask = padding if attn_mask is None else attn_mask + padding

    scores = matmul(q * math.sqrt(1.0 / head_dim), k.transpose(-2, -1))
    if attn_mask is not None:
        scores = scores + attn_mask
    # PyTorch's two paths differ here: with the weights returned, a row whose every key is masked
    # is NaN (plain softmax); without them (its fused kernels), zeros.
    weights = softmax(scores, -1) if need_weights else safe_softmax(scores)
    if training and dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    output = matmul(weights, v).transpose(0, 1).reshape(length * batch, embed_dim)
    output = linear(output, out_proj_weight, out_proj_bias).reshape(length, batch, -1)
    if not need_weights:
        return (output if batched else output.squeeze(1)), None
    weights = weights.reshape(batch, num_heads, length, source_length)
    if average_attn_weights:
        weights = weights.mean(1)
    return (output, weights) if batched else (output.squeeze(1), weights.squeeze(0))


def _project(query, key, value, in_proj_weight, in_proj_bias, separate, q_weight, k_weight, v_weight):
    """The queries', keys' and values' projections: rows [0, E), [E, 2E), [2E, 3E) of the packed
    ``in_proj_weight``, or three weights of their own (when keys and values have other widths)."""
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    if separate:
        weights = (q_weight, k_weight, v_weight)
    else:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        weights = in_proj_weight.chunk(3)
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _additive(mask: Tensor | None, name: str, dtype, other: Tensor | None = None, other_name: str = ""):
    """A float mask to add to the scores: a bool mask becomes -inf where True (not allowed)."""
    if mask is None:
        return None
    if mask.dtype != _dtype.bool and not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    if other is not None and other.dtype != mask.dtype:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=3)
    if mask.dtype.is_floating_point:
        return mask
    return _creation.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, float("-inf"))


def _as_3d(mask: Tensor | None, expected: tuple) -> Tensor | None:
    """``attn_mask`` as (1 or N * H, L, S), after PyTorch's shape checks."""
    if mask is None:
        return None
    if mask.ndim == 2:
        if tuple(mask.shape) != expected[1:]:
            raise RuntimeError(f"The shape of the 2D attn_mask is {mask.shape}, but should be {expected[1:]}.")
        return mask.unsqueeze(0)
    if mask.ndim == 3:
        if tuple(mask.shape) != expected:
            raise RuntimeError(f"The shape of the 3D attn_mask is {mask.shape}, but should be {expected}.")
        return mask
    raise RuntimeError(f"attn_mask's dimension {mask.ndim} is not supported")


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """A mask widened by one allowed key (the added bias or zero key)."""
    return None if mask is None else pad(mask, (0, 1))


def _check_key_padding_mask(mask: Tensor, source_length: int, batch: int) -> None:
    if tuple(mask.shape) != (batch, source_length):
        raise AssertionError(f"expecting key_padding_mask shape of {(batch, source_length)}, but got {mask.shape}")


def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """PyTorch's shape checks; whether the input is batched (a 3-D query) or one sequence (2-D)."""
    if query.ndim not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D "
                             "query tensor")
    batched = query.ndim == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {query.ndim}-D but found "
                             f"{key.ndim}-D and {value.ndim}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.ndim - 1}-D but found {key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{attn_mask.ndim}-D tensor instead")
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.ndim == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return batched
