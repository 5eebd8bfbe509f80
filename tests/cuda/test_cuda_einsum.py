"""einsum on CUDA: ``np.einsum`` of CudaArrays against numpy's on the host (matmul, batches,
outer products, traces, diagonals, transposes, sums, ellipses, three operands, repeated letters,
size-1 broadcasting, implicit outputs, non-contiguous operands), then ``minigrad.einsum``'s values,
gradients and second derivatives against the CPU."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.kernels.cuda.array import CudaArray

EQUATIONS = [
    ("matmul", "ij,jk->ik", [(3, 4), (4, 2)]),
    ("bmm", "bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("bmm_implicit", "bij,bjk", [(2, 3, 4), (2, 4, 5)]),
    ("outer", "i,j->ij", [(3,), (2,)]),
    ("outer_implicit", "i,j", [(3,), (2,)]),
    ("dot", "i,i", [(3,), (3,)]),
    ("trace", "ii", [(3, 3)]),
    ("diagonal", "ii->i", [(3, 3)]),
    ("diagonal_3d", "iji->ji", [(2, 3, 2)]),
    ("transpose", "ij->ji", [(2, 3)]),
    ("implicit_order", "ba", [(2, 3)]),
    ("upper_case", "Ab,bC->CA", [(2, 3), (3, 4)]),
    ("sum_all", "ij->", [(2, 3)]),
    ("sum_rows", "ij->i", [(2, 3)]),
    ("batch_ellipsis", "...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ellipsis_middle", "i...i", [(3, 2, 3)]),
    ("ellipsis_out_only", "i,i->...", [(3,), (3,)]),
    ("zero_dim", "...", [()]),
    ("scalar_operand", "ij,->ij", [(2, 3), ()]),
    ("three_operands", "ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("three_with_batch", "bi,bij,bj->b", [(2, 3), (2, 3, 4), (2, 4)]),
    ("repeated_letters", "iij->j", [(2, 2, 3)]),
    ("repeated_in_both", "iij,jk->ik", [(2, 2, 3), (3, 2)]),
    ("summed_alone", "ij,k->i", [(2, 3), (4,)]),
    ("hadamard", "ij,ij->ij", [(2, 3), (2, 3)]),
    ("broadcast_batch_label", "ij,ij->ij", [(1, 3), (2, 3)]),
    ("broadcast_contracted_label", "i,i", [(1,), (3,)]),
    ("broadcast_matmul", "bij,bjk->bik", [(1, 3, 4), (2, 4, 2)]),
    ("bilinear", "bn,anm,bm->ba", [(2, 3), (2, 3, 4), (2, 4)]),
]


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


@pytest.mark.parametrize("name, equation, shapes", EQUATIONS, ids=[c[0] for c in EQUATIONS])
def test_cuda_array_einsum_matches_numpy(name, equation, shapes):
    hosts = _inputs(shapes)
    got = np.einsum(equation, *[CudaArray.from_host(x) for x in hosts])
    assert isinstance(got, CudaArray)
    want = np.einsum(equation, *hosts)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got.to_host(), want, rtol=1e-12, atol=1e-12)


SUBLISTS = [
    ("matmul", [[0, 1], [1, 2], [0, 2]], [(3, 4), (4, 2)]),
    ("implicit_output", [[30, 2], [2, 5]], [(3, 4), (4, 2)]),  # label order: 5 ('F') before 30 ('e')
    ("ellipsis", [[Ellipsis, 0, 1], [Ellipsis, 1, 2], [Ellipsis, 0, 2]], [(2, 3, 4), (2, 4, 2)]),
    ("trace", [[7, 7]], [(3, 3)]),
]


@pytest.mark.parametrize("name, sublists, shapes", SUBLISTS, ids=[c[0] for c in SUBLISTS])
def test_sublist_form_matches_numpy(name, sublists, shapes):
    """``np.einsum(a, [0, 1], b, [1, 2], [0, 2])``: the sublists become the equation string."""
    hosts = _inputs(shapes)

    def arguments(arrays):
        return [x for pair in zip(arrays, sublists) for x in pair] + sublists[len(arrays):]

    got, want = np.einsum(*arguments([CudaArray.from_host(x) for x in hosts])), np.einsum(*arguments(hosts))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got.to_host(), want, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match=r"^subscript is not within the valid range \[0, 52\)$"):
        np.einsum(CudaArray.from_host(hosts[0]), [52] * len(shapes[0]))


def test_non_contiguous_operands():
    a, b = _inputs([(4, 3), (4, 5)])
    got = np.einsum("ij,jk->ik", CudaArray.from_host(a).T, CudaArray.from_host(b)[:, ::2])
    np.testing.assert_allclose(got.to_host(), np.einsum("ij,jk->ik", a.T, b[:, ::2]), rtol=1e-12)


def test_float32_and_integer_dtypes_are_numpys():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    got = np.einsum("ij,ij->i", CudaArray.from_host(a), CudaArray.from_host(a))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got.to_host(), np.einsum("ij,ij->i", a, a))
    f = _inputs([(2, 3)])[0].astype(np.float32)
    got = np.einsum("ij,kj->ik", CudaArray.from_host(f), CudaArray.from_host(f))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.to_host(), np.einsum("ij,kj->ik", f, f), rtol=1e-6)


def test_a_single_operand_without_a_sum_is_a_writable_view():
    x = CudaArray.zeros((3, 3), np.float64)
    np.einsum("ii->i", x)[...] = 1.0
    np.testing.assert_array_equal(x.to_host(), np.eye(3))


@pytest.mark.parametrize("equation, shapes, message", [
    ("ij->ii", [(2, 2)], "output subscript 'i' multiple times"),
    ("ij->k", [(2, 3)], "never appeared in an input"),
    ("ij,jk", [(2, 3)], "fewer operands"),
    ("ij", [(2, 3), (3,)], "more operands"),
    ("i", [(2, 3)], "more dimensions than subscripts"),
    ("ijk", [(2, 3)], "too many subscripts"),
    ("ij,jk", [(2, 3), (4, 2)], "could not be broadcast"),
    ("i..", [(2,)], "not part of an ellipsis"),
    ("i1", [(2, 3)], "invalid subscript"),
])
def test_bad_equations_raise_numpys_value_error(equation, shapes, message):
    with pytest.raises(ValueError, match=message):
        np.einsum(equation, *[CudaArray.from_host(x) for x in _inputs(shapes)])


def test_a_host_operand_is_refused():
    with pytest.raises(TypeError, match="host"):
        np.einsum("i,i", CudaArray.from_host(np.ones(2)), np.ones(2))


# ---- minigrad.einsum: values, gradients and second derivatives vs the CPU -------------------
FUNCTION_CASES = [c for c in EQUATIONS if c[0] in {
    "matmul", "bmm_implicit", "outer", "trace", "diagonal", "diagonal_3d", "transpose", "sum_all",
    "batch_ellipsis", "ellipsis_middle", "three_operands", "repeated_letters", "repeated_in_both",
    "summed_alone", "broadcast_batch_label", "broadcast_contracted_label", "zero_dim"}]


def _first_and_second(equation, inputs, device):
    """The output, the gradients of <out^2, upstream> (create_graph) and the gradients of their sum."""
    tensors = [mg.tensor(x, device=device, requires_grad=True) for x in inputs]
    out = mg.einsum(equation, *tensors)
    upstream = mg.tensor(np.random.default_rng(1).standard_normal(out.shape), device=device)
    grads = mg.autograd.grad((out * out * upstream).sum(), tensors, create_graph=True)
    seconds = mg.autograd.grad(sum(g.sum() for g in grads), tensors, allow_unused=True)
    return [out.detach()] + [g.detach() for g in grads] + [s for s in seconds if s is not None]


@pytest.mark.parametrize("name, equation, shapes", FUNCTION_CASES, ids=[c[0] for c in FUNCTION_CASES])
def test_function_values_gradients_and_second_derivatives_match_cpu(name, equation, shapes):
    inputs = _inputs(shapes)
    cpu = _first_and_second(equation, inputs, "cpu")
    cuda = _first_and_second(equation, inputs, "cuda")
    assert len(cuda) == len(cpu)
    for want, got in zip(cpu, cuda):
        assert got.device == mg.device("cuda:0") and got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got.cpu().numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


def test_function_output_owns_its_storage():
    x = mg.tensor(np.arange(6.0).reshape(2, 3), device="cuda")
    out = mg.einsum("ij->ji", x)
    out.add_(1.0)
    np.testing.assert_array_equal(x.cpu().numpy(), np.arange(6.0).reshape(2, 3))
