"""float16 through the ops whose Numba kernels have no half type: they compute in float32 and
return float16, as PyTorch's CPU kernels do, instead of letting Numba's typing error out."""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F

OPS = {
    "softmax": lambda f, x: f.softmax(x, dim=1),
    "log_softmax": lambda f, x: f.log_softmax(x, dim=1),
    "gelu": lambda f, x: f.gelu(x),
    "max_pool2d": lambda f, x: f.max_pool2d(x, 2),
    "avg_pool2d": lambda f, x: f.avg_pool2d(x, 2),
    "adaptive_avg_pool2d": lambda f, x: f.adaptive_avg_pool2d(x, 3),
    "interpolate": lambda f, x: f.interpolate(x, scale_factor=2, mode="bilinear"),
    "batch_norm": lambda f, x: f.batch_norm(x, None, None, training=True),
    "layer_norm": lambda f, x: f.layer_norm(x, (6,)),
    "group_norm": lambda f, x: f.group_norm(x, 3),
    "instance_norm": lambda f, x: f.instance_norm(x),
}


def half_input(seed=0):
    return np.random.default_rng(seed).standard_normal((2, 3, 6, 6)).astype(np.float16)


@pytest.mark.parametrize("name", OPS)
def test_outputs_and_gradients_stay_float16(name):
    x = minigrad.tensor(half_input(), requires_grad=True)
    out = OPS[name](F, x)
    assert out.dtype == minigrad.float16
    out.float().sum().backward()
    assert x.grad.dtype == minigrad.float16


@pytest.mark.parametrize("name", OPS)
def test_matches_the_float32_result_rounded(name):
    x = half_input()
    half = OPS[name](F, minigrad.tensor(x)).numpy()
    single = OPS[name](F, minigrad.tensor(x.astype(np.float32))).numpy().astype(np.float16)
    np.testing.assert_array_equal(half, single)


@pytest.mark.parametrize("name", OPS)
def test_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    x = half_input()
    expected = OPS[name](torch.nn.functional, torch.tensor(x)).float().numpy()
    np.testing.assert_allclose(OPS[name](F, minigrad.tensor(x)).float().numpy(), expected, rtol=2e-3, atol=2e-3)


def test_cross_entropy_in_float16():
    logits = minigrad.tensor(half_input()[:, :, 0, 0], requires_grad=True)
    loss = F.cross_entropy(logits, minigrad.tensor([0, 2]))
    assert loss.dtype == minigrad.float16
    loss.backward()
    assert logits.grad.dtype == minigrad.float16
    expected = F.cross_entropy(logits.detach().float(), minigrad.tensor([0, 2]))
    assert loss.item() == pytest.approx(expected.item(), rel=2e-3)


@pytest.mark.parametrize("make", [lambda p: minigrad.optim.SGD([p], lr=0.1, momentum=0.9),
                                  lambda p: minigrad.optim.Adam([p], lr=0.1)], ids=["SGD", "Adam"])
def test_optimizers_update_float16_parameters_in_float32(make):
    start = half_input()[0, 0]
    half, single = minigrad.nn.Parameter(minigrad.tensor(start)), minigrad.nn.Parameter(minigrad.tensor(start).float())
    optimizers = make(half), make(single)
    for step in range(3):
        for param, optimizer in zip((half, single), optimizers):
            param.grad = minigrad.tensor(start * (step + 1)).to(param.dtype)
            optimizer.step()
    assert half.dtype == minigrad.float16
    np.testing.assert_allclose(half.detach().numpy().astype(np.float32), single.detach().numpy(), rtol=2e-3, atol=2e-3)
