"""The Transformer layers against PyTorch (outputs, input and parameter gradients from the same
weights, with masks, norm_first, gelu, batch_first), float64 gradcheck, reprs and errors."""
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck

RNG = np.random.default_rng(0)
CAUSAL_3 = np.triu(np.full((3, 3), -np.inf), 1)

# name -> (builder of the layer from a library, input shapes, forward keyword arguments)
CASES = {
    "encoder layer": (lambda L: L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), [(4, 2, 8)], {}),
    "encoder layer gelu norm_first batch_first": (
        lambda L: L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True,
                                               batch_first=True), [(2, 4, 8)], {}),
    "decoder layer, causal": (lambda L: L.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), [(3, 2, 8), (4, 2, 8)],
                              {"tgt_mask": CAUSAL_3}),
    "decoder layer norm_first, no bias": (
        lambda L: L.nn.TransformerDecoderLayer(8, 4, 12, dropout=0.0, norm_first=True, bias=False),
        [(3, 2, 8), (4, 2, 8)], {"memory_key_padding_mask": np.array([[0, 0, 1, 1], [0, 0, 0, 0]], bool)}),
    "encoder layer, module activation": (
        lambda L: L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=L.nn.GELU()), [(4, 2, 8)], {}),
    "encoder stack with norm": (
        lambda L: L.nn.TransformerEncoder(L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2, L.nn.LayerNorm(8)),
        [(4, 2, 8)], {"src_key_padding_mask": np.array([[0, 0, 0, 1], [0, 0, 0, 0]], bool)}),
    "transformer": (lambda L: L.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0), [(4, 2, 8), (3, 2, 8)],
                    {"tgt_mask": CAUSAL_3}),
}


def _build(lib, name):
    make, shapes, kwargs = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's note that nested tensors are off for norm_first
        layer = make(lib).double()
    return layer, shapes, {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, shapes, kwargs = _build(mg, name)
    theirs, _, torch_kwargs = _build(torch, name)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    values = [RNG.standard_normal(s) for s in shapes]
    xs, txs = [mg.tensor(x, requires_grad=True) for x in values], [torch.tensor(x, requires_grad=True) for x in values]
    out, expected = ours(*xs, **kwargs), theirs(*txs, **torch_kwargs)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-9, atol=1e-12)
    out.square().sum().backward()
    expected.square().sum().backward()
    for a, b in zip(xs, txs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-11)
    grads = dict(theirs.named_parameters())
    for n, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[n].grad.numpy(), rtol=1e-8, atol=1e-11)


def test_gradcheck_of_an_encoder_and_a_decoder_layer():
    encoder, _, _ = _build(mg, "encoder layer gelu norm_first batch_first")
    x = mg.tensor(RNG.standard_normal((1, 3, 8)), requires_grad=True)
    assert gradcheck(encoder, (x,))
    decoder, _, kwargs = _build(mg, "decoder layer, causal")
    tgt = mg.tensor(RNG.standard_normal((3, 1, 8)), requires_grad=True)
    memory = mg.tensor(RNG.standard_normal((2, 1, 8)), requires_grad=True)
    assert gradcheck(lambda t, m: decoder(t, m, **kwargs), (tgt, memory))


def test_the_stack_copies_its_layer_and_the_transformer_starts_xavier_uniform():
    layer = mg.nn.TransformerEncoderLayer(4, 2, 8)
    stack = mg.nn.TransformerEncoder(layer, 3)
    weights = [m.linear1.weight for m in stack.layers]
    assert len(weights) == 3 and all(w is not layer.linear1.weight for w in weights)
    assert all(mg.equal(w, layer.linear1.weight) for w in weights)  # copies, as PyTorch's deepcopy
    model = mg.nn.Transformer(16, 2, 1, 1, 32)
    bound = np.sqrt(6 / (16 + 32))
    assert np.abs(model.encoder.layers[0].linear1.weight.detach().numpy()).max() <= bound


def test_causal_mask_is_pytorchs():
    mask = mg.nn.Transformer.generate_square_subsequent_mask(4)
    assert mask.tolist() == [[0.0 if j <= i else float("-inf") for j in range(4)] for i in range(4)]
    torch = pytest.importorskip("torch")
    assert mask.tolist() == torch.nn.Transformer.generate_square_subsequent_mask(4).tolist()


@pytest.mark.parametrize("call, error", [
    (lambda L: L.nn.TransformerEncoderLayer(8, 2, activation="tanh"), RuntimeError),
    (lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(L.ones(3, 2, 8), L.ones(3, 1, 8)), RuntimeError),
    (lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(L.ones(3, 2, 6), L.ones(3, 2, 6)), RuntimeError),
])
def test_bad_input_errors_match_torch(call, error):
    with pytest.raises(error) as ours:
        call(mg)
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as theirs:
            call(torch)
    assert str(ours.value) == str(theirs.value)
