"""Second derivatives of every op family against PyTorch's.

Each case of ``double_backward_cases.py`` runs in both libraries at the same float64 inputs. With
random output weights v and input weights u, both libraries compute
``g = grad(<v, f(x)>, x, create_graph=True)`` and then ``grad(sum_i <u_i, g_i>, x)``: a
Hessian-vector product of ``<v, f>`` for every input, which exercises the recorded backward of
the op. ``tests/core/test_gradgradcheck.py`` checks the
same ops against finite differences without PyTorch.
"""
from __future__ import annotations

import numpy as np
import pytest

import minigrad

from .double_backward_cases import CASES, PYTORCH_HAS_NO_DOUBLE_BACKWARD, marked, random_inputs

torch = pytest.importorskip("torch")


def _hessian_vector_products(lib, fn, arrays: list, seed: int) -> tuple:
    """(first derivatives, second derivatives) of <v, fn(x)> along u, in ``lib``."""
    tensors = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
    out = fn(lib, *tensors)
    rng = np.random.default_rng(seed + 1)
    v = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=lib.float64)
    grads = lib.autograd.grad(out, tensors, v, create_graph=True, allow_unused=True)
    used = [(g, t) for g, t in zip(grads, tensors) if g is not None and g.requires_grad]
    if not used:
        return [None if g is None else g.detach().numpy() for g in grads], [None] * len(tensors)
    weights = [lib.tensor(rng.standard_normal(tuple(g.shape)), dtype=lib.float64) for g, _ in used]
    total = sum((g * w).sum() for (g, _), w in zip(used, weights))
    second = lib.autograd.grad(total, tensors, allow_unused=True)
    return ([None if g is None else g.detach().numpy() for g in grads],
            [None if s is None else s.detach().numpy() for s in second])


def _same(ours, theirs) -> None:
    for mine, reference in zip(ours, theirs):
        if reference is None or (mine is None and not np.any(reference)):
            continue
        assert mine is not None
        np.testing.assert_allclose(mine, reference, rtol=1e-7, atol=1e-9)



@pytest.mark.parametrize("name, fn, shapes", marked([c for c in CASES if c[0] not in PYTORCH_HAS_NO_DOUBLE_BACKWARD]))
def test_second_derivatives_match_pytorch(name, fn, shapes):
    arrays = random_inputs(shapes, seed=len(name))
    first, second = _hessian_vector_products(minigrad, fn, arrays, seed=len(name))
    first_ref, second_ref = _hessian_vector_products(torch, fn, arrays, seed=len(name))
    _same(first, first_ref)
    _same(second, second_ref)
