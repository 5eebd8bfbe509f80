"""Helpers shared by the op tests: random float64 leaves, a PyTorch parity check, and the two
checks every differentiable op gets.

A test module's ``CASES`` lists (name, fn, input shapes[, parity options]) with ``fn(module,
*inputs)`` written once for minigrad and torch; a test that takes ``case`` runs once per entry, so
``check_gradients(case)`` (gradcheck on contiguous and non-contiguous float64 leaves) and
``matches_torch(case)`` cover every op of the module.

``check_second_derivatives(case)`` runs gradgradcheck the same way, and
``matches_torch_silently(fn, values)`` checks one input of edge values (infinities, NaN, ties).

``torch_parity(fn, inputs)`` runs ``fn(module, *inputs)`` with minigrad and with torch on copies of
the same values, then compares every output (shape, dtype, values, grad_fn name) and, after a
backward pass with the same random output gradients, every input's gradient.
"""
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = metafunc.module.CASES
        metafunc.parametrize("case", cases, ids=[c[0] for c in cases])


def make_leaves(shapes, seed=0, transpose=False, positive=False, requires_grad=True):
    """float64 leaves of random values; ``transpose`` stores matrices transposed (non-contiguous)."""
    rng = np.random.default_rng(seed)
    tensors = []
    for shape in shapes:
        data = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
        if transpose and data.ndim >= 2:
            data = np.ascontiguousarray(data.swapaxes(-1, -2)).swapaxes(-1, -2)
        tensors.append(mg.from_numpy(data).requires_grad_(requires_grad))
    return tensors


@pytest.fixture
def leaves():
    return make_leaves


def _as_list(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _torch_copy(torch, t):
    if not isinstance(t, mg.Tensor):
        return t
    return torch.tensor(t.detach().numpy().copy(), requires_grad=t.requires_grad)


@pytest.fixture
def torch_parity():
    torch = pytest.importorskip("torch")

    def compare(fn, inputs, rtol=1e-10, atol=1e-12, seed=7, grad_fn_names=True):
        theirs_in = [_torch_copy(torch, t) for t in inputs]
        ours, theirs = _as_list(fn(mg, *inputs)), _as_list(fn(torch, *theirs_in))
        assert len(ours) == len(theirs)
        rng = np.random.default_rng(seed)
        our_loss = their_loss = None
        for a, b in zip(ours, theirs):
            assert tuple(a.shape) == tuple(b.shape)
            assert a.dtype.name == str(b.dtype).removeprefix("torch.")
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol)
            if b.requires_grad:
                assert a.requires_grad
                if grad_fn_names:
                    assert a.grad_fn.name() == b.grad_fn.name()
                weights = rng.standard_normal(tuple(b.shape))
                our_term = (a * mg.tensor(weights)).sum()
                their_term = (b * torch.tensor(weights)).sum()
                our_loss = our_term if our_loss is None else our_loss + our_term
                their_loss = their_term if their_loss is None else their_loss + their_term
        if their_loss is None:
            return ours
        our_loss.backward()
        their_loss.backward()
        for a, b in zip(inputs, theirs_in):
            if isinstance(b, torch.Tensor) and b.requires_grad:
                if b.grad is None:
                    assert a.grad is None or not a.grad.numpy().any()
                else:
                    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)
        return ours

    return compare


@pytest.fixture
def same_error():
    """``same_error(call, exact=True)``: ``call(torch)`` and ``call(minigrad)`` raise the same exception
    type and (with ``exact``) the same message, word for word (as elsewhere in minigrad, messages
    that name a function keep PyTorch's ``torch.`` prefix)."""
    torch = pytest.importorskip("torch")

    def check(call, exact=True):
        with pytest.raises(Exception) as theirs:
            call(torch)
        with pytest.raises(type(theirs.value)) as ours:
            call(mg)
        if exact:
            assert str(ours.value) == str(theirs.value)

    return check


@pytest.fixture
def check_gradients():
    def check(case):
        _, fn, shapes, *_ = case
        inputs = make_leaves(shapes)
        assert gradcheck(lambda *a: fn(mg, *a), inputs)
        inputs = make_leaves(shapes, seed=1, transpose=True)
        assert gradcheck(lambda *a: fn(mg, *a), inputs)

    return check


@pytest.fixture
def check_second_derivatives():
    def check(case):
        _, fn, shapes, *_ = case
        assert gradgradcheck(lambda *a: fn(mg, *a), make_leaves(shapes, seed=3))

    return check


@pytest.fixture
def matches_torch(torch_parity):
    """``matches_torch(case, **options)``: ``torch_parity`` with ``options`` (say
    ``grad_fn_names=False`` for a module of composites) under the case's own options."""
    def check(case, **options):
        _, fn, shapes, *case_options = case
        options.update(case_options[0] if case_options else {})
        torch_parity(fn, make_leaves(shapes, seed=2, transpose=True), **options)

    return check


@pytest.fixture
def matches_torch_silently():
    """``matches_torch_silently(fn, values)``: ``fn(module, x)`` on a float64 vector of ``values``
    gives PyTorch's values and, for all-ones output gradients, its gradient (to 1e-12) in minigrad
    without any warning (numpy's RuntimeWarnings are errors here)."""
    torch = pytest.importorskip("torch")

    def check(fn, values):
        x = mg.tensor(values, dtype=mg.float64, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ours = fn(mg, x)
            ours.backward(mg.ones_like(ours))
        their_x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        theirs = fn(torch, their_x)
        theirs.backward(torch.ones_like(theirs))
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), their_x.grad.numpy(), rtol=1e-12)

    return check
