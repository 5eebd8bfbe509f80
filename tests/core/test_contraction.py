"""outer, tensordot, einsum: gradcheck, PyTorch parity (values, shapes, dtypes, gradients), every
equation form (implicit output, ellipsis, repeated labels, broadcasting, sublists), errors."""
import numpy as np
import pytest

import minigrad as mg

# einsum is one node here; PyTorch's grad_fn is whatever op its decomposition ends with
# (ViewBackward0, PermuteBackward0, SumBackward1, ...), so einsum's node names are not compared.
EINSUM = {"grad_fn_names": False}

CASES = [
    ("outer", lambda m, a, b: m.outer(a, b), [(3,), (4,)]),
    ("ger_method", lambda m, a, b: a.ger(b), [(2,), (3,)]),
    ("tensordot_default", lambda m, a, b: m.tensordot(a, b), [(2, 3, 4), (3, 4, 5)]),
    ("tensordot_int", lambda m, a, b: m.tensordot(a, b, 1), [(2, 3), (3, 4)]),
    ("tensordot_zero", lambda m, a, b: m.tensordot(a, b, dims=0), [(2, 3), (2,)]),
    ("tensordot_lists", lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [1, 0])), [(4, 3, 2), (2, 4, 5)]),
    ("tensordot_negative", lambda m, a, b: m.tensordot(a, b, dims=([-1], [-2])), [(2, 3), (4, 3, 2)]),
    ("tensordot_all", lambda m, a, b: m.tensordot(a, b, dims=2), [(2, 3), (2, 3)]),
    ("einsum_matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(3, 4), (4, 2)], EINSUM),
    ("einsum_list", lambda m, a, b: m.einsum("ij,jk", [a, b]), [(3, 4), (4, 2)], EINSUM),
    ("einsum_batched_implicit", lambda m, a, b: m.einsum("bij,bjk", a, b), [(2, 3, 4), (2, 4, 5)], EINSUM),
    ("einsum_transpose", lambda m, a: m.einsum("ij->ji", a), [(2, 3)], EINSUM),
    ("einsum_implicit_order", lambda m, a: m.einsum("ba", a), [(2, 3)], EINSUM),
    ("einsum_upper_case", lambda m, a, b: m.einsum("Ab,bC->CA", a, b), [(2, 3), (3, 4)], EINSUM),
    ("einsum_sum_all", lambda m, a: m.einsum("ij->", a), [(2, 3)], EINSUM),
    ("einsum_trace", lambda m, a: m.einsum("ii", a), [(3, 3)], EINSUM),
    ("einsum_diagonal", lambda m, a: m.einsum("ii->i", a), [(3, 3)], EINSUM),
    ("einsum_diagonal_3d", lambda m, a: m.einsum("iji->ji", a), [(2, 3, 2)], EINSUM),
    ("einsum_summed_alone", lambda m, a, b: m.einsum("ij,k->i", a, b), [(2, 3), (4,)], EINSUM),
    ("einsum_outer", lambda m, a, b: m.einsum("i,j", a, b), [(3,), (2,)], EINSUM),
    ("einsum_three", lambda m, a, b, c: m.einsum("ab,bc,cd->ad", a, b, c), [(2, 3), (3, 4), (4, 2)], EINSUM),
    ("einsum_same_operand_twice", lambda m, a: m.einsum("ij,ij->", a, a), [(2, 3)], EINSUM),
    ("einsum_ellipsis", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), [(2, 1, 3, 4), (5, 4, 2)], EINSUM),
    ("einsum_ellipsis_middle", lambda m, a: m.einsum("i...i", a), [(3, 2, 3)], EINSUM),
    ("einsum_ellipsis_out_only", lambda m, a, b: m.einsum("i,i->...", a, b), [(3,), (3,)], EINSUM),
    ("einsum_0d", lambda m, a: m.einsum("...", a), [()], EINSUM),
    ("einsum_broadcast_label", lambda m, a, b: m.einsum("ij,ij->ij", a, b), [(1, 3), (2, 3)], EINSUM),
    ("einsum_broadcast_summed", lambda m, a, b: m.einsum("i,i", a, b), [(1,), (3,)], EINSUM),
    ("einsum_spaces", lambda m, a, b: m.einsum(" i j , j k -> i k ", a, b), [(3, 4), (4, 2)], EINSUM),
    ("einsum_sublists", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 27], [27, 0]), [(3, 4), (4, 2)], EINSUM),
    ("einsum_sublists_ellipsis", lambda m, a: m.einsum(a, [..., 1], [1]), [(2, 4)], EINSUM),
]

def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


@pytest.mark.parametrize("dtype", ["int64", "int32", "float32"])
def test_integer_dtypes_match_torch(dtype):
    torch = pytest.importorskip("torch")
    a, b = np.arange(6).reshape(2, 3).astype(dtype), np.arange(12).reshape(3, 4).astype(dtype)
    for fn in (lambda m, x, y: m.einsum("ij,jk->ik", x, y), lambda m, x, y: m.tensordot(x, y, 1),
               lambda m, x, y: m.outer(x[0], y[0])):
        ours, theirs = fn(mg, mg.tensor(a), mg.tensor(b)), fn(torch, torch.tensor(a), torch.tensor(b))
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_outer_promotes_dtypes_as_mul():
    assert mg.outer(mg.tensor([1, 2]), mg.tensor([0.5])).dtype == mg.float32


@pytest.mark.parametrize("equation, shape", [("ii->i", (3, 3)), ("ii", (3, 3)), ("iij->j", (2, 2, 3)),
                                             ("iji->ji", (2, 3, 2))])
def test_einsum_with_repeated_labels_has_second_derivatives(equation, shape):
    x = mg.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    assert mg.autograd.gradgradcheck(lambda t: mg.einsum(equation, t) ** 2, (x,))


def test_einsum_output_owns_its_storage():
    x = mg.ones(2, 3)
    out = mg.einsum("ij->ji", x)
    out += 1
    assert x.tolist() == [[1.0] * 3] * 2


def test_tensordot_dims_as_tensors():
    torch = pytest.importorskip("torch")
    a, b = np.random.default_rng(0).standard_normal((2, 3, 4)), np.random.default_rng(1).standard_normal((3, 4, 5))
    ours = mg.tensordot(mg.tensor(a), mg.tensor(b), dims=mg.tensor([[1, 2], [0, 1]]))
    theirs = torch.tensordot(torch.tensor(a), torch.tensor(b), dims=torch.tensor([[1, 2], [0, 1]]))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    np.testing.assert_allclose(mg.tensordot(mg.tensor(a), mg.tensor(b), dims=mg.tensor(2)).numpy(),
                               torch.tensordot(torch.tensor(a), torch.tensor(b), dims=2).numpy(), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda m: m.outer(m.ones(2, 2), m.ones(2)),
    lambda m: m.outer(m.ones(2), m.ones(2, 2)),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=1),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=-1),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=4),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=([1, 2], [0])),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=([1, 1], [0, 0])),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=1.5),
    lambda m: m.tensordot(m.ones(2, 3, 4), m.ones(3, 4, 5), dims=([5], [0])),
    lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2, dtype=m.float64), dims=1),
    lambda m: m.einsum("ij,jk->ik", m.ones(2, 3)),
    lambda m: m.einsum("ij->ik", m.ones(2, 3), m.ones(2)),
    lambda m: m.einsum("ij,jk", m.ones(2, 3), m.ones(3, 2, dtype=m.float64)),
    lambda m: m.einsum("ij,jk", m.ones(2, 3), m.ones(4, 2)),
    lambda m: m.einsum("ijk,jk", m.ones(2, 3), m.ones(3, 2)),
    lambda m: m.einsum("...ij->...ji", m.ones(3)),
    lambda m: m.einsum("ii->i", m.ones(2, 3)),
    lambda m: m.einsum("ij->k", m.ones(2, 3)),
    lambda m: m.einsum("ij->ii", m.ones(2, 3)),
    lambda m: m.einsum("i1->i", m.ones(2, 3)),
    lambda m: m.einsum("....", m.ones(2)),
    lambda m: m.einsum("i..", m.ones(2)),
    lambda m: m.einsum(m.ones(2), [60]),
], ids=["outer_self", "outer_vec2", "tensordot_sizes", "tensordot_negative", "tensordot_too_many",
        "tensordot_lengths", "tensordot_repeated", "tensordot_float", "tensordot_range", "tensordot_dtypes",
        "einsum_fewer", "einsum_more", "einsum_dtypes", "einsum_sizes", "einsum_rank", "einsum_ellipsis_rank",
        "einsum_repeated_sizes", "einsum_output_label", "einsum_output_repeated", "einsum_character",
        "einsum_two_ellipses", "einsum_dots", "einsum_sublist_range"])
def test_errors_match_torch(call, same_error):
    same_error(call)
