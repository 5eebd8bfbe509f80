"""Higher-order gradients of the spatial ops (convolutions, pooling, padding, resizing, pixel
shuffle, embedding) beyond the Hessian-vector products of test_double_backward.py: a gradient
penalty through a small CNN, third derivatives, PyTorch's node names for the recorded backward,
and gradgradcheck (finite differences, no PyTorch).
"""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def _critic(lib):
    """conv -> leaky_relu -> strided conv -> tanh -> avg pool -> linear: a WGAN-GP critic. (The tanh
    makes the penalty depend on the conv biases: through piecewise-linear activations alone their
    gradient is zero, which PyTorch reports as zeros and minigrad as None.)"""
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.LeakyReLU(0.2), nn.Conv2d(4, 6, 3, stride=2, padding=1),
                         nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6 * 2 * 2, 1))


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-10), ("float32", 2e-4)])
def test_wgan_gp_penalty_through_a_conv_critic_reaches_the_weights_as_in_pytorch(dtype, rtol):
    rng = np.random.default_rng(0)
    real, fake = rng.standard_normal((2, 5, 1, 8, 8)).astype(dtype)
    alpha = rng.random((5, 1, 1, 1)).astype(dtype)
    ours, theirs = _critic(minigrad).to(getattr(minigrad, dtype)), _critic(torch).to(getattr(torch, dtype))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = minigrad.tensor(q.detach().numpy().copy())
    grads = []
    for lib, critic in ((minigrad, ours), (torch, theirs)):
        mixed = lib.tensor(alpha * real + (1 - alpha) * fake, requires_grad=True)
        scores = critic(mixed)
        (slopes,) = lib.autograd.grad(scores, mixed, lib.ones_like(scores), create_graph=True)
        penalty = ((slopes.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
        grads.append([None if p.grad is None else p.grad.numpy() for p in critic.parameters()])
    for mine, reference in zip(*grads):
        if reference is None:  # the last bias: the penalty does not depend on it
            assert mine is None
            continue
        assert mine.dtype == np.dtype(dtype)
        np.testing.assert_allclose(mine, reference, rtol=rtol, atol=rtol * 1e-2)


def _F(lib):
    return lib.nn.functional


THIRD_ORDER = [
    ("conv2d", lambda L, x, w: _F(L).conv2d(x, w, stride=2, padding=1, groups=2), [(2, 4, 5, 5), (4, 2, 3, 3)]),
    # (PyTorch's own third derivative of a transposed convolution with output_padding raises.)
    ("conv_transpose1d", lambda L, x, w: _F(L).conv_transpose1d(x, w, stride=2, padding=1, dilation=2),
     [(2, 3, 4), (3, 2, 3)]),
    ("max_pool2d", lambda L, x: _F(L).max_pool2d(x, 3, 2, 1), [(1, 2, 5, 5)]),
    ("max_unpool2d", lambda L, x: _F(L).max_unpool2d(*_F(L).max_pool2d(x, 2, return_indices=True), 2),
     [(1, 2, 4, 4)]),
    ("avg_pool2d", lambda L, x: _F(L).avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(1, 2, 5, 5)]),
    ("adaptive_avg_pool2d", lambda L, x: _F(L).adaptive_avg_pool2d(x, (2, 3)), [(1, 2, 5, 5)]),
    ("pad_reflect", lambda L, x: _F(L).pad(x, (1, 2, 2, 0), mode="reflect"), [(1, 2, 3, 4)]),
    ("pad_constant", lambda L, x: _F(L).pad(x, (1, -1, 2, 0), value=1.5), [(1, 2, 3, 4)]),
    ("interpolate_bilinear", lambda L, x: _F(L).interpolate(x, size=(5, 4), mode="bilinear"), [(1, 2, 3, 3)]),
    ("interpolate_nearest", lambda L, x: _F(L).interpolate(x, scale_factor=2), [(1, 2, 3, 3)]),
    ("pixel_shuffle", lambda L, x: _F(L).pixel_shuffle(x, 2), [(1, 4, 2, 3)]),
    ("embedding", lambda L, w: _F(L).embedding(L.tensor([[0, 2], [2, 1]]), w), [(3, 4)]),
]


def _third_derivatives(lib, fn, arrays: list, seed: int) -> list:
    """d/dx <u2, d/dx <u1, d/dx <v, fn(x)^3>>> for every input x: each level differentiates the
    recorded backward of the one before, so the spatial op's backward-of-backward is recorded too."""
    rng = np.random.default_rng(seed)
    tensors = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
    out = fn(lib, *tensors) ** 3
    total = (out * lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=lib.float64)).sum()
    for _ in range(2):
        grads = lib.autograd.grad(total, tensors, create_graph=True)
        total = sum((g * lib.tensor(rng.standard_normal(tuple(g.shape)), dtype=lib.float64)).sum() for g in grads)
    return [g.numpy() for g in lib.autograd.grad(total, tensors)]


@pytest.mark.parametrize("name, fn, shapes", THIRD_ORDER, ids=[case[0] for case in THIRD_ORDER])
def test_third_derivatives_match_pytorch(name, fn, shapes):
    rng = np.random.default_rng(len(name))
    arrays = [rng.standard_normal(shape) for shape in shapes]
    ours = _third_derivatives(minigrad, fn, arrays, seed=3)
    theirs = _third_derivatives(torch, fn, arrays, seed=3)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference, rtol=1e-8, atol=1e-10)


NODE_NAMES = [
    ("conv2d", lambda L, x: _F(L).conv2d(x, x[:2, :, :3, :3], padding=1), (4, 4, 6, 6)),
    ("conv_transpose2d", lambda L, x: _F(L).conv_transpose2d(x, x[:, :2, :3, :3]), (4, 4, 6, 6)),
    ("max_pool2d", lambda L, x: _F(L).max_pool2d(x, 2), (4, 4, 6, 6)),
    ("adaptive_max_pool2d", lambda L, x: _F(L).adaptive_max_pool2d(x, 3), (4, 4, 6, 6)),
    ("avg_pool2d", lambda L, x: _F(L).avg_pool2d(x, 2), (4, 4, 6, 6)),
    ("adaptive_avg_pool2d", lambda L, x: _F(L).adaptive_avg_pool2d(x, 3), (4, 4, 6, 6)),
    ("pad_constant", lambda L, x: _F(L).pad(x, (1, 1)), (4, 4, 6, 6)),
    ("pad_reflect", lambda L, x: _F(L).pad(x, (1, 1, 1, 1), mode="reflect"), (4, 4, 6, 6)),
    ("pad_replicate", lambda L, x: _F(L).pad(x, (1, 1), mode="replicate"), (4, 6, 6)),
    ("interpolate_nearest", lambda L, x: _F(L).interpolate(x, scale_factor=2), (4, 4, 6, 6)),
    ("interpolate_bilinear", lambda L, x: _F(L).interpolate(x, scale_factor=2, mode="bilinear"), (4, 4, 6, 6)),
    ("pixel_shuffle", lambda L, x: _F(L).pixel_shuffle(x, 2), (4, 4, 6, 6)),
    ("pixel_unshuffle", lambda L, x: _F(L).pixel_unshuffle(x, 2), (4, 4, 6, 6)),
    ("embedding", lambda L, x: _F(L).embedding(L.tensor([1, 0, 1]), x), (4, 6)),
]


@pytest.mark.parametrize("name, fn, shape", NODE_NAMES, ids=[case[0] for case in NODE_NAMES])
def test_the_recorded_backward_has_pytorchs_node_names(name, fn, shape):
    values = np.random.default_rng(0).standard_normal(shape)
    names = []
    for lib in (minigrad, torch):
        x = lib.tensor(values, requires_grad=True)
        out = fn(lib, x)
        (g,) = lib.autograd.grad(out, x, out.detach() * out, create_graph=True)  # a gradient in the graph
        names.append(g.grad_fn.name())
    assert names[0] == names[1]


F = minigrad.nn.functional

GRADGRADCHECK = [
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=1, groups=2).tanh(),
     [(2, 4, 4, 5), (2, 2, 2, 3), (2,)]),
    ("conv2d_same", lambda x, w: F.conv2d(x, w, padding="same"), [(1, 2, 4, 4), (3, 2, 2, 3)]),
    ("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, dilation=2) ** 2, [(2, 2, 7), (3, 2, 2), (3,)]),
    ("conv_transpose2d", lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1) ** 2,
     [(1, 2, 3, 3), (2, 3, 2, 2)]),
    ("conv_transpose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, groups=2), [(1, 4, 3), (4, 1, 2), (2,)]),
    ("max_pool2d", lambda x: F.max_pool2d(x, 2, 1) ** 2, [(1, 2, 4, 4)]),
    ("max_pool1d", lambda x: F.max_pool1d(x, 3, 2, 1) ** 2, [(2, 3, 7)]),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (2, 3)) ** 2, [(1, 2, 5, 5)]),
    ("max_unpool2d", lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2) ** 2, [(1, 2, 4, 4)]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, divisor_override=4) ** 2, [(1, 2, 6, 6)]),
    ("avg_pool1d", lambda x: F.avg_pool1d(x, 2, 1, 1, count_include_pad=False) ** 2, [(2, 2, 5)]),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)) ** 2, [(1, 2, 5, 4)]),
    ("pad_constant", lambda x: F.pad(x, (1, -1, 0, 2), value=0.5) ** 2, [(2, 3, 4)]),
    ("pad_circular", lambda x: F.pad(x, (2, 1), mode="circular") ** 2, [(2, 3, 4)]),
    ("pad_reflect", lambda x: F.pad(x, (1, 2, 1, 0), mode="reflect") ** 2, [(1, 2, 3, 4)]),
    ("pad_replicate", lambda x: F.pad(x, (1, 2), mode="replicate") ** 2, [(2, 3)]),
    ("interpolate_linear", lambda x: F.interpolate(x, scale_factor=1.7, mode="linear", align_corners=True) ** 2,
     [(2, 2, 4)]),
    ("interpolate_nearest", lambda x: F.interpolate(x, size=(3, 5)) ** 2, [(1, 2, 2, 3)]),
    ("interpolate_bilinear", lambda x: F.interpolate(x, size=(3, 5), mode="bilinear") ** 2, [(1, 2, 2, 3)]),
    ("pixel_shuffle", lambda x: F.pixel_unshuffle(F.pixel_shuffle(x, 2) ** 2, 2), [(1, 4, 2, 3)]),
    ("embedding", lambda w: F.embedding(minigrad.tensor([[0, 2], [2, 1]]), w, padding_idx=1) ** 2, [(3, 4)]),
]


@pytest.mark.parametrize("name, fn, shapes", GRADGRADCHECK, ids=[case[0] for case in GRADGRADCHECK])
def test_gradgradcheck(name, fn, shapes):
    """Second derivatives against finite differences, with respect to the inputs and to the
    gradient flowing in; no PyTorch involved."""
    rng = np.random.default_rng(len(name))
    inputs = tuple(minigrad.tensor(rng.standard_normal(shape), requires_grad=True) for shape in shapes)
    minigrad.manual_seed(0)
    assert minigrad.autograd.gradgradcheck(fn, inputs)
