"""In-place operations on views (CopySlices) and on detached tensors, against PyTorch.

Each parity scenario is written once as ``fn(m, x, y)`` for ``m`` = minigrad and torch: it builds a
base from the float64 leaf ``x``, changes a view of it in place (often with ``y``, a second leaf),
and returns the tensors to compare. The harness compares their values and grad_fn names, then
backpropagates the same random weighting of all of them and compares the leaves' gradients.
Errors are compared by type and message. ``gradcheck`` checks CopySlices without PyTorch.
"""
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck


def _leaves(m, seed=0):
    rng = np.random.default_rng(seed)
    x = m.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    y = m.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    return x, y


def _run(m, fn):
    x, y = _leaves(m)
    outputs = fn(m, x, y)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    loss = 0
    rng = np.random.default_rng(1)
    for out in outputs:
        if out.requires_grad:
            loss = loss + (out * m.tensor(rng.standard_normal(tuple(out.shape)))).sum()
    if not isinstance(loss, int):
        loss.backward()
    return outputs, (x.grad, y.grad)


def _grad_fn_name(t):
    """The node's name as a tensor's repr shows it (torch's class name; minigrad's ``name()``)."""
    if t.grad_fn is None:
        return None
    return t.grad_fn.name() if isinstance(t, mg.Tensor) else type(t.grad_fn).__name__


def assert_matches_torch(fn, names=True):
    """Run ``fn`` with minigrad and with torch; compare outputs, grad_fn names, leaf gradients."""
    torch = pytest.importorskip("torch")
    ours, our_grads = _run(mg, fn)
    theirs, their_grads = _run(torch, fn)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
        assert a.requires_grad == b.requires_grad
        if names:
            assert _grad_fn_name(a) == _grad_fn_name(b)
    for a, b in zip(our_grads, their_grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


def assert_raises_like_torch(fn):
    """``fn(m, x, y)`` raises the same error type and message with minigrad as with torch."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        _run(torch, fn)
    with pytest.raises(type(theirs.value)) as ours:
        _run(mg, fn)
    assert str(ours.value) == str(theirs.value)


# ---- every view kind, every kind of in-place op ------------------------------------------------
VIEWS = {
    "slice": lambda b: b[1:3],
    "slice_step": lambda b: b[::2],
    "column": lambda b: b[:, 0],
    "element": lambda b: b[1, 2],
    "row_int": lambda b: b[2],
    "ellipsis_none": lambda b: b[..., None],
    "narrow": lambda b: b.narrow(1, 1, 2),
    "select": lambda b: b.select(1, 2),
    "view": lambda b: b.view(12),
    "view_as": lambda b: b.view(2, 6).view(3, 4),
    "reshape": lambda b: b.reshape(2, 6),
    "flatten": lambda b: b.flatten(),
    "unflatten": lambda b: b.unflatten(1, (3, 1)),
    "transpose": lambda b: b.transpose(0, 1),
    "t": lambda b: b.t(),
    "T": lambda b: b.T,
    "permute": lambda b: b.permute(1, 0),
    "movedim": lambda b: b.movedim(0, 1),
    "unsqueeze": lambda b: b.unsqueeze(1),
    "squeeze": lambda b: b.unsqueeze(0).squeeze(0),
    "diagonal": lambda b: b.diagonal(),
    "diagonal_offset": lambda b: b.diagonal(-1),
    "view_of_view": lambda b: b[1:].t()[1:, ::2],
    "select_of_transpose": lambda b: b.t()[1],
}

OPS = {
    "mul_": lambda v, w: v.mul_(2.5),
    "add_tensor": lambda v, w: v.add_(w),
    "imul_tensor": lambda v, w: v.__imul__(w),
    "copy_": lambda v, w: v.copy_(w),
    "fill_": lambda v, w: v.fill_(0.5),
    "zero_": lambda v, w: v.zero_(),
    "clamp_": lambda v, w: v.clamp_(-0.3, 0.4),
    "relu_": lambda v, w: v.relu_(),
    "exp_": lambda v, w: v.exp_(),
    "setitem": lambda v, w: v.__setitem__(..., w * 3),
}


def _view_of_y(y, view):
    """A non-view tensor from y with the view's shape, to use as the in-place op's argument."""
    return (y.reshape(-1)[: view.numel()] * 1).reshape(tuple(view.shape))


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("view", list(VIEWS))
def test_inplace_on_view_matches_torch(view, op):
    def fn(m, x, y):
        base = x * 1.5
        v = VIEWS[view](base)
        OPS[op](v, _view_of_y(y, v))
        return [base, v, base * 2]

    assert_matches_torch(fn)


@pytest.mark.parametrize("view", ["slice", "column", "t", "view", "diagonal", "view_of_view"])
def test_base_not_requiring_grad_starts_requiring_it(view):
    """A value that requires grad written into a view of a base that does not: the base gets
    CopySlices and requires grad; the view and views made earlier follow."""
    def fn(m, x, y):
        base = m.zeros(4, 3, dtype=m.float64)
        earlier = base[0]
        v = VIEWS[view](base)
        v.copy_(_view_of_y(y, v))
        return [base, v, earlier]

    assert_matches_torch(fn)


@pytest.mark.parametrize("view", ["slice", "t", "diagonal", "view_of_view"])
def test_view_made_before_the_change_sees_the_new_history(view):
    def fn(m, x, y):
        base = x * 1
        sibling = base[:, 1]
        older = VIEWS[view](base)
        base[2:].mul_(y[2:])  # another view of base changes in place
        return [older * 1, sibling.sum(), base]

    assert_matches_torch(fn)


def test_in_place_on_the_base_regenerates_its_views():
    def fn(m, x, y):
        base = x * 1
        v, w = base.t(), base[1]
        base.mul_(y)
        return [v, w, v * w[0]]

    assert_matches_torch(fn)


def test_two_views_changed_then_base_and_views_used():
    def fn(m, x, y):
        base = x * 1
        a, c = base[0], base[:, 1]
        a.mul_(2)
        c.mul_(y[:, 1])
        return [base * base, a, c]

    assert_matches_torch(fn)


def test_expanded_view_regenerated_sums_its_gradient():
    def fn(m, x, y):
        base = x * 1
        e = base[0:1].expand(3, 4, 3)
        base.mul_(y)
        return [e]

    assert_matches_torch(fn)


def test_chain_of_changes_on_nested_views():
    def fn(m, x, y):
        base = x * 1
        outer = base[1:]
        inner = outer[:, 1:]
        inner.mul_(y[1:, 1:])
        outer[0].add_(1)
        inner.t()[0].sigmoid_()
        return [base, outer, inner]

    assert_matches_torch(fn)


@pytest.mark.parametrize("index", ["slice", "int", "columns", "ellipsis", "none", "step", "negative"])
def test_setitem_matches_torch(index):
    indices = {"slice": slice(1, 3), "int": 2, "columns": (slice(None), 1), "ellipsis": (..., 0),
               "none": (None, 1), "step": slice(None, None, 2), "negative": (-1, slice(0, 2))}

    def fn(m, x, y):
        base = x * 1
        target = base[indices[index]]
        base[indices[index]] = (y.reshape(-1)[: target.numel()] * 2).reshape(tuple(target.shape))
        return [base]

    assert_matches_torch(fn)


def test_copy_into_a_non_leaf_gives_its_old_values_zero_gradient():
    def fn(m, x, y):
        base = x * 1
        base.copy_(m.ones(3, dtype=m.float64))
        other = y * 1
        other.fill_(2.0)
        return [base, other]

    assert_matches_torch(fn, names=False)  # torch: CopyBackwards / FillBackward0; minigrad: WhereBackward0
    x, _ = _leaves(mg)
    base = x * 1
    base.copy_(mg.ones(3, dtype=mg.float64))
    assert base.grad_fn is not None and not base.is_leaf


def test_augmented_assignment_to_a_slice():
    def fn(m, x, y):
        base = x * 1
        base[1:3] += y[1:3]  # base.__setitem__(s, base[s].__iadd__(...)): an in-place change, then a copy
        base[:, 0] *= y[:, 1]
        return [base]

    assert_matches_torch(fn)


def test_setitem_value_requiring_grad_into_base_that_does_not():
    def fn(m, x, y):
        out = m.zeros(4, 3, dtype=m.float64)
        for i in range(4):
            out[i] = x[i] * y[3 - i]
        return [out, out ** 2]

    assert_matches_torch(fn)


def test_setitem_advanced_index_keeps_index_put():
    def fn(m, x, y):
        base = x * 1
        base[[0, 2]] = y[:2]
        base[base > 1] = 0.5
        return [base]

    assert_matches_torch(fn)


def test_setitem_broadcasts_and_drops_leading_ones():
    def fn(m, x, y):
        base = x * 1
        base[1:3] = y[0]
        base[0] = y[1:2].unsqueeze(0)  # shape (1, 1, 3) into a row of 3
        return [base]

    assert_matches_torch(fn)


def test_setitem_casts_the_value_like_torch():
    torch = pytest.importorskip("torch")
    for m in (mg, torch):
        ints = m.zeros(2, 3, dtype=m.int64)
        ints[0] = 1.7
        ints[1, 1:] = m.tensor([2.5, -3.9])
        assert ints.tolist() == [[1, 1, 1], [0, 2, -3]]


def test_non_contiguous_and_strided_bases():
    """The region of a view is found from memory, so the base's own layout does not matter: a
    transposed (Fortran-ordered) result, and a base made from a numpy array with gaps."""
    def fn(m, x, y):
        transposed = x.t() * 1  # numpy keeps the transposed layout
        transposed[1:, 1].mul_(y[0, 1:])
        transposed.t()[2].add_(y[1])
        return [transposed]

    assert_matches_torch(fn)
    gapped = mg.from_numpy(np.zeros((4, 6))[:, ::2])
    x, y = _leaves(mg)
    gapped[1:3, ::2].copy_(x[:2, :2])
    (gapped * y).sum().backward()
    expected = np.zeros((4, 3))
    expected[:2, :2] = y.detach().numpy()[1:3, ::2]
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    np.testing.assert_array_equal(gapped.detach().numpy()[1:3, ::2], x.detach().numpy()[:2, :2])


def test_zero_dim_base():
    def fn(m, x, y):
        total = x.sum()
        total[None].mul_(y[0, 0])
        e = total.expand(2, 3)
        total.add_(1)
        return [total, e]

    assert_matches_torch(fn)


def test_random_fills_of_a_view_give_zero_gradient():
    def fn(m, x, y):
        base = x * 1
        base[1:3].uniform_()
        base[0].normal_()
        return [base]

    torch = pytest.importorskip("torch")
    ours, (our_grad, _) = _run(mg, fn)
    theirs, (their_grad, _) = _run(torch, fn)
    np.testing.assert_array_equal(our_grad.numpy()[:3], 0)
    np.testing.assert_allclose(our_grad.numpy(), their_grad.numpy(), rtol=1e-12)
    assert _grad_fn_name(ours[0]) == _grad_fn_name(theirs[0]) == "CopySlices"
    x = mg.ones(3, requires_grad=True)
    out = x * 1
    out.uniform_()  # a whole non-leaf: its old values get zero gradient too
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_view_retains_grad_and_base_retains_grad():
    def fn(m, x, y):
        base = x * 1
        base.retain_grad()
        v = base[1]
        v.mul_(y[1])
        return [base]

    assert_matches_torch(fn)
    x, y = _leaves(mg)
    base = x * 1
    base.retain_grad()
    base[1].mul_(y[1])
    (base * 3).sum().backward()
    np.testing.assert_array_equal(base.grad.numpy(), np.full((4, 3), 3.0))


def test_grad_fn_names_and_graph_shape():
    x, y = _leaves(mg)
    base = x * 1
    v = base[1:3]
    v.mul_(2)
    assert type(base.grad_fn).__name__ == "CopySlices" and base.grad_fn.name() == "CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    assert v.grad_fn.next_functions == ((base.grad_fn, 0),)
    assert repr(base).endswith("grad_fn=<CopySlices>)")
    assert not v.is_leaf and v.requires_grad and v._version == base._version == 1


def _changes_views_in_place(x, y):
    base = x * x
    base[1:3, ::2].mul_(y[0, :2])
    base.t()[1].add_(y[:, 1] ** 2)
    base.diagonal().mul_(y[2])
    return base * base


def _uses_regenerated_views(x, y):
    base = x * 1
    expanded, transposed = base[0:1].expand(3, 4, 3), base.t()
    base.mul_(y)  # both views get AsStridedBackward0 histories
    return expanded * transposed.exp().sum()


@pytest.mark.parametrize("fn", [_changes_views_in_place, _uses_regenerated_views])
def test_gradcheck_and_gradgradcheck(fn):
    rng = np.random.default_rng(3)
    x, y = (mg.from_numpy(rng.standard_normal((4, 3))).requires_grad_() for _ in range(2))
    assert gradcheck(fn, (x, y))
    assert gradgradcheck(fn, (x, y))


def test_second_derivative_through_copy_slices_matches_torch():
    torch = pytest.importorskip("torch")
    results = []
    for m in (mg, torch):
        x, y = _leaves(m)
        out = _changes_views_in_place(x, y).sum()
        (grad_x,) = m.autograd.grad(out, x, create_graph=True)
        (grad_x * grad_x).sum().backward()
        results.append((grad_x.detach().numpy(), x.grad.numpy(), y.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# ---- version counters ------------------------------------------------------------------------
def _saved_output_then_view_changed(m, x, y):
    s = x.sigmoid()  # SigmoidBackward0 saves s
    s[0].mul_(2)
    return s.sum()


def _saved_exp_then_column_zeroed(m, x, y):
    s = x.exp()
    s[:, 1].zero_()
    return s.sum()


def _saved_input_then_view_changed(m, x, y):
    base = x * 1
    out = base.sin()  # SinBackward0 saves base
    base[1].mul_(2)
    return out.sum()


def _product_saves_other_operand_only(m, x, y):
    base = x * 1
    out = base * 2
    base[1].mul_(2)
    return out.sum()


def _relu_of_view_then_base_changed(m, x, y):
    base = x * 1
    base[1:].relu_()  # ReluBackward0 saves its result: the view
    base.add_(1)
    return base.sum()


def _view_of_relu_result(m, x, y):
    base = x * 1
    base.relu_()
    return (base.t() * 2).sum()


def _detached_non_leaf_changed(m, x, y):
    s = x.tanh()
    s.detach().zero_()
    return s.sum()


def _detached_non_leaf_not_saved(m, x, y):
    s = x * 3
    s.detach().zero_()
    return s.sum()


def _exp_of_view_then_base_changed(m, x, y):
    base = x * 1
    base[1:].exp_()  # ExpBackward0 saves its result: the view itself
    base.add_(1)
    return base.sum()


def _sigmoid_in_place_then_changed_again(m, x, y):
    base = x * 1
    base.sigmoid_()
    base.mul_(2)
    return base.sum()


def _in_place_product_then_other_operand_changed(m, x, y):
    base, other = x * 1, y * 1
    base[0].mul_(other[0])  # saves other
    other.add_(1)
    return base.sum()


def _in_place_product_then_own_values_changed(m, x, y):
    base, other = x * 1, y * 1
    base[0].mul_(other[0])  # needs its old values for other's gradient: a copy, as PyTorch's clone
    base.add_(1)
    return base.sum()


VERSION_CASES = [_exp_of_view_then_base_changed, _sigmoid_in_place_then_changed_again,
                 _in_place_product_then_other_operand_changed, _in_place_product_then_own_values_changed,
                 _saved_output_then_view_changed, _saved_exp_then_column_zeroed, _saved_input_then_view_changed,
                 _product_saves_other_operand_only, _relu_of_view_then_base_changed, _view_of_relu_result,
                 _detached_non_leaf_changed, _detached_non_leaf_not_saved]


@pytest.mark.parametrize("fn", VERSION_CASES, ids=[f.__name__.strip("_") for f in VERSION_CASES])
def test_version_counter_errors_where_torch_raises(fn):
    torch = pytest.importorskip("torch")
    try:
        _run(torch, fn)
    except RuntimeError as error:
        assert "modified by an inplace operation" in str(error)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            _run(mg, fn)
    else:
        assert_matches_torch(fn, names=False)


# ---- errors ----------------------------------------------------------------------------------
def _unbind_then_change(m, x, y):
    parts = (x * 1).unbind(0)
    parts[1].mul_(2)


def _split_then_change(m, x, y):
    (x * 1).split(2)[1].add_(1)


def _split_sizes_then_change(m, x, y):
    (x * 1).split([1, 3])[1].add_(1)


def _chunk_then_change(m, x, y):
    (x * 1).chunk(2, dim=1)[0].zero_()


def _iterated_row_changed(m, x, y):
    for row in x * 1:  # iteration unbinds, as in PyTorch
        row.mul_(2)


def _unbind_then_sibling_changed(m, x, y):
    base = x * 1
    parts = base.unbind(1)
    base[0].mul_(2)
    return parts[2] * 2


def _unbind_of_base_not_requiring_grad_gets_grad_value(m, x, y):
    parts = m.zeros(4, 3, dtype=m.float64).unbind(0)
    parts[0].copy_(x[0])


def _view_of_unbind_output(m, x, y):
    (x * 1).unbind(0)[1][0:2].mul_(2)


def _copy_and_row_made_in(mode, x):
    """``x * 1`` and its row 0, a view made inside the context ``mode`` (no_grad, inference_mode)."""
    base = x * 1
    with mode:
        return base, base[0]


def _no_grad_view_changed(m, x, y):
    _, v = _copy_and_row_made_in(m.no_grad(), x)
    v.mul_(2)


def _no_grad_view_of_leaf_changed(m, x, y):
    with m.no_grad():
        v = x[0]
    v.mul_(2)


def _no_grad_view_after_sibling_changed(m, x, y):
    base, v = _copy_and_row_made_in(m.no_grad(), x)
    base[1].mul_(2)
    return v * 2


def _view_of_no_grad_view_changed(m, x, y):
    _, v = _copy_and_row_made_in(m.no_grad(), x)
    v[0:2].mul_(2)


def _inference_view_changed(m, x, y):
    _, v = _copy_and_row_made_in(m.inference_mode(), x)
    v.mul_(2)


def _leaf_changed(m, x, y):
    x.mul_(2)


def _view_of_leaf_changed(m, x, y):
    x[0].mul_(2)


def _setitem_on_leaf(m, x, y):
    x[0] = 1.0


def _setitem_advanced_on_leaf(m, x, y):
    x[[0]] = 1.0


def _custom_function_view_changed(m, x, y):
    class First(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a[0]

        @staticmethod
        def backward(ctx, grad):
            raise AssertionError("not reached")

    First.apply(x * 1).mul_(2)


def _custom_function_identity_changed(m, x, y):
    class Identity(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, grad):
            return grad

    Identity.apply(x * 1).mul_(2)


def _detach_view_in_place(m, x, y):
    (x * 1)[0].detach_()


def _expanded_changed(m, x, y):
    (x * 1).expand(2, 4, 3).mul_(2)


ERROR_CASES = [_unbind_then_change, _iterated_row_changed, _split_then_change, _split_sizes_then_change, _chunk_then_change,
               _unbind_then_sibling_changed, _unbind_of_base_not_requiring_grad_gets_grad_value,
               _no_grad_view_changed, _no_grad_view_of_leaf_changed,
               _no_grad_view_after_sibling_changed, _inference_view_changed,
               _leaf_changed, _view_of_leaf_changed, _setitem_on_leaf, _setitem_advanced_on_leaf,
               _custom_function_identity_changed, _detach_view_in_place, _expanded_changed]


@pytest.mark.parametrize("fn", ERROR_CASES, ids=[f.__name__.strip("_") for f in ERROR_CASES])
def test_errors_match_torch(fn):
    assert_raises_like_torch(fn)


def test_error_names_of_view_nodes_follow_minigrad():
    """Where PyTorch names the view's node (``Output 0 of Slice ...``), minigrad names its own
    (basic indexing is one node here, IndexBackward0); the rest of the message is PyTorch's."""
    with pytest.raises(RuntimeError, match=re.escape(
            "Output 0 of Index is a view and is being modified inplace. This view is the output of a function "
            "that returns multiple views.")):
        _view_of_unbind_output(mg, *_leaves(mg))
    with pytest.raises(RuntimeError, match=re.escape(
            "Output 0 of Index is a view of a view which was created in no_grad mode and is being modified "
            "inplace with grad mode enabled. Given that")):
        _view_of_no_grad_view_changed(mg, *_leaves(mg))
    with pytest.raises(RuntimeError, match=re.escape(
            "Output 0 of First is a view and is being modified inplace. This view was created inside a custom "
            "Function (or because an input was returned as-is)")):
        _custom_function_view_changed(mg, *_leaves(mg))


def test_allowed_in_place_changes_of_restricted_views():
    """Nothing is recorded, so nothing is forbidden: multi-output and no_grad views of tensors
    that do not require grad, and any view changed under no_grad."""
    parts = mg.zeros(4, 3).unbind(0)
    parts[0].add_(1)
    with mg.no_grad():
        v = mg.zeros(3)[1:]
    v.fill_(2)
    x, _ = _leaves(mg)
    with mg.no_grad():
        x[0].mul_(2)
        x.split(2)[1].zero_()
    assert x.is_leaf and x.grad_fn is None


def test_views_of_no_grad_view_of_leaf_require_grad_as_in_torch():
    torch = pytest.importorskip("torch")
    for m in (mg, torch):
        x, _ = _leaves(m)
        with m.no_grad():
            v = x[0:2]
        assert v.requires_grad and v.grad_fn is None and v.is_leaf


# ---- detach ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fill", [
    lambda d: d.zero_(), lambda d: d.fill_(0.25), lambda d: d.uniform_(-1, 1), lambda d: d.normal_(),
    lambda d: d.copy_(mg.ones(4, 3)), lambda d: d.mul_(3), lambda d: d[1:].zero_(), lambda d: d.__setitem__(0, 7.0),
])
def test_detach_of_a_leaf_changes_its_values_in_grad_mode(fill):
    x, _ = _leaves(mg)
    before = x.detach().numpy().copy()
    detached = x.detach()
    assert detached._base is None and not detached.requires_grad
    fill(detached)
    np.testing.assert_array_equal(x.detach().numpy(), detached.numpy())
    assert not np.array_equal(x.detach().numpy(), before)
    assert x.is_leaf and x.grad_fn is None and x.requires_grad and x._version == detached._version > 0
    (x * 2).sum().backward()  # x saved nothing: no version error
    np.testing.assert_array_equal(x.grad.numpy(), np.full((4, 3), 2.0))


def test_detach_idioms_match_torch():
    torch = pytest.importorskip("torch")
    for m in (mg, torch):
        w = m.empty(3, 5, requires_grad=True)
        w.detach().zero_()
        assert w.tolist() == [[0.0] * 5] * 3 and w._base is None and w.detach()._base is None
        m.manual_seed(0)
        w.detach().uniform_(0.5, 1.0)
        assert (w.detach().numpy() >= 0.5).all() and w.is_leaf


def test_nn_init_still_works_on_parameters_and_their_views():
    layer = mg.nn.Linear(4, 3)
    for init in (lambda w: mg.nn.init.zeros_(w), lambda w: mg.nn.init.ones_(w),
                 lambda w: mg.nn.init.uniform_(w), lambda w: mg.nn.init.normal_(w),
                 lambda w: mg.nn.init.xavier_uniform_(w), lambda w: mg.nn.init.kaiming_normal_(w),
                 lambda w: mg.nn.init.constant_(w, 0.3), lambda w: mg.nn.init.orthogonal_(w),
                 lambda w: mg.nn.init.eye_(w)):
        version = layer.weight._version
        init(layer.weight)
        assert layer.weight._version > version and layer.weight.is_leaf and layer.weight.requires_grad
    mg.nn.init.zeros_(layer.weight[0])  # a view of the parameter, under init's no_grad
    assert layer.weight[0].tolist() == [0.0] * 4 and layer.weight.is_leaf
    layer(mg.ones(2, 4)).sum().backward()
    assert layer.weight.grad.shape == (3, 4)


def test_in_place_on_output_of_module_with_full_backward_hook_raises_like_torch():
    """Full backward hooks pass the output through a custom Function that returns it as is: a
    view that PyTorch forbids changing in place (its backward would be bypassed)."""
    torch = pytest.importorskip("torch")
    messages = []
    for m in (mg, torch):
        layer = m.nn.Linear(3, 3)
        layer.register_full_backward_hook(lambda module, grad_input, grad_output: None)
        out = layer(m.ones(2, 3))
        with pytest.raises(RuntimeError) as error:
            m.nn.functional.relu(out, inplace=True)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
