"""pairwise_distance, cosine_similarity, normalize, their modules and one_hot: float64 gradcheck,
PyTorch parity of values and gradients over p-norms, dims, broadcasting and eps clamps, reprs,
dtype rules and PyTorch's errors."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck
from minigrad.functions.norms import vector_norm

ORDERS = [2.0, 1.0, 3.0, 0.5, math.inf, -math.inf]


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


@pytest.mark.parametrize("p", ORDERS)
def test_pairwise_distance_gradcheck(p):
    x1 = minigrad.tensor(rand(3, 4), requires_grad=True)
    x2 = minigrad.tensor(rand(3, 4, seed=1), requires_grad=True)
    assert gradcheck(lambda a, b: F.pairwise_distance(a, b, p), (x1, x2))


PAIRWISE_CASES = {  # name -> (x1 shape, x2 shape, kwargs)
    "2d": ((3, 4), (3, 4), {}),
    "keepdim p=1": ((3, 4), (3, 4), {"p": 1.0, "keepdim": True}),
    "broadcast": ((3, 4), (4,), {"p": 3.0}),
    "1d inf": ((5,), (5,), {"p": math.inf, "eps": 0.0}),
    "3d p=0.5": ((2, 3, 4), (2, 3, 4), {"p": 0.5}),
}


@pytest.mark.parametrize("case", PAIRWISE_CASES)
def test_pairwise_distance_matches_torch(case, torch_parity):
    shape1, shape2, kwargs = PAIRWISE_CASES[case]
    for dtype in (np.float32, np.float64):
        torch_parity(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b, **kwargs),
                     (rand(*shape1).astype(dtype), rand(*shape2, seed=1).astype(dtype)), (0, 1), rtol=1e-5)


def test_pairwise_distance_of_scalars_and_integers_matches_torch(torch_parity):
    torch_parity(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b), (np.array(1.0), np.array(3.0)), (0, 1))
    torch_parity(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b), (np.arange(3), np.arange(3) * 2), ())


COSINE_CASES = {  # name -> (x1 shape, x2 shape, kwargs)
    "dim 1": ((3, 4), (3, 4), {}),
    "dim 0": ((3, 4), (3, 4), {"dim": 0}),
    "dim -1, 3d": ((2, 3, 4), (2, 3, 4), {"dim": -1}),
    "broadcast": ((3, 4), (1, 4), {}),
    "1d": ((5,), (5,), {"dim": 0}),
}


@pytest.mark.parametrize("case", COSINE_CASES)
def test_cosine_similarity_gradcheck_and_matches_torch(case, torch_parity):
    shape1, shape2, kwargs = COSINE_CASES[case]
    x1, x2 = minigrad.tensor(rand(*shape1), requires_grad=True), minigrad.tensor(rand(*shape2, seed=1), requires_grad=True)
    assert gradcheck(lambda a, b: F.cosine_similarity(a, b, **kwargs), (x1, x2))
    for dtype in (np.float32, np.float64):
        torch_parity(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, **kwargs),
                     (rand(*shape1).astype(dtype), rand(*shape2, seed=1).astype(dtype)), (0, 1), rtol=1e-5)


def test_cosine_similarity_clamps_tiny_norms(torch_parity):
    tiny = np.array([[1e-12, 0.0, 0.0], [0.0, 0.0, 0.0]])
    torch_parity(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b), (tiny, rand(2, 3)), (0, 1), rtol=1e-12)


@pytest.mark.parametrize("p", [2.0, 1.0, math.inf, 0.5])
def test_normalize_gradcheck_and_matches_torch(p, torch_parity):
    x = minigrad.tensor(rand(3, 4), requires_grad=True)
    for dim in (1, 0, -1):
        assert gradcheck(lambda x: F.normalize(x, p, dim), (x,))
        out = torch_parity(lambda lib, x: lib.nn.functional.normalize(x, p, dim), (rand(3, 4),), rtol=1e-12)
        assert np.allclose(vector_norm(out, p, dim).detach().numpy(), 1.0)


def test_normalize_zero_rows_and_out_match_torch(torch_parity):
    rows = np.array([[0.0, 0.0], [3.0, 4.0], [1e-13, 0.0]])
    torch_parity(lambda lib, x: lib.nn.functional.normalize(x), (rows,), rtol=1e-12)
    out = minigrad.empty(3, 2, dtype=minigrad.float64)
    assert F.normalize(minigrad.tensor(rows), out=out) is out and out[1].tolist() == [0.6, 0.8]


def test_modules_match_torch():
    torch = pytest.importorskip("torch")
    a, b = rand(3, 4).astype(np.float32), rand(3, 4, seed=1).astype(np.float32)
    for make in (lambda m: m.CosineSimilarity(), lambda m: m.CosineSimilarity(dim=0, eps=1e-3),
                 lambda m: m.PairwiseDistance(), lambda m: m.PairwiseDistance(p=1.0, eps=0.0, keepdim=True)):
        ours, theirs = make(nn), make(torch.nn)
        assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict()) == []
        np.testing.assert_allclose(ours(minigrad.tensor(a), minigrad.tensor(b)).numpy(),
                                   theirs(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-6)
    assert nn.PairwiseDistance(p=3.0).norm == 3.0  # PyTorch's attribute name


ERRORS = [
    (lambda f, t: f.cosine_similarity(t.arange(3), t.arange(3), dim=0), RuntimeError,
     "expected common dtype to be floating point, yet common dtype is Long"),
    (lambda f, t: f.cosine_similarity(t.ones(3, 4), t.ones(2, 4)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    (lambda f, t: f.normalize(t.arange(3), dim=0), RuntimeError,
     "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
    (lambda f, t: f.normalize(t.ones(3)), IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda f, t: f.one_hot(t.tensor([0, 3]), 3), RuntimeError, "Class values must be smaller than num_classes."),
    (lambda f, t: f.one_hot(t.tensor([0, -1])), RuntimeError, "Class values must be non-negative."),
    (lambda f, t: f.one_hot(t.tensor([0.0, 1.0])), RuntimeError,
     "one_hot is only applicable to index tensor of type LongTensor."),
    (lambda f, t: f.one_hot(t.tensor([0, 1], dtype=t.int32)), RuntimeError,
     "one_hot is only applicable to index tensor of type LongTensor."),
    (lambda f, t: f.one_hot(t.zeros(0, dtype=t.long)), RuntimeError,
     "Can not infer total number of classes from empty tensor."),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case, same_error_as_torch):
    same_error_as_torch(*ERRORS[case])


@pytest.mark.parametrize("num_classes", [-1, 4])
@pytest.mark.parametrize("shape", [(5,), (2, 3), ()])
def test_one_hot_matches_torch(shape, num_classes):
    torch = pytest.importorskip("torch")
    indices = np.random.default_rng(0).integers(0, 3, shape)
    ours = F.one_hot(minigrad.tensor(indices), num_classes)
    theirs = torch.nn.functional.one_hot(torch.tensor(indices), num_classes)
    assert ours.dtype == minigrad.int64 and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert F.one_hot(minigrad.zeros(0, dtype=minigrad.int64), 3).shape == (0, 3)
