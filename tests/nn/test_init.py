"""nn.init: gains equal PyTorch's, fans, bounds and standard deviations of each scheme, errors,
no autograd recording, and repeatability through the generator."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn import init

GAIN_CASES = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
              ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)]


@pytest.mark.parametrize("nonlinearity, param", GAIN_CASES)
def test_calculate_gain_matches_torch(nonlinearity, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_values_and_errors():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2 / 6)
    with pytest.raises(ValueError, match="Unsupported nonlinearity softplus"):
        init.calculate_gain("softplus")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_fans():
    assert init._calculate_fan_in_and_fan_out(minigrad.empty(3, 4)) == (4, 3)
    assert init._calculate_fan_in_and_fan_out(minigrad.empty(8, 2, 3, 5)) == (30, 120)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(minigrad.empty(3))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(minigrad.empty(2, 2), mode="fan_avg")


def spread(tensor):
    values = tensor.detach().numpy().astype(np.float64)
    return np.abs(values).max(), values.std(), values.mean()


def test_uniform_schemes_bounds():
    w = minigrad.empty(200, 300)
    largest, std, mean = spread(init.uniform_(w, -0.5, 1.5))
    assert w.numpy().min() >= -0.5 and w.numpy().max() <= 1.5 and abs(mean - 0.5) < 0.01
    bound = math.sqrt(6 / (200 + 300)) * 2.0
    largest, std, _ = spread(init.xavier_uniform_(w, gain=2.0))
    assert bound * 0.99 < largest <= bound and std == pytest.approx(bound / math.sqrt(3), rel=0.02)
    w4 = minigrad.empty(100, 30, 2, 2)
    largest, std, _ = spread(init.kaiming_uniform_(w4, mode="fan_out", nonlinearity="relu"))
    bound = math.sqrt(2) * math.sqrt(3 / 400)  # relu gain; fan_out of (100, 30, 2, 2) = 100 * 4
    assert bound * 0.99 < largest <= bound and std == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_normal_schemes_std():
    w = minigrad.empty(300, 400)
    _, std, mean = spread(init.normal_(w, mean=1.0, std=0.5))
    assert std == pytest.approx(0.5, rel=0.02) and mean == pytest.approx(1.0, abs=0.01)
    _, std, _ = spread(init.xavier_normal_(w))
    assert std == pytest.approx(math.sqrt(2 / 700), rel=0.02)
    _, std, _ = spread(init.kaiming_normal_(w, a=0.1))
    assert std == pytest.approx(math.sqrt(2 / 1.01) / math.sqrt(400), rel=0.02)


def test_trunc_normal_stays_in_bounds_for_wide_and_narrow_windows():
    w = minigrad.empty(200, 200)
    init.trunc_normal_(w, std=1.0, a=-1.0, b=1.5)
    values = w.numpy()
    assert values.min() >= -1.0 and values.max() <= 1.5 and values.min() < -0.99 and values.max() > 1.49
    torch = pytest.importorskip("torch")
    expected = torch.nn.init.trunc_normal_(torch.empty(200, 200), std=1.0, a=-1.0, b=1.5)
    assert values.std() == pytest.approx(float(expected.std()), rel=0.03)
    assert values.mean() == pytest.approx(float(expected.mean()), abs=0.02)
    narrow = init.trunc_normal_(minigrad.empty(100, 100), mean=0.0, std=1.0, a=2.0, b=3.0).numpy()
    reference = torch.nn.init.trunc_normal_(torch.empty(100, 100), mean=0.0, std=1.0, a=2.0, b=3.0)
    assert narrow.min() >= 2.0 and narrow.max() <= 3.0
    assert narrow.mean() == pytest.approx(float(reference.mean()), abs=0.02)


def test_trunc_normal_warns_when_mean_is_far_outside():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(minigrad.empty(10), mean=10.0, std=1.0, a=-1.0, b=1.0)


def test_constant_zeros_ones_eye():
    w = minigrad.empty(2, 3)
    assert init.constant_(w, 0.3) is w and np.allclose(w.numpy(), 0.3)
    assert init.zeros_(w).abs().sum().item() == 0
    assert init.ones_(w).sum().item() == 6
    assert init.eye_(w).tolist() == [[1, 0, 0], [0, 1, 0]]
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(minigrad.empty(2, 2, 2))


def test_orthogonal():
    w = init.orthogonal_(minigrad.empty(3, 5, dtype=minigrad.float64), gain=2.0).numpy()
    np.testing.assert_allclose(w @ w.T, 4 * np.eye(3), atol=1e-12)
    tall = init.orthogonal_(minigrad.empty(6, 2, dtype=minigrad.float64)).numpy()
    np.testing.assert_allclose(tall.T @ tall, np.eye(2), atol=1e-12)


def test_init_on_parameters_records_no_graph_and_keeps_the_parameter():
    layer = nn.Linear(3, 3)
    weight = layer.weight
    for fill in (init.xavier_uniform_, init.kaiming_normal_, init.trunc_normal_, init.zeros_, init.eye_,
                 init.orthogonal_):
        assert fill(layer.weight) is weight
        assert weight.grad_fn is None and weight.requires_grad and weight.is_leaf


def test_zero_element_tensor_is_a_no_op():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(minigrad.empty(0, 3))


def test_generator_and_manual_seed_repeat():
    draws = []
    for _ in range(2):
        minigrad.manual_seed(5)
        draws.append(init.kaiming_uniform_(minigrad.empty(4, 4)).tolist())
        generator = minigrad.Generator().manual_seed(9)
        draws.append(init.normal_(minigrad.empty(4), generator=generator).tolist())
    assert draws[0] == draws[2] and draws[1] == draws[3] and draws[0] != draws[1]
