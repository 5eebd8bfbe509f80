"""Attention: F.scaled_dot_product_attention and nn.MultiheadAttention against PyTorch (values,
weights, gradients, from the same parameters), a naive per-query reference, float64 gradcheck,
reprs, and PyTorch's errors."""
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

RNG = np.random.default_rng(0)


def naive_attention(q, k, v, allowed):
    """out[i] = sum_j softmax_j(q_i . k_j / sqrt(E)) v_j over the allowed j, one query at a time."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        scores = np.array([q[i] @ k[j] / math.sqrt(q.shape[1]) for j in range(k.shape[0])])
        scores[~allowed[i]] = -np.inf
        if np.isinf(scores).all():
            continue  # no key to attend to: zeros
        weights = np.exp(scores - scores.max())
        out[i] = (weights / weights.sum()) @ v
    return out


@pytest.mark.parametrize("mask", ["none", "causal", "bool", "row masked"])
def test_sdpa_matches_the_naive_reference(mask):
    q, k, v = RNG.standard_normal((4, 3)), RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    allowed = {"none": np.ones((4, 5), bool), "causal": np.tril(np.ones((4, 5), bool)),
               "bool": RNG.random((4, 5)) > 0.4, "row masked": np.ones((4, 5), bool)}[mask]
    if mask == "row masked":
        allowed[2] = False
    kwargs = {"is_causal": True} if mask == "causal" else {"attn_mask": mg.tensor(allowed)} if mask != "none" else {}
    out = F.scaled_dot_product_attention(mg.tensor(q), mg.tensor(k), mg.tensor(v), **kwargs)
    np.testing.assert_allclose(out.numpy(), naive_attention(q, k, v, allowed), rtol=1e-12, atol=1e-14)


SDPA_CASES = {
    "plain": ({}, [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)]),
    "causal": ({"is_causal": True}, [(2, 4, 5), (2, 4, 5), (2, 4, 3)]),
    "bool mask": ({"attn_mask": RNG.random((4, 6)) > 0.3}, [(1, 4, 5), (1, 6, 5), (1, 6, 2)]),
    "float mask": ({"attn_mask": RNG.standard_normal((2, 1, 4, 6))}, [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5)]),
    "scale": ({"scale": 0.3}, [(3, 5), (4, 5), (4, 2)]),
    "grouped query": ({"enable_gqa": True}, [(1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 3)]),
}


def _sdpa(lib, inputs, kwargs):
    kwargs = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    return lib.nn.functional.scaled_dot_product_attention(*inputs, **kwargs)


@pytest.mark.parametrize("name", SDPA_CASES)
def test_sdpa_gradcheck(name):
    kwargs, shapes = SDPA_CASES[name]
    inputs = [mg.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(lambda *xs: _sdpa(mg, xs, kwargs), inputs)


@pytest.mark.parametrize("name", SDPA_CASES)
def test_sdpa_matches_torch(name):
    torch = pytest.importorskip("torch")
    kwargs, shapes = SDPA_CASES[name]
    values = [RNG.standard_normal(s) for s in shapes]
    ours = [mg.tensor(x, requires_grad=True) for x in values]
    theirs = [torch.tensor(x, requires_grad=True) for x in values]
    out, expected = _sdpa(mg, ours, kwargs), _sdpa(torch, theirs, kwargs)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_sdpa_dropout_drops_weights_and_rescales():
    mg.manual_seed(0)
    q, k, v = mg.zeros(1, 2000, 1), mg.zeros(1, 1, 1), mg.ones(1, 1, 1)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25).flatten()
    kept = out.numpy() != 0
    np.testing.assert_allclose(out.numpy()[kept], 1 / 0.75, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.25) < 0.04


# name -> (constructor kwargs, forward kwargs, input shapes, batch_first)
MHA_CASES = {
    "self attention": ({"embed_dim": 8, "num_heads": 2}, {}, [(3, 2, 8)] * 3, False),
    "batch_first": ({"embed_dim": 8, "num_heads": 2}, {}, [(2, 3, 8), (2, 5, 8), (2, 5, 8)], True),
    "kdim vdim bias_kv zero_attn": ({"embed_dim": 8, "num_heads": 4, "kdim": 3, "vdim": 5, "add_bias_kv": True,
                                     "add_zero_attn": True}, {"average_attn_weights": False},
                                    [(3, 2, 8), (5, 2, 3), (5, 2, 5)], False),
    "padding and causal masks, no bias": (
        {"embed_dim": 6, "num_heads": 3, "bias": False},
        {"key_padding_mask": np.array([[False] * 4 + [True], [False] * 5]),
         "attn_mask": np.triu(np.ones((3, 5), bool), 1)}, [(3, 2, 6), (5, 2, 6), (5, 2, 6)], False),
    "unbatched float mask, no weights": ({"embed_dim": 6, "num_heads": 3},
                                         {"attn_mask": RNG.standard_normal((3, 5)), "need_weights": False},
                                         [(3, 6), (5, 6), (5, 6)], False),
    "is_causal hint": ({"embed_dim": 6, "num_heads": 3},
                       {"attn_mask": np.triu(np.ones((3, 3), bool), 1), "is_causal": True}, [(3, 2, 6)] * 3, False),
}


def _mha(lib, name):
    kwargs, forward_kwargs, shapes, batch_first = MHA_CASES[name]
    layer = lib.nn.MultiheadAttention(**kwargs, batch_first=batch_first).double()
    forward_kwargs = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in forward_kwargs.items()}
    return layer, forward_kwargs, shapes


@pytest.mark.parametrize("name", MHA_CASES)
def test_multihead_attention_gradcheck(name):
    layer, forward_kwargs, shapes = _mha(mg, name)
    inputs = [mg.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(lambda *xs: layer(*xs, **forward_kwargs)[0], inputs)


@pytest.mark.parametrize("name", MHA_CASES)
def test_multihead_attention_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, forward_ours, shapes = _mha(mg, name)
    theirs, forward_theirs, _ = _mha(torch, name)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    values = [RNG.standard_normal(s) for s in shapes]
    xs, txs = [mg.tensor(x, requires_grad=True) for x in values], [torch.tensor(x, requires_grad=True) for x in values]
    (out, weights), (expected, expected_weights) = ours(*xs, **forward_ours), theirs(*txs, **forward_theirs)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    if expected_weights is None:
        assert weights is None
    else:
        np.testing.assert_allclose(weights.detach().numpy(), expected_weights.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)
    out.square().sum().backward()
    expected.square().sum().backward()
    for a, b in zip(xs, txs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)
    grads = {n: p.grad for n, p in theirs.named_parameters()}
    for n, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[n].numpy(), rtol=1e-9, atol=1e-12)


def test_multihead_attention_drops_weights_in_training_only():
    layer = mg.nn.MultiheadAttention(4, 2, dropout=0.5)
    x = mg.randn(6, 1, 4)
    layer.eval()
    assert mg.allclose(layer(x, x, x)[0], layer(x, x, x)[0])
    layer.train()
    mg.manual_seed(1)
    first = layer(x, x, x)[1]
    mg.manual_seed(2)
    assert not mg.allclose(first, layer(x, x, x)[1])


BAD_INPUTS = {
    "sdpa 1-D": (lambda L: L.nn.functional.scaled_dot_product_attention(L.ones(3), L.ones(3), L.ones(3)),
                 RuntimeError),
    "sdpa dtypes": (lambda L: L.nn.functional.scaled_dot_product_attention(
        L.ones(2, 3, dtype=L.float64), L.ones(2, 3), L.ones(2, 3)), RuntimeError),
    "heads": (lambda L: L.nn.MultiheadAttention(6, 4), AssertionError),
    "embed dim": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(3, 1, 6), L.ones(3, 1, 6), L.ones(3, 1, 6)),
                  AssertionError),
    "query dims": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(8), L.ones(8), L.ones(8)), AssertionError),
    "key dims": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(3, 1, 8), L.ones(3, 8), L.ones(3, 8)), AssertionError),
    "2-D mask shape": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(3, 1, 8), L.ones(4, 1, 8), L.ones(4, 1, 8),
                                                               attn_mask=L.ones(3, 3, dtype=L.bool)), RuntimeError),
    "3-D mask shape": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(3, 2, 8), L.ones(4, 2, 8), L.ones(4, 2, 8),
                                                               attn_mask=L.ones(2, 3, 4)), RuntimeError),
    "is_causal without mask": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(3, 1, 8), L.ones(3, 1, 8),
                                                                       L.ones(3, 1, 8), is_causal=True), RuntimeError),
    "integer mask": (lambda L: L.nn.MultiheadAttention(8, 2)(L.ones(3, 1, 8), L.ones(3, 1, 8), L.ones(3, 1, 8),
                                                             attn_mask=L.ones(3, 3, dtype=L.int64)), AssertionError),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_errors_match_torch(name):
    call, error = BAD_INPUTS[name]
    with pytest.raises(error) as ours:
        call(mg)
    torch = pytest.importorskip("torch")
    with pytest.raises(error) as theirs:
        call(torch)
    assert str(ours.value) == str(theirs.value).replace("torch.Size", "minigrad.Size")
