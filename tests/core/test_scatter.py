"""Reading at indices (take, take_along_dim, masked_select) and writing into a copy at indices
(scatter, scatter_add, scatter_reduce, index_add, index_copy, index_fill, masked_scatter, put): gradcheck, PyTorch
parity (values, grad_fn, gradients of both the input and the written values), second
derivatives, the in-place forms and PyTorch's errors."""
import numpy as np
import pytest

import minigrad as mg


def _long(m, values):
    return m.tensor(values, dtype=m.int64)


def _mask(m, values):
    return m.tensor(values, dtype=m.bool)


CASES = [
    ("take", lambda m, a: m.take(a, _long(m, [[0, -1], [5, 5]])), [(2, 3)]),
    ("take_along_dim", lambda m, a: m.take_along_dim(a, _long(m, [[0, 2, 2], [1, 0, 0]]), dim=1), [(2, 3)]),
    ("take_along_dim_broadcast", lambda m, a: a.take_along_dim(_long(m, [[2], [0]]), 1), [(2, 3)]),
    ("take_along_dim_flat", lambda m, a: m.take_along_dim(a, _long(m, [5, 0, 0])), [(2, 3)]),
    ("masked_select", lambda m, a: m.masked_select(a, _mask(m, [True, False, True])), [(2, 3)]),
    ("scatter", lambda m, a, b: m.scatter(a, 1, _long(m, [[2, 0], [1, 2]]), b), [(2, 3), (2, 2)]),
    ("scatter_part", lambda m, a, b: m.scatter(a, 0, _long(m, [[2, 0]]), b), [(3, 4), (1, 2)]),
    ("scatter_value", lambda m, a: a.scatter(0, _long(m, [[1, 0, 1]]), 2.5), [(2, 3)]),
    ("scatter_add", lambda m, a, b: m.scatter_add(a, 0, _long(m, [[1, 0, 1], [1, 1, 0]]), b), [(2, 3), (2, 3)]),
    ("scatter_add_part", lambda m, a, b: m.scatter_add(a, 1, _long(m, [[1], [1]]), b), [(3, 2), (2, 1)]),
    ("index_add", lambda m, a, b: m.index_add(a, 1, _long(m, [2, 0, 2]), b, alpha=-1.5), [(2, 3), (2, 3)]),
    ("index_copy", lambda m, a, b: m.index_copy(a, 0, _long(m, [2, 0]), b), [(3, 2), (2, 2)]),
    ("index_fill", lambda m, a: m.index_fill(a, 1, _long(m, [0, 2]), -1.0), [(2, 3)]),
    ("index_fill_tensor", lambda m, a, v: a.index_fill(1, _long(m, [0, 2]), v), [(2, 3), ()]),
    ("masked_scatter", lambda m, a, b: m.masked_scatter(a, _mask(m, [[True, False, True], [False, False, True]]), b),
     [(2, 3), (5,)]),
    ("masked_scatter_broadcast", lambda m, a, b: a.masked_scatter(_mask(m, [True, False, True]), b), [(2, 3), (2, 3)]),
    ("put", lambda m, a, b: a.put(_long(m, [0, -1, 3]), b), [(2, 3), (3,)]),
    ("put_accumulate", lambda m, a, b: a.put(_long(m, [0, 0, 3]), b, accumulate=True), [(2, 3), (3,)]),
    ("index_put", lambda m, a, b: m.index_put(a, (_long(m, [1, 0]), _long(m, [2, 2])), b), [(2, 3), (2,)]),
    ("index_put_accumulate", lambda m, a, b: a.index_put((_long(m, [1, 1]),), b, accumulate=True), [(2, 3), (3,)]),
    ("select_scatter", lambda m, a, b: m.select_scatter(a, b, 1, -1), [(2, 3), (2,)]),
    ("slice_scatter", lambda m, a, b: m.slice_scatter(a, b, 1, 0, None, 2), [(2, 5), (2, 3)]),
    ("diagonal_scatter", lambda m, a, b: a.diagonal_scatter(b, -1), [(3, 2), (2,)]),
    ("diagonal_scatter_dims", lambda m, a, b: m.diagonal_scatter(a, b, 0, 2, 0), [(2, 3, 3), (3, 2)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


def test_gradgradcheck(case, check_second_derivatives):
    check_second_derivatives(case)


REDUCE_INPUTS = [([1.0, 2.0, 3.0, 4.0], [5.0, 1.0, 7.0, 2.0, 4.0]),  # distinct values
                 ([0.0, 2.0, 3.0, 4.0], [5.0, 0.0, 0.0, 2.0, 4.0]),  # zeros: one or two per output (prod)
                 ([4.0, 1.0, 3.0, 4.0], [4.0, 1.0, 4.0, 2.0, 4.0])]  # ties with the input (amax, amin)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("values", REDUCE_INPUTS)
def test_scatter_reduce_values_and_gradients_match_torch(reduce, include_self, values):
    torch = pytest.importorskip("torch")
    results = []
    for m in (mg, torch):
        x = m.tensor(values[0], dtype=m.float64, requires_grad=True)
        src = m.tensor(values[1], dtype=m.float64, requires_grad=True)
        out = m.scatter_reduce(x, 0, _long(m, [0, 1, 0, 1, 3]), src, reduce, include_self=include_self)
        out.backward(m.tensor([1.0, 2.0, 3.0, 4.0], dtype=m.float64))
        results.append([out.detach().numpy(), x.grad.numpy(), src.grad.numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_gradcheck(reduce, leaves):
    from minigrad.autograd import gradcheck

    x, src = leaves([(3, 4), (2, 5)])
    index = _long(mg, [[0, 2, 2, 1], [1, 1, 0, 0]])
    for include_self in (True, False):
        assert gradcheck(lambda a, b: a.scatter_reduce(1, index, b, reduce, include_self=include_self), (x, src))


@pytest.mark.parametrize("dtype", ["int64", "float32"])
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_without_self_matches_torch(reduce, dtype):
    torch = pytest.importorskip("torch")
    ours, theirs = (m.scatter_reduce(m.tensor([1, 2, 5]).to(getattr(m, dtype)), 0, _long(m, [0, 0, 2]),
                                     m.tensor([3, 4, 1]).to(getattr(m, dtype)), reduce, include_self=False)
                    for m in (mg, torch))
    assert ours.tolist() == theirs.tolist() and ours.dtype.name == str(theirs.dtype).removeprefix("torch.")


def test_larger_src_gives_zero_gradient_to_its_unused_values(leaves):
    """PyTorch reads only the index's extent of src; its own backward then fails on the shape
    (so no parity test), minigrad pads the gradient with zeros."""
    from minigrad.autograd import gradcheck

    for function in (mg.scatter, mg.scatter_add):
        x, src = leaves([(2, 3), (3, 4)])
        assert gradcheck(lambda a, b: function(a, 1, _long(mg, [[2, 0], [1, 0]]), b), (x, src))
        function(x, 1, _long(mg, [[2, 0], [1, 0]]), src).sum().backward()
        assert src.grad.numpy()[:2, :2].all() and not src.grad.numpy()[2:].any() and not src.grad.numpy()[:, 2:].any()


@pytest.mark.parametrize("op, args", [
    ("scatter_", lambda m: (1, _long(m, [[2, 0]]), m.tensor([[5.0, 6.0]]))),
    ("scatter_add_", lambda m: (1, _long(m, [[2, 2]]), m.tensor([[5.0, 6.0]]))),
    ("index_add_", lambda m: (0, _long(m, [1]), m.tensor([[1.0, 2.0, 3.0]]))),
    ("index_copy_", lambda m: (1, _long(m, [0]), m.tensor([[7.0], [8.0]]))),
    ("index_fill_", lambda m: (1, _long(m, [1]), 9.0)),
    ("masked_scatter_", lambda m: (_mask(m, [False, True, True]), m.tensor([1.0, 2.0, 3.0, 4.0]))),
    ("put_", lambda m: (_long(m, [4, 1]), m.tensor([1.0, 2.0]))),
    ("index_put_", lambda m: ((_long(m, [1, 1]), _long(m, [0, 0])), m.tensor(2.0), True)),
])
def test_inplace_forms_match_torch(op, args):
    torch = pytest.importorskip("torch")

    def run(m):
        x = m.zeros(2, 3)
        assert getattr(x, op)(*args(m)) is x
        return x.tolist()

    assert run(mg) == run(torch)


def test_inplace_scatter_records_the_gradient_of_the_source():
    source = mg.tensor([[5.0, 6.0]], requires_grad=True)
    x = mg.zeros(2, 3) * 1.0
    x.scatter_(1, _long(mg, [[2, 0]]), source)
    (x * mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    assert source.grad.tolist() == [[3.0, 1.0]]


def test_repeated_indices_add_up_in_scatter_add_and_index_add():
    torch = pytest.importorskip("torch")
    for m in (mg, torch):
        out = m.zeros(4).scatter_add(0, _long(m, [1, 1, 1]), m.ones(3))
        assert out.tolist() == [0.0, 3.0, 0.0, 0.0]
        out = m.zeros(2, 2).index_add(1, _long(m, [0, 0]), m.ones(2, 2))
        assert out.tolist() == [[2.0, 0.0], [2.0, 0.0]]


ERRORS = [
    ("take_float_index", lambda m: m.take(m.ones(3), m.tensor([0.0]))),
    ("take_out_of_range", lambda m: m.take(m.ones(2, 3), _long(m, [6]))),
    ("take_negative_out_of_range", lambda m: m.take(m.ones(2, 3), _long(m, [-7]))),
    ("take_along_dim_ranks", lambda m: m.take_along_dim(m.ones(2, 3), _long(m, [0]), 1)),
    ("take_along_dim_float", lambda m: m.take_along_dim(m.ones(2, 3), m.zeros(1, 1), 1)),
    ("masked_select_long_mask", lambda m: m.masked_select(m.ones(3), _long(m, [1, 0, 1]))),
    ("scatter_float_index", lambda m: m.scatter(m.ones(2, 3), 1, m.zeros(1, 1), 1.0)),
    ("scatter_dtypes", lambda m: m.scatter(m.ones(2, 3), 1, _long(m, [[0]]), m.ones(1, 1, dtype=m.float64))),
    ("scatter_out_of_range", lambda m: m.scatter(m.ones(2, 3), 1, _long(m, [[3]]), 1.0)),
    ("scatter_negative", lambda m: m.scatter(m.ones(2, 3), 1, _long(m, [[-1]]), 1.0)),
    ("scatter_index_rank", lambda m: m.scatter(m.ones(2, 3), 1, _long(m, [0]), m.ones(2, 3))),
    ("scatter_index_too_big", lambda m: m.scatter(m.ones(2, 3), 1, _long(m, [[0, 1, 2, 0]]), m.ones(2, 3))),
    ("scatter_src_too_small", lambda m: m.scatter(m.ones(2, 3), 1, _long(m, [[0, 1]]), m.ones(2, 1))),
    ("scatter_add_dtypes", lambda m: m.scatter_add(m.ones(2, 3), 1, _long(m, [[0]]), m.ones(1, 1, dtype=m.float64))),
    ("index_add_counts", lambda m: m.index_add(m.ones(2, 3), 1, _long(m, [0, 0]), m.ones(2, 3))),
    ("index_add_out_of_range", lambda m: m.index_add(m.ones(2, 3), 1, _long(m, [0, 5]), m.ones(2, 2))),
    ("index_add_dtypes", lambda m: m.index_add(m.ones(2, 3), 1, _long(m, [0]), m.ones(2, 1, dtype=m.float64))),
    ("index_add_float_index", lambda m: m.index_add(m.ones(2, 3), 1, m.zeros(1), m.ones(2, 1))),
    ("index_add_matrix_index", lambda m: m.index_add(m.ones(2, 3), 1, _long(m, [[0]]), m.ones(2, 1))),
    ("index_add_slices", lambda m: m.index_add(m.ones(2, 3), 1, _long(m, [0]), m.ones(3, 1))),
    ("index_copy_counts", lambda m: m.index_copy(m.ones(2, 3), 1, _long(m, [0, 1]), m.ones(2, 1))),
    ("index_copy_dtypes", lambda m: m.index_copy(m.ones(2, 3), 1, _long(m, [0]), m.ones(2, 1, dtype=m.float64))),
    ("index_copy_float_index", lambda m: m.index_copy(m.ones(2, 3), 1, m.zeros(1), m.ones(2, 1))),
    ("index_copy_matrix_index", lambda m: m.index_copy(m.ones(2, 3), 1, _long(m, [[0]]), m.ones(2, 1))),
    ("index_copy_slices", lambda m: m.index_copy(m.ones(2, 3), 1, _long(m, [0]), m.ones(3, 1))),
    ("index_fill_float_index", lambda m: m.index_fill(m.ones(2, 3), 1, m.zeros(1), 1.0)),
    ("index_fill_matrix_index", lambda m: m.index_fill(m.ones(2, 3), 1, _long(m, [[0]]), 1.0)),
    ("index_fill_vector_value", lambda m: m.index_fill(m.ones(2, 3), 1, _long(m, [0]), m.ones(1))),
    ("masked_scatter_long_mask", lambda m: m.masked_scatter(m.ones(2, 3), _long(m, [1, 0, 1]), m.ones(6))),
    ("masked_scatter_dtypes", lambda m: m.masked_scatter(m.ones(2, 3), _mask(m, [1, 0, 1]),
                                                         m.ones(6, dtype=m.float64))),
    ("masked_scatter_short_source", lambda m: m.masked_scatter(m.ones(2, 3), _mask(m, [1, 1, 1]), m.ones(5))),
    ("put_counts", lambda m: m.ones(2, 3).put(_long(m, [0, 1]), m.ones(1))),
    ("put_dtypes", lambda m: m.ones(2, 3).put(_long(m, [0]), m.ones(1, dtype=m.float64))),
    ("put_float_index", lambda m: m.ones(2, 3).put(m.zeros(1), m.ones(1))),
    ("put_out_of_range", lambda m: m.ones(2, 3).put(_long(m, [7]), m.ones(1))),
    ("scatter_reduce_name", lambda m: m.scatter_reduce(m.ones(3), 0, _long(m, [0]), m.ones(1), "average")),
    ("scatter_reduce_dtypes", lambda m: m.scatter_reduce(m.ones(3), 0, _long(m, [0]), m.ones(1, dtype=m.float64),
                                                         "sum")),
    ("select_scatter_shape", lambda m: m.select_scatter(m.zeros(2, 3), m.ones(2), 0, 1)),
    ("slice_scatter_shape", lambda m: m.slice_scatter(m.zeros(2, 3), m.ones(2, 3), 1, 1)),
    ("diagonal_scatter_shape", lambda m: m.diagonal_scatter(m.zeros(2, 3), m.ones(3), 1)),
]


@pytest.mark.parametrize("call", [c[1] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_match_torch(call, same_error):
    same_error(call)
