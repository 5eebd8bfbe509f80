"""nn.Embedding and F.embedding: float64 gradcheck of the weight, PyTorch parity of outputs and
weight gradients over padding_idx / scale_grad_by_freq / index shapes and dtypes, max_norm's
in-place renormalisation, the module's init, repr, state_dict and from_pretrained, and PyTorch's errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

INDICES = np.array([[0, 2, 4, 2], [5, 1, 2, 0]])  # repeats, and rows 3 and 6 never looked up
OPTIONS = {
    "plain": {},
    "padding_idx": {"padding_idx": 2},
    "negative padding_idx": {"padding_idx": -7},
    "scale_grad_by_freq": {"scale_grad_by_freq": True},
    "both": {"padding_idx": 0, "scale_grad_by_freq": True},
}


def table(rows=7, width=3, seed=0):
    return np.random.default_rng(seed).standard_normal((rows, width))


# padding_idx and scale_grad_by_freq change the gradient on purpose (no gradient for the padding
# row, each row's divided by its count): gradcheck holds where they leave it the true derivative.
GRADCHECK_CASES = {
    "repeated lookups": (INDICES, {}),
    "padding row not looked up": (INDICES, {"padding_idx": 3}),
    "scale_grad_by_freq, unique lookups": (np.array([[4, 0], [6, 1]]), {"scale_grad_by_freq": True}),
}


@pytest.mark.parametrize("case", GRADCHECK_CASES)
def test_gradcheck_weight(case):
    indices, options = GRADCHECK_CASES[case]
    weight = minigrad.tensor(table(), requires_grad=True)
    assert gradcheck(lambda w: F.embedding(minigrad.tensor(indices), w, **options), (weight,))


@pytest.mark.parametrize("indices", [INDICES, INDICES[0], np.array(3), INDICES.reshape(2, 2, 2)],
                         ids=["2d", "1d", "0d", "3d"])
@pytest.mark.parametrize("options", OPTIONS)
def test_matches_torch(options, indices, torch_parity):
    for index_dtype in (np.int64, np.int32):
        for dtype in (np.float32, np.float64):
            out = torch_parity(lambda lib, w, i: lib.nn.functional.embedding(i, w, **OPTIONS[options]),
                               (table().astype(dtype), indices.astype(index_dtype)))
            assert out.grad_fn.name() == "EmbeddingBackward0" and out.shape == indices.shape + (3,)


def test_padding_row_gets_no_gradient_and_others_sum_their_lookups():
    weight = minigrad.tensor(table(), requires_grad=True)
    F.embedding(minigrad.tensor(INDICES), weight, padding_idx=2).sum().backward()
    counts = np.bincount(INDICES.ravel(), minlength=7).astype(float)
    counts[2] = 0
    np.testing.assert_array_equal(weight.grad.numpy(), np.repeat(counts[:, None], 3, axis=1))
    weight.grad = None
    F.embedding(minigrad.tensor(INDICES), weight, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy()[:, 0], [1, 1, 1, 0, 1, 1, 0])  # each row's sum / its count


def test_half_precision_weights():
    weight = minigrad.tensor(table(), dtype=minigrad.float16, requires_grad=True)
    out = F.embedding(minigrad.tensor(INDICES), weight)
    out.sum().backward()
    assert out.dtype == weight.grad.dtype == minigrad.float16
    assert weight.grad[2].tolist() == [3.0, 3.0, 3.0]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0])
def test_max_norm_renormalises_looked_up_rows_in_place_as_torch(norm_type):
    torch = pytest.importorskip("torch")
    values = table(seed=1) * 3
    ours, theirs = minigrad.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    version = ours._version
    m_out = F.embedding(minigrad.tensor(INDICES), ours, max_norm=1.5, norm_type=norm_type)
    t_out = torch.nn.functional.embedding(torch.tensor(INDICES), theirs, max_norm=1.5, norm_type=norm_type)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12)
    np.testing.assert_array_equal(ours.detach().numpy()[[3, 6]], values[[3, 6]])  # rows not looked up: untouched
    assert ours._version > version and ours.grad_fn is None
    m_out.sum().backward()
    t_out.sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_module_matches_torch():
    torch = pytest.importorskip("torch")
    for args, kwargs in (((10, 3), {}), ((10, 3), {"padding_idx": -1, "max_norm": 1.0, "norm_type": 1.0,
                                                     "scale_grad_by_freq": True}), ((5, 2), {"padding_idx": 0})):
        ours, theirs = nn.Embedding(*args, **kwargs), torch.nn.Embedding(*args, **kwargs)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
        assert ours.padding_idx == theirs.padding_idx
        theirs.load_state_dict({"weight": torch.tensor(ours.weight.detach().numpy())})
        m_out, t_out = ours(minigrad.tensor([[1, 4], [0, 4]])), theirs(torch.tensor([[1, 4], [0, 4]]))
        np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6)
        m_out.sum().backward()
        t_out.sum().backward()
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-6)


def test_module_init_is_standard_normal_with_a_zero_padding_row():
    minigrad.manual_seed(0)
    layer = nn.Embedding(400, 50, padding_idx=3, dtype=minigrad.float64)
    weight = layer.weight.detach().numpy()
    assert layer.weight.dtype == minigrad.float64 and layer.weight.requires_grad
    assert not weight[3].any()
    assert abs(weight.mean()) < 0.02 and abs(weight.std() - 1) < 0.02


def test_from_pretrained_shares_and_freezes_the_table():
    torch = pytest.importorskip("torch")
    values = minigrad.tensor(table(4, 2))
    frozen = nn.Embedding.from_pretrained(values)
    assert not frozen.weight.requires_grad and frozen.weight._data is values._data
    assert repr(frozen) == repr(torch.nn.Embedding.from_pretrained(torch.tensor(table(4, 2)))) == "Embedding(4, 2)"
    trainable = nn.Embedding.from_pretrained(values, freeze=False, padding_idx=1)
    assert trainable.weight.requires_grad and repr(trainable) == "Embedding(4, 2, padding_idx=1)"
    assert trainable.weight[1].tolist() == values[1].tolist()  # unlike __init__, the pretrained row is kept


def test_sgd_step_moves_only_the_looked_up_rows():
    layer = nn.Embedding(6, 2)
    before = layer.weight.detach().clone()
    optimizer = minigrad.optim.SGD(layer.parameters(), lr=0.1)
    layer(minigrad.tensor([1, 4, 4])).sum().backward()
    optimizer.step()
    moved = (layer.weight.detach() != before).any(dim=1).tolist()
    assert moved == [False, True, False, False, True, False]


ERRORS = [
    (lambda f, t: f.embedding(t.tensor([0, 7]), t.ones(7, 3)), IndexError, "index out of range in self"),
    (lambda f, t: f.embedding(t.tensor([-1, 0]), t.ones(7, 3)), IndexError, "index out of range in self"),
    (lambda f, t: f.embedding(t.tensor([0.0, 1.0]), t.ones(7, 3)), RuntimeError,
     "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got "
     "{lib}.FloatTensor instead (while checking arguments for embedding)"),
    (lambda f, t: f.embedding(t.tensor([0, 1], dtype=t.uint8), t.ones(7, 3)), RuntimeError,
     "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got "
     "{lib}.ByteTensor instead (while checking arguments for embedding)"),
    (lambda f, t: f.embedding(t.tensor([0, 1]), t.ones(7)), RuntimeError, "'weight' must be 2-D"),
    (lambda f, t: f.embedding(t.tensor([0, 1]), t.ones(7, 3), padding_idx=7), AssertionError,
     "Padding_idx must be within num_embeddings"),
    (lambda f, t: f.embedding(t.tensor([0, 1]), t.ones(7, 3), padding_idx=-8), AssertionError,
     "Padding_idx must be within num_embeddings"),
    (lambda f, t: t.nn.Embedding(5, 2, padding_idx=5), AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda f, t: t.nn.Embedding(5, 2, _weight=t.ones(5, 3)), AssertionError,
     "Shape of weight does not match num_embeddings and embedding_dim"),
    (lambda f, t: t.nn.Embedding.from_pretrained(t.ones(5)), AssertionError,
     "Embeddings parameter is expected to be 2-dimensional"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case, same_error_as_torch):
    same_error_as_torch(*ERRORS[case])


def test_out_of_range_index_fails_before_any_change_and_sparse_is_refused():
    weight = minigrad.tensor(table(), requires_grad=True)
    version = weight._version
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(minigrad.tensor([0, 9]), weight, max_norm=0.1)
    assert weight._version == version and minigrad.equal(weight.detach(), minigrad.tensor(table()))
    with pytest.raises(NotImplementedError, match="sparse=True"):
        F.embedding(minigrad.tensor([0]), weight, sparse=True)
    with pytest.raises(NotImplementedError, match="sparse=True"):
        nn.Embedding(3, 2, sparse=True)
