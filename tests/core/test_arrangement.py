"""Shape ops built from existing ones, as in PyTorch: swapaxes/swapdims/moveaxis/ravel, tile,
rot90, fliplr/flipud, the stacks (hstack, vstack, dstack, column_stack, atleast_*), block_diag,
cartesian_prod, and the products cross, kron, addcmul, addcdiv: gradcheck, PyTorch parity,
second derivatives, and PyTorch's errors."""
import warnings

import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("swapaxes", lambda m, a: m.swapaxes(a, 0, 2), [(2, 3, 4)]),
    ("swapdims_method", lambda m, a: a.swapdims(-1, 0), [(2, 3)]),
    ("moveaxis", lambda m, a: m.moveaxis(a, [0, 1], [2, 0]), [(2, 3, 4)]),
    ("ravel", lambda m, a: m.ravel(a.t()), [(3, 4)]),
    ("tile", lambda m, a: m.tile(a, (2,)), [(2, 3)]),
    ("tile_more_dims", lambda m, a: a.tile((2, 1, 3)), [(2, 3)]),
    ("rot90", lambda m, a: m.rot90(a), [(2, 3)]),
    ("rot90_k2", lambda m, a: m.rot90(a, 2, [1, 2]), [(2, 3, 4)]),
    ("rot90_k3", lambda m, a: a.rot90(-1, [0, -1]), [(2, 3, 4)]),
    ("rot90_k0", lambda m, a: m.rot90(a, 4), [(2, 3)]),
    ("fliplr", lambda m, a: m.fliplr(a), [(2, 3)]),
    ("flipud", lambda m, a: m.flipud(a), [(2, 3)]),
    ("hstack_vectors", lambda m, a, b: m.hstack([a, b]), [(3,), (2,)]),
    ("hstack_matrices", lambda m, a, b: m.hstack((a, b)), [(2, 3), (2, 1)]),
    ("vstack", lambda m, a, b: m.vstack([a, b]), [(3,), (2, 3)]),
    ("row_stack", lambda m, a, b: m.row_stack([a, b]), [(3,), (3,)]),
    ("dstack", lambda m, a, b: m.dstack([a, b]), [(2, 3), (2, 3, 2)]),
    ("column_stack", lambda m, a, b, c: m.column_stack([a, b, c]), [(3,), (3, 2), (3,)]),
    ("atleast_2d", lambda m, a: m.atleast_2d(a), [(3,)]),
    ("atleast_3d_tuple", lambda m, a, b: m.atleast_3d(a, b), [(), (2, 3)]),
    ("block_diag", lambda m, a, b, c: m.block_diag(a, b, c), [(2, 3), (), (2,)]),
    ("cartesian_prod", lambda m, a, b, c: m.cartesian_prod(a, b, c), [(2,), (3,), (2,)]),
    ("cross", lambda m, a, b: m.cross(a, b, dim=1), [(4, 3), (4, 3)]),
    ("cross_broadcast", lambda m, a, b: m.cross(a, b, dim=0), [(3, 1), (3, 4)]),
    ("linalg_cross", lambda m, a, b: m.linalg.cross(a, b), [(2, 3), (1, 3)]),
    ("kron", lambda m, a, b: m.kron(a, b), [(2, 3), (3, 2)]),
    ("kron_ranks", lambda m, a, b: m.kron(a, b), [(2, 1, 3), (2,)]),
    ("addcmul", lambda m, a, b, c: m.addcmul(a, b, c, value=0.5), [(3, 4), (3, 1), (4,)]),
    ("addcdiv", lambda m, a, b, c: a.addcdiv(b, c * c + 1, value=-2), [(3, 4), (3, 4), (3, 4)]),
    ("addmv", lambda m, a, b, c: m.addmv(a, b, c, beta=0.5, alpha=2), [(2,), (2, 3), (3,)]),
    ("addmv_beta0", lambda m, a, b, c: m.addmv(a, b, c, beta=0), [(1,), (2, 3), (3,)]),
    ("addr", lambda m, a, b, c: a.addr(b, c), [(2, 3), (2,), (3,)]),
    ("addbmm", lambda m, a, b, c: m.addbmm(a, b, c, alpha=-1), [(2, 4), (3, 2, 5), (3, 5, 4)]),
    ("inner", lambda m, a, b: m.inner(a, b), [(2, 3), (4, 3)]),
    ("inner_scalar", lambda m, a, b: m.inner(a, b), [(2, 3), ()]),
    ("vdot", lambda m, a, b: m.vdot(a, b), [(3,), (3,)]),
    ("dist", lambda m, a, b: m.dist(a, b, 3), [(2, 3), (3,)]),
    ("diag_embed", lambda m, a: m.diag_embed(a), [(2, 3)]),
    ("diag_embed_dims", lambda m, a: a.diag_embed(-1, 2, 0), [(2, 3)]),
    ("diagflat", lambda m, a: m.diagflat(a, 1), [(2, 2)]),
    ("narrow_copy", lambda m, a: m.narrow_copy(a, 1, 1, 2), [(2, 4)]),
    ("tensor_split_sections", lambda m, a: m.tensor_split(a, 3, dim=1), [(2, 7)]),
    ("tensor_split_indices", lambda m, a: a.tensor_split([1, 4, 20]), [(6, 2)]),
    ("hsplit", lambda m, a: m.hsplit(a, [1, 3]), [(2, 4)]),
    ("vsplit", lambda m, a: m.vsplit(a, 2), [(4, 3)]),
    ("dsplit", lambda m, a: a.dsplit(2), [(1, 2, 4)]),
    ("broadcast_tensors", lambda m, a, b: m.broadcast_tensors(a, b), [(2, 1), (3,)]),
    ("combinations", lambda m, a: m.combinations(a), [(4,)]),
    ("combinations_replacement", lambda m, a: m.combinations(a, 3, with_replacement=True), [(3,)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    # Composites: minigrad's grad_fn is the last op it composes, PyTorch's often a fused node.
    matches_torch(case, grad_fn_names=False)


def test_gradgradcheck(case, check_second_derivatives):
    check_second_derivatives(case)


def test_combinations_of_few_elements_match_torch():
    torch = pytest.importorskip("torch")
    for r, repeat in [(0, False), (3, False), (2, True)]:
        ours, theirs = (m.combinations(m.tensor([1, 2]), r, repeat) for m in (mg, torch))
        assert ours.shape == tuple(theirs.shape) and ours.tolist() == theirs.tolist() and ours.dtype == mg.int64


def test_addmv_with_beta_0_ignores_nan_in_input():
    torch = pytest.importorskip("torch")
    for m in (mg, torch):
        out = m.addmv(m.tensor([float("nan"), 1.0]), m.ones(2, 3), m.ones(3), beta=0)
        assert out.tolist() == [3.0, 3.0]


def test_atleast_returns_the_tensor_itself_when_ranked_enough():
    x = mg.ones(2, 3)
    assert mg.atleast_1d(x) is x and mg.atleast_2d(x) is x
    assert [t.shape for t in mg.atleast_1d([mg.tensor(1.0), x])] == [(1,), (2, 3)]


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("int64", "float32"), ("bool", "int64")])
def test_block_diag_promotes_as_torch(dtypes):
    torch = pytest.importorskip("torch")
    a, b = np.ones((2, 1)).astype(dtypes[0]), np.ones(2).astype(dtypes[1])
    ours, theirs = mg.block_diag(mg.tensor(a), mg.tensor(b)), torch.block_diag(torch.tensor(a), torch.tensor(b))
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert ours.tolist() == theirs.tolist()


def test_cross_without_dim_warns_and_takes_the_first_size_3_dim():
    torch = pytest.importorskip("torch")
    a, b = np.random.default_rng(0).standard_normal((2, 3, 3, 2))
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
        ours = mg.cross(mg.tensor(a), mg.tensor(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.cross(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


ERRORS = [
    ("tile_int_dims", lambda m: m.tile(m.ones(2), 2)),
    ("rot90_one_dim", lambda m: m.rot90(m.ones(3))),
    ("rot90_same_dims", lambda m: m.rot90(m.ones(2, 2), 1, [0, 0])),
    ("rot90_wrapping_dims", lambda m: m.rot90(m.ones(2, 2), 1, [0, -2])),
    ("rot90_three_dims", lambda m: m.rot90(m.ones(2, 2), 1, [0, 1, 1])),
    ("rot90_out_of_range", lambda m: m.rot90(m.ones(2, 2), 1, [0, 2])),
    ("fliplr_1d", lambda m: m.fliplr(m.ones(3))),
    ("flipud_0d", lambda m: m.flipud(m.tensor(1.0))),
    ("hstack_empty", lambda m: m.hstack([])),
    ("vstack_empty", lambda m: m.vstack([])),
    ("dstack_empty", lambda m: m.dstack(())),
    ("column_stack_empty", lambda m: m.column_stack([])),
    ("block_diag_3d", lambda m: m.block_diag(m.ones(2), m.ones(1, 1, 1))),
    ("cartesian_prod_2d", lambda m: m.cartesian_prod(m.ones(2), m.ones(2, 2))),
    ("cross_no_size_3", lambda m: m.cross(m.ones(2, 4), m.ones(2, 4), dim=1)),
    ("cross_ranks", lambda m: m.cross(m.ones(2, 3), m.ones(3), dim=1)),
    ("cross_size_1", lambda m: m.cross(m.ones(3, 1), m.ones(1, 3), dim=0)),
    ("addcdiv_integers", lambda m: m.addcdiv(m.tensor([1]), m.tensor([1]), m.tensor([2]))),
    ("kron_array", lambda m: m.kron(m.ones(2), np.ones(2))),
    ("movedim_lengths", lambda m: m.movedim(m.ones(2, 3, 4), [0, 1], [2])),
    ("hsplit_indivisible", lambda m: m.hsplit(m.ones(4, 5), 3)),
    ("vsplit_1d", lambda m: m.vsplit(m.ones(5), 1)),
    ("dsplit_2d", lambda m: m.dsplit(m.ones(2, 2), 1)),
    ("tensor_split_zero", lambda m: m.tensor_split(m.ones(3), 0)),
    ("tensor_split_0d", lambda m: m.tensor_split(m.tensor(1.0), 1)),
    ("tensor_split_2d_indices", lambda m: m.tensor_split(m.ones(3), m.tensor([[1]]))),
    ("diag_embed_same_dims", lambda m: m.diag_embed(m.ones(2, 3), 0, 1, 1)),
    ("diag_embed_dim_range", lambda m: m.diag_embed(m.ones(2, 3), 0, 0, 3)),
    ("inner_sizes", lambda m: m.inner(m.ones(2, 3), m.ones(2))),
    ("combinations_2d", lambda m: m.combinations(m.ones(2, 2))),
    ("movedim_repeated_source", lambda m: m.moveaxis(m.ones(2, 3, 4), [0, 0], [1, 2])),
    ("movedim_repeated_destination", lambda m: m.movedim(m.ones(2, 3, 4), [0, 1], [1, -2])),
]


@pytest.mark.parametrize("call", [c[1] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_match_torch(call, same_error):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(call)


def test_inplace_forms_match_torch():
    torch = pytest.importorskip("torch")

    def run(m):
        x = m.tensor([1.0, 2.0, 3.0])
        x.addcmul_(m.tensor([1.0, 1.0, 2.0]), m.tensor([3.0, 0.5, 1.0]), value=2).addcdiv_(x, m.tensor(4.0))
        return x.tolist()

    assert run(mg) == run(torch)
