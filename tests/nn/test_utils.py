"""nn.utils: gradient clipping against PyTorch and by hand, parameters <-> vector."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn.utils import (clip_grad_norm_, clip_grad_value_, get_total_norm, parameters_to_vector,
                               vector_to_parameters)

GRADS = [np.array([[3.0, -4.0], [1.0, 2.0]], np.float32), np.array([0.5, -12.0], np.float32)]


def params_with_grads(grads):
    params = [nn.Parameter(minigrad.zeros(*g.shape)) for g in grads]
    for param, grad in zip(params, grads):
        param.grad = minigrad.tensor(grad)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [1.0, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    ours = params_with_grads(GRADS)
    theirs = [torch.nn.Parameter(torch.zeros(g.shape)) for g in GRADS]
    for param, grad in zip(theirs, GRADS):
        param.grad = torch.tensor(grad)
    total = clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.dtype == minigrad.float32 and total.ndim == 0
    assert total.item() == pytest.approx(expected.item(), rel=1e-6)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)


def test_clip_grad_norm_by_hand():
    params = params_with_grads(GRADS)
    total = math.sqrt(9 + 16 + 1 + 4 + 0.25 + 144)
    assert clip_grad_norm_(params, 1.0).item() == pytest.approx(total)
    assert get_total_norm([p.grad for p in params]).item() == pytest.approx(1.0, rel=1e-5)
    untouched = params_with_grads(GRADS)
    clip_grad_norm_(untouched[0], 100.0)  # a single tensor is accepted; below max_norm: unchanged
    assert np.array_equal(untouched[0].grad.numpy(), GRADS[0])


def test_clip_grad_norm_edge_cases():
    assert clip_grad_norm_([nn.Parameter(minigrad.ones(2))], 1.0).item() == 0.0  # no grads
    with pytest.warns(UserWarning, match="empty generator"):
        clip_grad_norm_((p for p in []), 1.0)
    bad = params_with_grads([np.array([np.inf, 1.0], np.float32)])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        clip_grad_norm_(bad, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    params = params_with_grads(GRADS)
    clip_grad_value_(params, 2.5)
    assert params[0].grad.tolist() == [[2.5, -2.5], [1.0, 2.0]] and params[1].grad.tolist() == [0.5, -2.5]


def test_parameters_to_vector_and_back():
    net = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vector = parameters_to_vector(net.parameters())
    assert vector.shape == (11,) and vector.requires_grad
    assert vector[:6].tolist() == net[0].weight.reshape(-1).tolist()
    weight = net[0].weight
    vector_to_parameters(minigrad.arange(11.0), net.parameters())
    assert net[0].weight is weight and weight.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert net[1].bias.tolist() == [10.0]
    with pytest.raises(TypeError, match="expected minigrad.Tensor, but got: list"):
        vector_to_parameters([1.0], net.parameters())
