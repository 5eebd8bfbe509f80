"""Every differentiable tensor op: gradcheck (float64 central differences) and torch parity.

Each case is (name, function of (module, *inputs), input shapes), run with ``m`` = minigrad or
torch; inputs are random float64 leaves. Shapes cover
broadcasting, 0-d tensors, empty dimensions, negative dims and non-contiguous inputs.
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck
from minigrad.functions import matmul


def linear(m, *args):
    """F.linear of minigrad or torch (``m``), so one case list serves both."""
    return matmul.linear(*args) if m is mg else m.nn.functional.linear(*args)


def _inputs(shapes, seed=0, positive=False, transpose=False):
    rng = np.random.default_rng(seed)
    tensors = []
    for shape in shapes:
        data = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
        if transpose and data.ndim >= 2:  # a non-contiguous storage (a transposed view)
            data = np.ascontiguousarray(data.swapaxes(-1, -2)).swapaxes(-1, -2)
        tensors.append(mg.from_numpy(data).requires_grad_())
    return tensors


CASES = [
    # arithmetic with broadcasting and scalars
    ("add", lambda m, a, b: a + b, [(3, 4), (4,)]),
    ("add_alpha", lambda m, a, b: m.add(a, b, alpha=-2.5), [(2, 3), (2, 1)]),
    ("radd_scalar", lambda m, a: 2.0 + a, [(3,)]),
    ("sub", lambda m, a, b: a - b, [(2, 1, 3), (4, 1)]),
    ("rsub", lambda m, a: 1.5 - a, [(2, 2)]),
    ("mul", lambda m, a, b: a * b, [(3, 1), (1, 4)]),
    ("mul_0d", lambda m, a, b: a * b, [(), (2, 3)]),
    ("div", lambda m, a, b: a / b, [(3, 4), (4,)]),
    ("rdiv", lambda m, a: 2.0 / a, [(5,)]),
    ("neg", lambda m, a: -a, [(2, 3)]),
    ("pow_scalar", lambda m, a: a ** 3, [(2, 3)]),
    ("pow_tensor", lambda m, a, b: a ** b, [(2, 3), (3,)]),
    ("rpow", lambda m, a: 2.0 ** a, [(4,)]),
    ("square", lambda m, a: m.square(a), [(3,)]),
    # unary
    ("exp", lambda m, *a: m.exp(*a), [(3, 2)]),
    ("log", lambda m, *a: m.log(*a), [(3, 2)]),
    ("sqrt", lambda m, *a: m.sqrt(*a), [(3, 2)]),
    ("abs", lambda m, *a: m.abs(*a), [(3, 2)]),
    ("sin", lambda m, *a: m.sin(*a), [(3, 2)]),
    ("cos", lambda m, *a: m.cos(*a), [(3, 2)]),
    ("tanh", lambda m, *a: m.tanh(*a), [(3, 2)]),
    ("sigmoid", lambda m, *a: m.sigmoid(*a), [(3, 2)]),
    ("relu", lambda m, *a: m.relu(*a), [(3, 2)]),
    ("rsqrt", lambda m, *a: m.rsqrt(*a), [(4,)]),
    ("reciprocal", lambda m, *a: m.reciprocal(*a), [(4,)]),
    # selection
    ("maximum", lambda m, *a: m.maximum(*a), [(3, 4), (4,)]),
    ("minimum", lambda m, *a: m.minimum(*a), [(3, 4), (3, 1)]),
    ("where", lambda m, a, b: m.where(a > 0, a, b), [(3, 4), (4,)]),
    ("clamp", lambda m, a: m.clamp(a, -0.5, 0.5), [(4, 5)]),
    ("clamp_min", lambda m, a: a.clamp(min=0.1), [(4, 5)]),
    # reductions
    ("sum_all", lambda m, a: a.sum(), [(3, 4)]),
    ("sum_dim", lambda m, a: a.sum(1), [(3, 4)]),
    ("sum_neg_dims_keepdim", lambda m, a: a.sum((-1, 0), keepdim=True), [(2, 3, 4)]),
    ("sum_empty", lambda m, a: a.sum(0), [(0, 3)]),
    ("mean", lambda m, a: a.mean(), [(3, 4)]),
    ("mean_dim", lambda m, a: a.mean(-1, keepdim=True), [(3, 4)]),
    ("prod", lambda m, a: a.prod(), [(2, 3)]),
    ("prod_dim", lambda m, a: a.prod(1), [(2, 3)]),
    ("var", lambda m, a: a.var(), [(3, 4)]),
    ("var_dim_biased", lambda m, a: a.var(0, unbiased=False), [(3, 4)]),
    ("var_correction", lambda m, a: a.var(1, correction=0, keepdim=True), [(3, 4)]),
    ("std", lambda m, a: a.std(1), [(3, 4)]),
    ("std_all_keepdim", lambda m, a: m.std(a, (0, 2), keepdim=True, correction=0), [(3, 2, 4)]),
    ("max_all", lambda m, a: a.max(), [(3, 4)]),
    ("max_dim", lambda m, a: a.max(1).values, [(3, 4)]),
    ("min_dim_keepdim", lambda m, a: a.min(-2, keepdim=True)[0], [(3, 4)]),
    ("max_binary", lambda m, a, b: m.max(a, b), [(3, 4), (3, 4)]),
    ("logsumexp", lambda m, a: m.logsumexp(a, 1), [(3, 4)]),
    ("logsumexp_dims", lambda m, a: m.logsumexp(a, (0, 2), keepdim=True), [(2, 3, 4)]),
    # matmul
    ("matmul_2d", lambda m, *a: m.matmul(*a), [(3, 4), (4, 5)]),
    ("matmul_1d_1d", lambda m, *a: m.matmul(*a), [(4,), (4,)]),
    ("matmul_1d_2d", lambda m, *a: m.matmul(*a), [(4,), (4, 5)]),
    ("matmul_2d_1d", lambda m, *a: m.matmul(*a), [(3, 4), (4,)]),
    ("matmul_batched", lambda m, *a: m.matmul(*a), [(2, 3, 4), (2, 4, 5)]),
    ("matmul_broadcast", lambda m, *a: m.matmul(*a), [(2, 1, 3, 4), (5, 4, 2)]),
    ("matmul_1d_batched", lambda m, *a: m.matmul(*a), [(4,), (3, 4, 2)]),
    ("linear", lambda m, x, w, b: linear(m, x, w, b), [(5, 3), (4, 3), (4,)]),
    ("linear_3d", lambda m, x, w: linear(m, x, w), [(2, 5, 3), (4, 3)]),
    ("linear_1d", lambda m, x, w, b: linear(m, x, w, b), [(3,), (4, 3), (4,)]),
    # shape
    ("reshape", lambda m, a: a.reshape(6, -1), [(3, 4)]),
    ("view", lambda m, a: a.view(2, 2, 3), [(3, 4)]),
    ("transpose", lambda m, a: a.transpose(0, -1), [(2, 3, 4)]),
    ("permute", lambda m, a: a.permute(2, 0, 1), [(2, 3, 4)]),
    ("T", lambda m, a: a.T, [(2, 3)]),
    ("expand", lambda m, a: a.expand(2, 3, 4), [(3, 1)]),
    ("expand_as", lambda m, a, b: a.expand_as(b) * b, [(1, 4), (3, 4)]),
    ("repeat", lambda m, a: a.repeat(2, 1, 3), [(2, 3)]),
    ("squeeze", lambda m, a: a.squeeze(), [(1, 3, 1)]),
    ("squeeze_dim", lambda m, a: a.squeeze(-1), [(3, 1)]),
    ("unsqueeze", lambda m, a: a.unsqueeze(-1), [(3, 2)]),
    ("flatten", lambda m, a: a.flatten(1), [(2, 3, 4)]),
    ("flip", lambda m, a: m.flip(a, (0, 1)), [(2, 3)]),
    ("cat", lambda m, a, b: m.cat([a, b], -1), [(2, 3), (2, 2)]),
    ("stack", lambda m, a, b: m.stack([a, b], 1), [(2, 3), (2, 3)]),
    ("split", lambda m, a: m.split(a, 2, dim=1)[1], [(2, 5)]),
    ("chunk", lambda m, a: a.chunk(3)[-1], [(7, 2)]),
    ("unbind", lambda m, a: a.unbind(1)[1], [(2, 3)]),
    # indexing
    ("getitem_int", lambda m, a: a[1], [(3, 4)]),
    ("getitem_slices_steps", lambda m, a: a[::2, 1:-1], [(5, 4)]),
    ("getitem_negative", lambda m, a: a[-1, -2], [(3, 4)]),
    ("getitem_none_ellipsis", lambda m, a: a[None, ..., 0], [(2, 3, 4)]),
    ("getitem_bool_mask", lambda m, a: a[a > 0], [(4, 5)]),
    ("getitem_int_array_repeated", lambda m, a: a[m.tensor([0, 2, 0, 0])], [(3, 2)]),
    ("getitem_int_arrays", lambda m, a: a[[0, 1, 1], [2, 0, 2]], [(2, 3)]),
    ("gather", lambda m, a: m.gather(a, 1, m.tensor([[0, 0], [2, 1]])), [(2, 3)]),
    ("index_select", lambda m, a: m.index_select(a, 0, m.tensor([2, 0, 2])), [(3, 2)]),
    ("masked_fill", lambda m, a: a.masked_fill(a > 0, 0.5), [(3, 3)]),
    # softmax
    ("softmax", lambda m, a: m.softmax(a, 1), [(3, 4)]),
    ("softmax_neg_dim", lambda m, a: m.softmax(a, -3), [(2, 3, 4)]),
    ("log_softmax", lambda m, a: m.log_softmax(a, 0), [(3, 4)]),
    ("log_softmax_0d", lambda m, a: m.log_softmax(a, 0) + a, [()]),
    # conversions
    ("clone", lambda m, a: a.clone() * 2, [(2, 3)]),
    ("contiguous", lambda m, a: a.T.contiguous(), [(2, 3)]),
]

POSITIVE = {"log", "sqrt", "pow_tensor", "rsqrt", "reciprocal", "div", "rdiv", "prod", "prod_dim"}


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, shapes):
    assert gradcheck(lambda *a: fn(mg, *a), _inputs(shapes, positive=name in POSITIVE))


# view() of a transposed tensor raises, as in PyTorch (tested in test_tensor.py).
MATRIX_CASES = [c for c in CASES if any(len(s) >= 2 and min(s[-2:]) > 1 for s in c[2]) and c[0] != "view"]


@pytest.mark.parametrize("name, fn, shapes", MATRIX_CASES, ids=[c[0] for c in MATRIX_CASES])
def test_gradcheck_non_contiguous_inputs(name, fn, shapes):
    inputs = _inputs(shapes, seed=1, positive=name in POSITIVE, transpose=True)
    assert any(not t.is_contiguous() for t in inputs)
    assert gradcheck(lambda *a: fn(mg, *a), inputs)


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_forward_and_backward_match_torch(name, fn, shapes):
    torch = pytest.importorskip("torch")
    ours = _inputs(shapes, seed=2, positive=name in POSITIVE)
    theirs = [torch.tensor(t.detach().numpy(), requires_grad=True) for t in ours]
    out, expected = fn(mg, *ours), fn(torch, *theirs)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    grad = np.random.default_rng(3).standard_normal(tuple(expected.shape))
    out.backward(mg.tensor(grad))
    expected.backward(torch.tensor(grad))
    for a, b in zip(ours, theirs):
        if b.grad is None:
            assert a.grad is None or not a.grad.numpy().any()
        else:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_gradcheck_catches_a_wrong_gradient_and_names_the_input():
    class WrongSquare(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x  # should be 2 * x

    x = mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"with respect to input 0[\s\S]*worst element: d output\[2\] / d input\[2\]"):
        gradcheck(WrongSquare.apply, (x,))
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False
