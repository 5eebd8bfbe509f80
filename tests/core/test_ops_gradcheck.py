"""gradcheck (float64 central differences) for every differentiable tensor op.

Each case is (name, function, input shapes); inputs are random float64 leaves. Shapes cover
broadcasting, 0-d tensors, empty dimensions, negative dims and non-contiguous inputs.
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck
from minigrad.functions.matmul import linear


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
    ("add", lambda a, b: a + b, [(3, 4), (4,)]),
    ("add_alpha", lambda a, b: mg.add(a, b, alpha=-2.5), [(2, 3), (2, 1)]),
    ("radd_scalar", lambda a: 2.0 + a, [(3,)]),
    ("sub", lambda a, b: a - b, [(2, 1, 3), (4, 1)]),
    ("rsub", lambda a: 1.5 - a, [(2, 2)]),
    ("mul", lambda a, b: a * b, [(3, 1), (1, 4)]),
    ("mul_0d", lambda a, b: a * b, [(), (2, 3)]),
    ("div", lambda a, b: a / b, [(3, 4), (4,)]),
    ("rdiv", lambda a: 2.0 / a, [(5,)]),
    ("neg", lambda a: -a, [(2, 3)]),
    ("pow_scalar", lambda a: a ** 3, [(2, 3)]),
    ("pow_tensor", lambda a, b: a ** b, [(2, 3), (3,)]),
    ("rpow", lambda a: 2.0 ** a, [(4,)]),
    ("square", lambda a: mg.square(a), [(3,)]),
    # unary
    ("exp", mg.exp, [(3, 2)]),
    ("log", mg.log, [(3, 2)]),
    ("sqrt", mg.sqrt, [(3, 2)]),
    ("abs", mg.abs, [(3, 2)]),
    ("sin", mg.sin, [(3, 2)]),
    ("cos", mg.cos, [(3, 2)]),
    ("tanh", mg.tanh, [(3, 2)]),
    ("sigmoid", mg.sigmoid, [(3, 2)]),
    ("relu", mg.relu, [(3, 2)]),
    ("rsqrt", mg.rsqrt, [(4,)]),
    ("reciprocal", mg.reciprocal, [(4,)]),
    # selection
    ("maximum", mg.maximum, [(3, 4), (4,)]),
    ("minimum", mg.minimum, [(3, 4), (3, 1)]),
    ("where", lambda a, b: mg.where(a > 0, a, b), [(3, 4), (4,)]),
    ("clamp", lambda a: mg.clamp(a, -0.5, 0.5), [(4, 5)]),
    ("clamp_min", lambda a: a.clamp(min=0.1), [(4, 5)]),
    # reductions
    ("sum_all", lambda a: a.sum(), [(3, 4)]),
    ("sum_dim", lambda a: a.sum(1), [(3, 4)]),
    ("sum_neg_dims_keepdim", lambda a: a.sum((-1, 0), keepdim=True), [(2, 3, 4)]),
    ("sum_empty", lambda a: a.sum(0), [(0, 3)]),
    ("mean", lambda a: a.mean(), [(3, 4)]),
    ("mean_dim", lambda a: a.mean(-1, keepdim=True), [(3, 4)]),
    ("prod", lambda a: a.prod(), [(2, 3)]),
    ("prod_dim", lambda a: a.prod(1), [(2, 3)]),
    ("var", lambda a: a.var(), [(3, 4)]),
    ("var_dim_biased", lambda a: a.var(0, unbiased=False), [(3, 4)]),
    ("var_correction", lambda a: a.var(1, correction=0, keepdim=True), [(3, 4)]),
    ("std", lambda a: a.std(1), [(3, 4)]),
    ("max_all", lambda a: a.max(), [(3, 4)]),
    ("max_dim", lambda a: a.max(1).values, [(3, 4)]),
    ("min_dim_keepdim", lambda a: a.min(-2, keepdim=True)[0], [(3, 4)]),
    ("max_binary", lambda a, b: mg.max(a, b), [(3, 4), (3, 4)]),
    ("logsumexp", lambda a: mg.logsumexp(a, 1), [(3, 4)]),
    ("logsumexp_dims", lambda a: mg.logsumexp(a, (0, 2), keepdim=True), [(2, 3, 4)]),
    # matmul
    ("matmul_2d", mg.matmul, [(3, 4), (4, 5)]),
    ("matmul_1d_1d", mg.matmul, [(4,), (4,)]),
    ("matmul_1d_2d", mg.matmul, [(4,), (4, 5)]),
    ("matmul_2d_1d", mg.matmul, [(3, 4), (4,)]),
    ("matmul_batched", mg.matmul, [(2, 3, 4), (2, 4, 5)]),
    ("matmul_broadcast", mg.matmul, [(2, 1, 3, 4), (5, 4, 2)]),
    ("matmul_1d_batched", mg.matmul, [(4,), (3, 4, 2)]),
    ("linear", lambda x, w, b: linear(x, w, b), [(5, 3), (4, 3), (4,)]),
    ("linear_3d", lambda x, w: linear(x, w), [(2, 5, 3), (4, 3)]),
    ("linear_1d", lambda x, w, b: linear(x, w, b), [(3,), (4, 3), (4,)]),
    # shape
    ("reshape", lambda a: a.reshape(6, -1), [(3, 4)]),
    ("view", lambda a: a.view(2, 2, 3), [(3, 4)]),
    ("transpose", lambda a: a.transpose(0, -1), [(2, 3, 4)]),
    ("permute", lambda a: a.permute(2, 0, 1), [(2, 3, 4)]),
    ("T", lambda a: a.T, [(2, 3)]),
    ("expand", lambda a: a.expand(2, 3, 4), [(3, 1)]),
    ("expand_as", lambda a, b: a.expand_as(b) * b, [(1, 4), (3, 4)]),
    ("repeat", lambda a: a.repeat(2, 1, 3), [(2, 3)]),
    ("squeeze", lambda a: a.squeeze(), [(1, 3, 1)]),
    ("squeeze_dim", lambda a: a.squeeze(-1), [(3, 1)]),
    ("unsqueeze", lambda a: a.unsqueeze(-1), [(3, 2)]),
    ("flatten", lambda a: a.flatten(1), [(2, 3, 4)]),
    ("flip", lambda a: mg.flip(a, (0, 1)), [(2, 3)]),
    ("cat", lambda a, b: mg.cat([a, b], -1), [(2, 3), (2, 2)]),
    ("stack", lambda a, b: mg.stack([a, b], 1), [(2, 3), (2, 3)]),
    ("split", lambda a: mg.split(a, 2, dim=1)[1], [(2, 5)]),
    ("chunk", lambda a: a.chunk(3)[-1], [(7, 2)]),
    ("unbind", lambda a: a.unbind(1)[1], [(2, 3)]),
    # indexing
    ("getitem_int", lambda a: a[1], [(3, 4)]),
    ("getitem_slices_steps", lambda a: a[::2, 1:-1], [(5, 4)]),
    ("getitem_negative", lambda a: a[-1, -2], [(3, 4)]),
    ("getitem_none_ellipsis", lambda a: a[None, ..., 0], [(2, 3, 4)]),
    ("getitem_bool_mask", lambda a: a[a > 0], [(4, 5)]),
    ("getitem_int_array_repeated", lambda a: a[mg.tensor([0, 2, 0, 0])], [(3, 2)]),
    ("getitem_int_arrays", lambda a: a[[0, 1, 1], [2, 0, 2]], [(2, 3)]),
    ("gather", lambda a: mg.gather(a, 1, mg.tensor([[0, 0], [2, 1]])), [(2, 3)]),
    ("index_select", lambda a: mg.index_select(a, 0, mg.tensor([2, 0, 2])), [(3, 2)]),
    ("masked_fill", lambda a: a.masked_fill(a > 0, 0.5), [(3, 3)]),
    # softmax
    ("softmax", lambda a: mg.softmax(a, 1), [(3, 4)]),
    ("softmax_neg_dim", lambda a: mg.softmax(a, -3), [(2, 3, 4)]),
    ("log_softmax", lambda a: mg.log_softmax(a, 0), [(3, 4)]),
    ("log_softmax_0d", lambda a: mg.log_softmax(a, 0) + a, [()]),
    # conversions
    ("clone", lambda a: a.clone() * 2, [(2, 3)]),
    ("contiguous", lambda a: a.T.contiguous(), [(2, 3)]),
]

POSITIVE = {"log", "sqrt", "pow_tensor", "rsqrt", "reciprocal", "div", "rdiv", "prod", "prod_dim"}


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, shapes):
    assert gradcheck(fn, _inputs(shapes, positive=name in POSITIVE))


# view() of a transposed tensor raises, as in PyTorch (tested in test_tensor.py).
MATRIX_CASES = [c for c in CASES if any(len(s) >= 2 and min(s[-2:]) > 1 for s in c[2]) and c[0] != "view"]


@pytest.mark.parametrize("name, fn, shapes", MATRIX_CASES, ids=[c[0] for c in MATRIX_CASES])
def test_gradcheck_non_contiguous_inputs(name, fn, shapes):
    inputs = _inputs(shapes, seed=1, positive=name in POSITIVE, transpose=True)
    assert any(not t.is_contiguous() for t in inputs)
    assert gradcheck(fn, inputs)


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
