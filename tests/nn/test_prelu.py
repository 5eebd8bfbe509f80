"""PReLU and F.prelu: float64 gradcheck of input and slopes, PyTorch parity (outputs, both
gradients, repr, state_dict, init), shared vs per-channel slopes, and PyTorch's errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

# (input shape, weight shape): per-channel on 2-D/3-D/4-D inputs, and one shared slope.
CASES = {"2d": ((4, 3), (3,)), "3d": ((2, 3, 5), (3,)), "4d": ((2, 2, 3, 3), (2,)), "shared": ((2, 3, 4), (1,)),
         "0-d weight": ((3, 4), ()), "1d input": ((5,), (1,)), "0-d input": ((), (1,))}


def points(shape, seed=0):
    # Values kept away from 0, the kink.
    rng = np.random.default_rng(seed)
    return rng.uniform(0.2, 2.0, shape) * rng.choice([-1, 1], shape)


@pytest.mark.parametrize("case", CASES)
def test_gradcheck_input_and_weight(case):
    input_shape, weight_shape = CASES[case]
    x = minigrad.tensor(points(input_shape), requires_grad=True)
    weight = minigrad.tensor(points(weight_shape, seed=1), requires_grad=True)
    assert gradcheck(F.prelu, (x, weight))


@pytest.mark.parametrize("case", CASES)
def test_matches_torch(case):
    torch = pytest.importorskip("torch")
    input_shape, weight_shape = CASES[case]
    x, w = points(input_shape).astype(np.float32), points(weight_shape, seed=1).astype(np.float32)
    grad = points(input_shape, seed=2).astype(np.float32)
    mx, mw = minigrad.tensor(x, requires_grad=True), minigrad.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    m_out, t_out = F.prelu(mx, mw), torch.nn.functional.prelu(tx, tw)
    assert m_out.grad_fn.name() == t_out.grad_fn.name() == "PreluKernelBackward0"
    np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6)
    m_out.backward(minigrad.tensor(grad))
    t_out.backward(torch.tensor(grad))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-6)
    assert mw.grad.shape == tuple(tw.grad.shape)
    np.testing.assert_allclose(mw.grad.numpy(), tw.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_module_matches_torch_and_trains_its_slopes():
    torch = pytest.importorskip("torch")
    for args in ((), (3,), (3, 0.1)):
        ours, theirs = nn.PReLU(*args), torch.nn.PReLU(*args)
        assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
        np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    layer = nn.PReLU(3, dtype=minigrad.float64)
    assert layer.weight.dtype == minigrad.float64 and layer.weight.requires_grad
    x = minigrad.tensor(points((4, 3)))
    layer(x).sum().backward()
    expected = np.where(x.numpy() > 0, 0, x.numpy()).sum(axis=0)  # d/dw_c = sum of the negative x in channel c
    np.testing.assert_allclose(layer.weight.grad.numpy(), expected, rtol=1e-12)


def test_float32_slope_gradient_is_accurate_over_a_large_batch():
    x = minigrad.tensor(-np.ones((50_000, 2), np.float32) / 3)
    weight = minigrad.tensor(np.array([0.25, 0.5], np.float32), requires_grad=True)
    F.prelu(x, weight).sum().backward()
    np.testing.assert_allclose(weight.grad.numpy(), [-50_000 / 3] * 2, rtol=1e-6)


ERRORS = [
    (lambda t: (t.ones(2, 3), t.ones(2)), "Mismatch of parameter numbers and input channel size. Found parameter "
                                          "numbers = 2 and channel size = 3."),
    (lambda t: (t.ones(4), t.ones(4)), "Mismatch of parameter numbers and input channel size. Found parameter "
                                       "numbers = 4 and channel size = 1."),
    (lambda t: (t.tensor(1.0), t.ones(3)), "Not allow zero-dim input tensor."),
    (lambda t: (t.ones(2, 4), t.ones(2, 2)), "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"),
    (lambda t: (t.ones(2, 1), t.ones(1, 1)), "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"),
    (lambda t: (t.ones(2, 3, dtype=t.float64), t.ones(3)), "prelu: Type promoting not supported. Got Double and Float"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case):
    torch = pytest.importorskip("torch")
    make, message = ERRORS[case]
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.prelu(*make(torch))
    with pytest.raises(RuntimeError) as ours:
        F.prelu(*make(minigrad))
    assert str(ours.value) == str(theirs.value) == message
