"""Margin losses (soft margin, margin ranking, hinge embedding, cosine embedding, triplet margin),
F forms and modules: float64 gradcheck for every reduction, PyTorch parity of values and
gradients (labels of both signs, swap, p-norms), reprs, overflow-free soft margin, and PyTorch's errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

REDUCTIONS = ["mean", "sum", "none"]


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


def labels(*shape, seed=0):
    return np.random.default_rng(seed).choice([-1.0, 1.0], shape)


# name -> (call(F-namespace, *tensors, reduction), arrays, indices of the differentiable arrays)
CASES = {
    "soft_margin": (lambda f, x, y, r: f.soft_margin_loss(x, y, reduction=r), (rand(3, 4), labels(3, 4)), (0,)),
    "soft_margin(real targets)": (lambda f, x, y, r: f.soft_margin_loss(x, y, reduction=r),
                                  (rand(3, 4), rand(3, 4, seed=1)), (0,)),
    "margin_ranking": (lambda f, a, b, y, r: f.margin_ranking_loss(a, b, y, reduction=r),
                       (rand(6), rand(6, seed=1), labels(6)), (0, 1)),
    "margin_ranking(0.5)": (lambda f, a, b, y, r: f.margin_ranking_loss(a, b, y, margin=0.5, reduction=r),
                            (rand(2, 5), rand(2, 5, seed=1), labels(2, 5)), (0, 1)),
    "hinge_embedding": (lambda f, x, y, r: f.hinge_embedding_loss(x, y, reduction=r),
                        (rand(3, 4) * 0.9, labels(3, 4)), (0,)),
    "hinge_embedding(2, odd labels)": (lambda f, x, y, r: f.hinge_embedding_loss(x, y, margin=2.0, reduction=r),
                                       (rand(8), np.array([1.0, -1.0, 0.0, 2.0, 1.0, -1.0, 0.5, -1.0])), (0,)),
    "cosine_embedding": (lambda f, a, b, y, r: f.cosine_embedding_loss(a, b, y, reduction=r),
                         (rand(5, 3), rand(5, 3, seed=1), labels(5)), (0, 1)),
    "cosine_embedding(0.2, 1d)": (lambda f, a, b, y, r: f.cosine_embedding_loss(a, b, y, margin=-0.2, reduction=r),
                                  (rand(4), rand(4, seed=1), np.array(-1.0)), (0, 1)),
    "triplet": (lambda f, a, p, n, r: f.triplet_margin_loss(a, p, n, reduction=r),
                (rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2)), (0, 1, 2)),
    "triplet(p=1, swap)": (lambda f, a, p, n, r: f.triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True,
                                                                      reduction=r),
                           (rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2)), (0, 1, 2)),
    "triplet(1d, p=3)": (lambda f, a, p, n, r: f.triplet_margin_loss(a, p, n, p=3, reduction=r),
                         (rand(5), rand(5, seed=1), rand(5, seed=2)), (0, 1, 2)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", CASES)
def test_gradcheck(name, reduction):
    call, arrays, differentiable = CASES[name]
    tensors = [minigrad.tensor(a, requires_grad=i in differentiable) for i, a in enumerate(arrays)]
    grads = [tensors[i] for i in differentiable]

    def loss(*inputs):
        args = list(tensors)
        for i, value in zip(differentiable, inputs):
            args[i] = value
        return call(F, *args, reduction)

    assert gradcheck(loss, tuple(grads))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name, reduction, torch_parity):
    call, arrays, differentiable = CASES[name]
    for dtype in (np.float32, np.float64):
        torch_parity(lambda lib, *tensors: call(lib.nn.functional, *tensors, reduction),
                     [a.astype(dtype) for a in arrays], differentiable, rtol=1e-5, atol=1e-6)


def test_soft_margin_is_stable_and_fused():
    x = minigrad.tensor([-1000.0, 1000.0, 0.0], requires_grad=True)
    y = minigrad.tensor([1.0, 1.0, -1.0])
    loss = F.soft_margin_loss(x, y, reduction="none")
    assert loss.grad_fn.name() == "SoftMarginLossBackward0"
    loss.sum().backward()
    assert loss.tolist() == pytest.approx([1000.0, 0.0, np.log(2)])
    assert x.grad.tolist() == pytest.approx([-1.0, 0.0, 0.5])


def test_soft_margin_dtype_and_broadcast_rules_match_torch():
    torch = pytest.importorskip("torch")
    assert F.soft_margin_loss(minigrad.ones(3), minigrad.ones(3, dtype=minigrad.float64)).dtype == minigrad.float32
    assert torch.nn.functional.soft_margin_loss(torch.ones(3), torch.ones(3).double()).dtype == torch.float32
    out = F.soft_margin_loss(minigrad.ones(2, 3), minigrad.ones(3), reduction="none")
    assert out.shape == (2, 3)


def test_triplet_swap_uses_the_nearer_negative_distance():
    anchor, positive = minigrad.zeros(1, 2), minigrad.tensor([[1.0, 0.0]])
    negative = minigrad.tensor([[3.0, 0.0]])  # d(a, n) = 3, d(p, n) = 2
    plain = F.triplet_margin_loss(anchor, positive, negative, margin=2.5, eps=0.0)
    swapped = F.triplet_margin_loss(anchor, positive, negative, margin=2.5, eps=0.0, swap=True)
    assert plain.item() == pytest.approx(0.5) and swapped.item() == pytest.approx(1.5)


MODULES = {
    "SoftMarginLoss": (lambda m: m.SoftMarginLoss(), "soft_margin"),
    "MarginRankingLoss(0.5, sum)": (lambda m: m.MarginRankingLoss(0.5, reduction="sum"), "margin_ranking"),
    "HingeEmbeddingLoss(2)": (lambda m: m.HingeEmbeddingLoss(margin=2.0), "hinge_embedding"),
    "CosineEmbeddingLoss(0.1, none)": (lambda m: m.CosineEmbeddingLoss(0.1, reduction="none"), "cosine_embedding"),
    "TripletMarginLoss(swap)": (lambda m: m.TripletMarginLoss(margin=0.5, p=1.0, swap=True), "triplet"),
}


@pytest.mark.parametrize("name", MODULES)
def test_modules_match_torch(name):
    torch = pytest.importorskip("torch")
    make, case = MODULES[name]
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict()) == []
    arrays = [a.astype(np.float32) for a in CASES[case][1]]
    np.testing.assert_allclose(ours(*map(minigrad.tensor, arrays)).numpy(), theirs(*map(torch.tensor, arrays)).numpy(),
                               rtol=1e-5, atol=1e-6)


ERRORS = [
    (lambda f, t: f.margin_ranking_loss(t.ones(3), t.ones(3, 1), t.ones(3)), RuntimeError,
     "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: {lib}.Size([3]), "
     "input2: {lib}.Size([3, 1]), target: {lib}.Size([3]) "),
    (lambda f, t: f.cosine_embedding_loss(t.ones(3, 4), t.ones(3, 4), t.ones(3, 4)), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    (lambda f, t: f.cosine_embedding_loss(t.ones(4), t.ones(4), t.ones(3)), RuntimeError,
     "1D target tensor expects 2D input tensors, but found inputs with sizes [4] and [4]."),
    (lambda f, t: f.cosine_embedding_loss(t.ones(3, 4), t.ones(3, 4), t.tensor(1.0)), RuntimeError,
     "0D target tensor expects 1D input tensors, but found inputs with sizes [3, 4] and [3, 4]."),
    (lambda f, t: f.triplet_margin_loss(t.ones(2, 3), t.ones(2, 3), t.ones(2, 3), margin=0), ValueError,
     "margin must be greater than 0, got 0"),
    (lambda f, t: t.nn.TripletMarginLoss(margin=-1.0), ValueError,
     "TripletMarginLoss: expected margin to be greater than 0, got -1.0 instead"),
    (lambda f, t: f.triplet_margin_loss(t.ones(2, 3), t.ones(3), t.ones(2, 3)), RuntimeError,
     "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: "
     "anchor 2D, positive 1D, and negative 2D inputs"),
    (lambda f, t: f.soft_margin_loss(t.ones(3, 1), t.ones(3)), RuntimeError,
     "output with shape [3, 1] doesn't match the broadcast shape [3, 3]"),
    (lambda f, t: f.soft_margin_loss(t.ones(3, dtype=t.long), t.ones(3)), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda f, t: f.hinge_embedding_loss(t.ones(3), t.ones(3), reduction="max"), ValueError,
     "max is not a valid value for reduction"),
    (lambda f, t: f.soft_margin_loss(t.ones(3), t.ones(3, requires_grad=True)), RuntimeError,
     "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot "
     "have requires_grad True."),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case, same_error_as_torch):
    same_error_as_torch(*ERRORS[case])
