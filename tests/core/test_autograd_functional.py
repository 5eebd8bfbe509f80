"""``minigrad.autograd.functional`` against ``torch.autograd.functional``.

Each case is ``(name, fn_name, func, inputs, v)``: ``func(lib, *tensors)`` is written once for both
libraries (``lib`` is ``minigrad`` or ``torch``); ``inputs`` and ``v`` are a shape (one Tensor) or
a list of shapes (a tuple of Tensors), ``v`` is None for jacobian and hessian or to leave it out.
A test taking ``case`` runs once per entry (``tests/core/conftest.py``). Both libraries evaluate
``lib.autograd.functional.<fn_name>`` at the same float64 values; the results must have the same
nesting of tuples, shapes, values and ``requires_grad``. Errors must have PyTorch's type and
message (``torch.Size`` reads ``minigrad.Size``).
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigrad
from minigrad.autograd import functional

torch = pytest.importorskip("torch")

FUNCTIONS = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _linear_network(L, x, w1, b1, w2, b2):
    """Linear -> tanh -> Linear -> sum, as a function of the input and every parameter."""
    hidden = L.tanh(L.nn.functional.linear(x, w1, b1))
    return L.nn.functional.linear(hidden, w2, b2).sum()


NETWORK_SHAPES = [(4, 3), (5, 3), (5,), (2, 5), (2,)]

CASES = [
    ("jacobian_tensor_to_tensor", "jacobian", lambda L, a: (a * a).sum(1) * a[:, 0], (2, 3), None),
    ("jacobian_tensor_to_tuple", "jacobian", lambda L, a: (a.exp(), a.sum(), a[1] * a), (3,), None),
    ("jacobian_tuple_to_tensor", "jacobian", lambda L, a, b: L.tanh(a @ b), [(2, 3), (3,)], None),
    ("jacobian_tuple_to_tuple", "jacobian", lambda L, a, b: (a * b.sum(), (a.sum() * b).sin()),
     [(2,), (3,)], None),
    ("jacobian_one_input_tuple", "jacobian", lambda L, a: a.exp(), [(3,)], None),
    ("jacobian_zero_dim", "jacobian", lambda L, a: (a.exp(), a * a), (), None),
    ("hessian_tensor", "hessian", lambda L, a: (a.sin() * a.sum()).sum(), (2, 2), None),
    ("hessian_two_inputs", "hessian", lambda L, a, b: (a.exp().sum() * b.tanh()).sum() + (a * a).prod(),
     [(2,), (3,)], None),
    ("hessian_network", "hessian", _linear_network, NETWORK_SHAPES, None),
    ("hessian_zero_dim", "hessian", lambda L, a, b: a.sin() * b ** 3, [(), ()], None),
    ("vjp_tensor", "vjp", lambda L, a: a.exp() * a, (2, 3), (2, 3)),
    ("vjp_tuples", "vjp", lambda L, a, b: (a * b, (a.sum() * b).sin()), [(3,), (3,)], [(3,), (3,)]),
    ("vjp_scalar_without_v", "vjp", lambda L, a: (a * a.exp()).sum(), (3,), None),
    ("jvp_tensor", "jvp", lambda L, a: (a.exp() * a).sum(0), (2, 3), (2, 3)),
    ("jvp_tuples", "jvp", lambda L, a, b: (a * b.sum(), (a.sum() * b).sin()), [(2,), (3,)], [(2,), (3,)]),
    ("jvp_one_element_without_v", "jvp", lambda L, a: a.exp() * L.arange(3.0, dtype=L.float64), (1,), None),
    ("hvp_tensor", "hvp", lambda L, a: (a ** 3).sum() * a.sum(), (2, 3), (2, 3)),
    ("hvp_tuple", "hvp", lambda L, a, b: (a.exp() * b.sum()).sum() + (b ** 3).sum(), [(2,), (3,)], [(2,), (3,)]),
    ("hvp_one_element_without_v", "hvp", lambda L, a: (a ** 4).sum(), (1,), None),
    ("hvp_network", "hvp", _linear_network, NETWORK_SHAPES, NETWORK_SHAPES),
    ("vhp_tensor", "vhp", lambda L, a: (a ** 3).sum() * a.sum(), (2, 3), (2, 3)),
    ("vhp_tuple", "vhp", lambda L, a, b: (a.exp() * b.sum()).sum() + (b ** 3).sum(), [(2,), (3,)], [(2,), (3,)]),
    ("vhp_network", "vhp", _linear_network, NETWORK_SHAPES, NETWORK_SHAPES),
]


def _tensors(L, spec, seed: int, requires_grad: bool = False):
    """A Tensor for a shape, a tuple of Tensors for a list of shapes, of standard normal values."""
    rng = np.random.default_rng(seed)
    shapes = spec if isinstance(spec, list) else [spec]
    tensors = tuple(L.tensor(rng.standard_normal(shape), dtype=L.float64, requires_grad=requires_grad)
                    for shape in shapes)
    return tensors if isinstance(spec, list) else tensors[0]


def _leaves(tree) -> list:
    """The tensors of a Tensor or nested tuples of them, depth first."""
    return [leaf for item in tree for leaf in _leaves(item)] if isinstance(tree, tuple) else [tree]


def _call(L, fn_name, func, inputs, v, create_graph=False, **options):
    """``L.autograd.functional.<fn_name>(...)``, passing ``v`` only to the vector products."""
    fn = getattr(L.autograd.functional, fn_name)
    args = (inputs,) if fn_name in ("jacobian", "hessian") else (inputs, v)
    return fn(lambda *xs: func(L, *xs), *args, create_graph=create_graph, **options)


def _evaluate(L, case, create_graph=False, requires_grad=False):
    """(inputs, result) of a case in library ``L``."""
    name, fn_name, func, input_spec, v_spec = case
    inputs = _tensors(L, input_spec, seed=len(name), requires_grad=requires_grad)
    v = None if v_spec is None else _tensors(L, v_spec, seed=len(name) + 1)
    return inputs, _call(L, fn_name, func, inputs, v, create_graph)


def _same_result(ours, theirs) -> None:
    """Same nesting of tuples, and tensors of the same shape, values and requires_grad."""
    assert isinstance(ours, tuple) == isinstance(theirs, tuple)
    if isinstance(theirs, tuple):
        assert len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs):
            _same_result(mine, reference)
        return
    assert isinstance(ours, minigrad.Tensor)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.requires_grad == theirs.requires_grad
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-10)


def _same_error(call) -> None:
    """``call(lib)`` raises in minigrad what it raises in torch, message for message."""
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(minigrad)
    assert str(ours.value) == str(theirs.value).replace("torch.Size", "minigrad.Size")


def _calling(fn_name, func, inputs, v=None, **options):
    """``call(lib)`` of ``lib.autograd.functional.<fn_name>`` on float64 ones shaped as ``inputs``
    and ``v`` (a shape, or a list of shapes for a tuple; ``v`` is passed to the vector products)."""
    def call(L):
        def ones(spec):
            shapes = spec if isinstance(spec, list) else [spec]
            tensors = tuple(L.ones(shape, dtype=L.float64) for shape in shapes)
            return tensors if isinstance(spec, list) else tensors[0]
        return _call(L, fn_name, func, ones(inputs), None if v is None else ones(v), **options)
    return call


def _strict(fn_name, func, inputs, v=None, create_graph=False):
    return _calling(fn_name, func, inputs, v, create_graph=create_graph, strict=True)


@pytest.mark.parametrize("fn_name", FUNCTIONS)
def test_signatures_match_pytorch(fn_name):
    ours = inspect.signature(getattr(minigrad.autograd.functional, fn_name))
    theirs = inspect.signature(getattr(torch.autograd.functional, fn_name))
    assert list(ours.parameters) == list(theirs.parameters)
    assert [p.default for p in ours.parameters.values()] == [p.default for p in theirs.parameters.values()]


def test_module_is_importable_as_in_pytorch():
    import minigrad.autograd.functional as imported

    assert imported is minigrad.autograd.functional is functional
    assert sorted(functional.__all__) == sorted(torch.autograd.functional.__all__)


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
def test_matches_pytorch(case, create_graph):
    _, ours = _evaluate(minigrad, case, create_graph)
    _, theirs = _evaluate(torch, case, create_graph)
    _same_result(ours, theirs)


def test_create_graph_result_differentiates_again(case):
    """With inputs that require grad, the results carry graph to them: a weighted sum of every
    result differentiates to the inputs as in PyTorch (a derivative one order higher)."""
    gradients = []
    for L in (minigrad, torch):
        inputs, result = _evaluate(L, case, create_graph=True, requires_grad=True)
        rng = np.random.default_rng(7)
        total = sum((leaf * L.tensor(rng.standard_normal(tuple(leaf.shape)), dtype=L.float64)).sum()
                    for leaf in _leaves(result) if leaf.requires_grad)
        inputs = inputs if isinstance(inputs, tuple) else (inputs,)
        grads = L.autograd.grad(total, inputs, allow_unused=True)
        gradients.append([None if g is None else g.numpy() for g in grads])
    for mine, reference in zip(*gradients):
        assert (mine is None) == (reference is None)
        if reference is not None:
            np.testing.assert_allclose(mine, reference, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
def test_works_under_no_grad_as_in_pytorch(case, create_graph):
    """The functions switch recording on for themselves (and for create_graph's results)."""
    with minigrad.no_grad():
        _, ours = _evaluate(minigrad, case, create_graph)
    with torch.no_grad():
        _, theirs = _evaluate(torch, case, create_graph)
    _same_result(ours, theirs)


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
@pytest.mark.parametrize("fn_name", FUNCTIONS)
def test_inputs_are_left_as_they_were(fn_name, create_graph):
    """Values, requires_grad, grad and grad_fn of the inputs are unchanged; without create_graph
    no result requires grad, even for inputs that do."""
    _, _, func, input_spec, v_spec = next(c for c in CASES if c[1] == fn_name and isinstance(c[3], list))
    for requires_grad in (False, True):
        inputs = _tensors(minigrad, input_spec, seed=1, requires_grad=requires_grad)
        v = None if v_spec is None else _tensors(minigrad, v_spec, seed=2)
        before = [x.detach().numpy().copy() for x in inputs]
        result = _call(minigrad, fn_name, func, inputs, v, create_graph)
        for x, values in zip(inputs, before):
            assert x.requires_grad == requires_grad and x.grad is None and x.grad_fn is None
            np.testing.assert_array_equal(x.detach().numpy(), values)
        if not create_graph:
            assert not any(leaf.requires_grad for leaf in _leaves(result))


def test_results_without_create_graph_are_detached_even_under_requires_grad():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    jac = functional.jacobian(lambda a: a ** 3, x)
    out, product = functional.vjp(lambda a: a ** 3, x, minigrad.ones(2))
    assert jac.grad_fn is None and out.grad_fn is None and product.grad_fn is None
    assert not (jac.requires_grad or out.requires_grad or product.requires_grad)


def test_hessian_of_two_inputs_is_a_tuple_of_tuples_of_block_shapes():
    a, b = minigrad.randn(2, dtype=minigrad.float64), minigrad.randn(3, 4, dtype=minigrad.float64)
    blocks = functional.hessian(lambda x, y: (x.exp().sum() * y.tanh()).sum(), (a, b))
    shapes = [[tuple(block.shape) for block in row] for row in blocks]
    assert shapes == [[(2, 2), (2, 3, 4)], [(3, 4, 2), (3, 4, 3, 4)]]
    # symmetric: H[a][b] is H[b][a] with the two index groups swapped
    np.testing.assert_allclose(blocks[0][1].numpy(), np.moveaxis(blocks[1][0].numpy(), -1, 0))


def test_jacobian_of_an_unused_input_is_zeros_and_strict_raises():
    a, b = minigrad.randn(3), minigrad.randn(2)
    d_a, d_b = functional.jacobian(lambda x, y: x * 2.0, (a, b))
    np.testing.assert_array_equal(d_a.numpy(), 2.0 * np.eye(3))
    np.testing.assert_array_equal(d_b.numpy(), np.zeros((3, 2)))
    _same_error(_strict("jacobian", lambda L, x, y: x * 2.0, [(3,), (2,)]))


STRICT_ERRORS = {
    "jacobian_output_detached": _strict("jacobian", lambda L, a: a.detach() * 2, (3,)),
    "jacobian_unused_input": _strict("jacobian", lambda L, a, b: a * 2, [(3,), (2,)]),
    # output 1 has a constant gradient in input 0; PyTorch's message names index 1
    "jacobian_constant_under_create_graph": _strict("jacobian", lambda L, a, b: (a * b, a * 2 + b * b),
                                                    [(3,), (3,)], create_graph=True),
    "vjp_output_detached": _strict("vjp", lambda L, a: a.detach(), (3,), (3,)),
    "vjp_unused_input": _strict("vjp", lambda L, a, b: a * 2, [(3,), (2,)], (3,)),
    "vjp_constant_under_create_graph": _strict("vjp", lambda L, a: a * 2, (3,), (3,), create_graph=True),
    "jvp_unused_input": _strict("jvp", lambda L, a, b: a * 2, [(3,), (2,)], [(3,), (2,)]),
    "jvp_constant_under_create_graph": _strict("jvp", lambda L, a: a * 2, (3,), (3,), create_graph=True),
    "hessian_linear": _strict("hessian", lambda L, a: (a * 2).sum(), (3,)),
    "hessian_unused_input": _strict("hessian", lambda L, a, b: (a ** 3).sum(), [(3,), (2,)]),
    "hvp_linear": _strict("hvp", lambda L, a: (a * 2).sum(), (3,), (3,)),
    "hvp_unused_input": _strict("hvp", lambda L, a, b: (a ** 3).sum(), [(3,), (2,)], [(3,), (2,)]),
    "vhp_linear": _strict("vhp", lambda L, a: (a * 2).sum(), (3,), (3,)),
    "vhp_quadratic_under_create_graph": _strict("vhp", lambda L, a: (a * a).sum(), (3,), (3,), create_graph=True),
    "hvp_quadratic_under_create_graph": _strict("hvp", lambda L, a: (a * a).sum(), (3,), (3,), create_graph=True),
}


@pytest.mark.parametrize("call", STRICT_ERRORS.values(), ids=STRICT_ERRORS.keys())
def test_strict_errors_match_pytorch(call):
    _same_error(call)


def test_without_strict_the_same_calls_give_zeros():
    x, y = minigrad.ones(3), minigrad.ones(2)
    _, (_, d_y) = functional.vjp(lambda a, b: a * 2, (x, y), minigrad.ones(3))
    np.testing.assert_array_equal(d_y.numpy(), np.zeros(2))
    _, product = functional.hvp(lambda a: (a * 2).sum(), x, x)
    np.testing.assert_array_equal(product.numpy(), np.zeros(3))
    blocks = functional.hessian(lambda a, b: (a ** 3).sum(), (x, y))
    np.testing.assert_array_equal(blocks[1][1].numpy(), np.zeros((2, 2)))


BAD_ARGUMENTS = {
    "vjp_v_missing_for_a_vector_output": _calling("vjp", lambda L, a: a * 2, (3,), None),
    "vjp_v_wrong_size": _calling("vjp", lambda L, a: a * 2, (3,), (2,)),
    "vjp_v_wrong_size_in_tuple": _calling("vjp", lambda L, a: (a, a.sum()), (3,), [(3,), (2,)]),
    "vjp_v_tuple_too_short": _calling("vjp", lambda L, a: (a, a * 2), (3,), [(3,)]),
    "vjp_v_tuple_for_one_output": _calling("vjp", lambda L, a: a * 2, (3,), [(3,), (3,)]),
    "jvp_v_missing_for_a_vector_input": _calling("jvp", lambda L, a: a * 2, (3,), None),
    "jvp_v_wrong_size": _calling("jvp", lambda L, a, b: a * b, [(3,), (3,)], [(3,), (1,)]),
    "hvp_v_missing": _calling("hvp", lambda L, a: (a * a).sum(), (3,), None),
    "vhp_v_wrong_size": _calling("vhp", lambda L, a: (a * a).sum(), (3,), (4,)),
    "hvp_output_not_scalar": _calling("hvp", lambda L, a: a * a, (3,), (3,)),
    "vhp_output_a_tuple": _calling("vhp", lambda L, a: ((a * a).sum(),), (3,), (3,)),
    "hessian_output_not_scalar": _calling("hessian", lambda L, a: a * a, (3,)),
    "hessian_output_a_tuple": _calling("hessian", lambda L, a: ((a * a).sum(),), (3,)),
    "inputs_a_list": lambda L: L.autograd.functional.jacobian(lambda a: a, [L.ones(2)]),
    "inputs_a_tuple_holding_a_list": lambda L: L.autograd.functional.vjp(lambda a: a, ([L.ones(2)],)),
    "inputs_a_number": lambda L: L.autograd.functional.hessian(lambda a: a, 3.0),
    "outputs_a_list": _calling("jacobian", lambda L, a: [a * 2], (2,)),
    "outputs_a_number": _calling("jvp", lambda L, a: 3.0, (1,), None),
    "outputs_a_tuple_holding_a_number": _calling("vjp", lambda L, a: (a.sum(), 1), (2,), [(), ()]),
    "v_a_list": lambda L: L.autograd.functional.vjp(lambda a: a * 2, L.ones(2), [L.ones(2)]),
    "jacobian_unknown_strategy": _calling("jacobian", lambda L, a: a, (2,), strategy="backward"),
    "hessian_unknown_strategy": _calling("hessian", lambda L, a: a.sum(), (2,), outer_jacobian_strategy="fwd"),
    "jacobian_forward_mode_unvectorized": _calling("jacobian", lambda L, a: a, (2,), strategy="forward-mode"),
    "jacobian_forward_mode_create_graph": _calling("jacobian", lambda L, a: a, (2,), strategy="forward-mode",
                                                   create_graph=True),
    "jacobian_forward_mode_strict": _calling("jacobian", lambda L, a: a, (2,), strategy="forward-mode",
                                             vectorize=True, strict=True),
    "hessian_forward_mode_unvectorized": _calling("hessian", lambda L, a: (a * a).sum(), (2,),
                                                  outer_jacobian_strategy="forward-mode"),
    "jacobian_vectorized_strict": _calling("jacobian", lambda L, a: a * 2, (2,), vectorize=True, strict=True),
}


@pytest.mark.parametrize("call", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_bad_arguments_raise_as_pytorch(call):
    _same_error(call)


@pytest.mark.parametrize("fn_name, options", [
    ("jacobian", {"vectorize": True}),
    ("hessian", {"vectorize": True}),
    ("jacobian", {"vectorize": True, "strategy": "forward-mode"}),
    ("hessian", {"vectorize": True, "outer_jacobian_strategy": "forward-mode"}),
])
def test_vectorize_and_forward_mode_are_not_implemented(fn_name, options):
    """PyTorch computes these with vmap and forward-mode AD, which minigrad does not have."""
    torch_result = getattr(torch.autograd.functional, fn_name)(lambda a: (a ** 3).sum(), torch.ones(2), **options)
    assert torch_result is not None
    with pytest.raises(NotImplementedError, match="minigrad does not have"):
        getattr(functional, fn_name)(lambda a: (a ** 3).sum(), minigrad.ones(2), **options)


def test_hessian_vector_products_through_nn_modules_match_pytorch():
    """H v and v^T H of a Linear -> Tanh -> Linear network's summed output in its input, the
    modules' parameters captured from outside: they get no .grad, as in PyTorch."""
    rng = np.random.default_rng(3)
    state = {"0.weight": rng.standard_normal((5, 3)), "0.bias": rng.standard_normal(5),
             "2.weight": rng.standard_normal((2, 5)), "2.bias": rng.standard_normal(2)}
    x, v = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    products = []
    for L in (minigrad, torch):
        model = L.nn.Sequential(L.nn.Linear(3, 5), L.nn.Tanh(), L.nn.Linear(5, 2)).double()
        model.load_state_dict({name: L.tensor(values, dtype=L.float64) for name, values in state.items()})
        inputs, vector = L.tensor(x, dtype=L.float64), L.tensor(v, dtype=L.float64)
        _, hv = L.autograd.functional.hvp(lambda a: model(a).sum(), inputs, vector)
        _, vh = L.autograd.functional.vhp(lambda a: model(a).sum(), inputs, vector)
        assert all(p.grad is None for p in model.parameters())
        products.append((hv.numpy(), vh.numpy()))
    (hv, vh), (hv_ref, vh_ref) = products
    np.testing.assert_allclose(hv, hv_ref, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(vh, vh_ref, rtol=1e-7, atol=1e-10)
