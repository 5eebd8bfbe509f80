"""multinomial: frequencies, without-replacement rules, generators and seeds, shapes, errors."""
import numpy as np
import pytest

import minigrad as mg

PROBS = [0.1, 0.0, 0.2, 0.7]


def test_frequencies_with_replacement_follow_the_weights():
    mg.manual_seed(0)
    samples = mg.multinomial(mg.tensor([1.0, 0.0, 2.0, 7.0]), 200_000, replacement=True)  # unnormalised
    assert samples.dtype == mg.int64 and samples.shape == (200_000,)
    frequencies = np.bincount(samples.numpy(), minlength=4) / 200_000
    assert frequencies[1] == 0  # a zero weight is never drawn
    np.testing.assert_allclose(frequencies, PROBS, atol=0.005)  # ~5 standard deviations


def test_first_draw_without_replacement_follows_the_weights():
    mg.manual_seed(1)
    rows = mg.tensor(PROBS).expand(50_000, 4)
    samples = mg.multinomial(rows, 4)
    assert samples.shape == (50_000, 4)
    assert all(sorted(row) == [0, 1, 2, 3] for row in samples.numpy()[:200].tolist())  # each category once
    np.testing.assert_allclose(np.bincount(samples.numpy()[:, 0], minlength=4) / 50_000, PROBS, atol=0.01)
    assert (samples.numpy()[:, 3] == 1).all()  # the zero-weight category comes after every positive one


def test_second_draw_without_replacement_is_conditional():
    """P(second = j | first = i) = p_j / (1 - p_i): with weights [1, 1, 2], P(second = 2 | first = 0) = 2/3."""
    mg.manual_seed(2)
    samples = mg.multinomial(mg.tensor([1.0, 1.0, 2.0]).expand(60_000, 3), 2).numpy()
    second = samples[samples[:, 0] == 0, 1]
    assert abs((second == 2).mean() - 2 / 3) < 0.02


def test_seeds_and_generators_repeat_draws():
    weights = mg.tensor([[0.2, 0.3, 0.5], [1.0, 1.0, 1.0]])
    mg.manual_seed(5)
    first = mg.multinomial(weights, 6, True)
    mg.manual_seed(5)
    assert mg.multinomial(weights, 6, True).tolist() == first.tolist()
    g1, g2 = mg.Generator().manual_seed(3), mg.Generator().manual_seed(3)
    state = mg.get_rng_state()
    a = weights.multinomial(3, generator=g1)
    assert mg.get_rng_state() == state  # the default generator was not used
    assert mg.multinomial(weights, 3, generator=g2).tolist() == a.tolist()


@pytest.mark.parametrize("dtype", [mg.float16, mg.float32, mg.float64])
def test_floating_dtypes(dtype):
    out = mg.multinomial(mg.tensor([0.0, 1.0], dtype=dtype), 3, True)
    assert out.tolist() == [1, 1, 1]


@pytest.mark.parametrize("call", [
    lambda m: m.multinomial(m.tensor([0.1, 0.2, 0.7]), 4),
    lambda m: m.multinomial(m.ones(2, 2, 2), 2),
    lambda m: m.multinomial(m.tensor(1.0), 1),
    lambda m: m.multinomial(m.tensor([-1.0, 2.0]), 1),
    lambda m: m.multinomial(m.tensor([float("nan"), 2.0]), 1),
    lambda m: m.multinomial(m.tensor([float("inf"), 2.0]), 1),
    lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1),
    lambda m: m.multinomial(m.tensor([[1.0, 1.0], [0.0, 0.0]]), 1, True),
    lambda m: m.multinomial(m.tensor([1.0, 1.0]), 0),
    lambda m: m.multinomial(m.tensor([1, 1]), 1),
    lambda m: m.multinomial(m.ones(0), 1),
], ids=["too_many", "3d", "0d", "negative", "nan", "inf", "zero_sum", "zero_sum_row", "no_samples", "int",
        "no_categories"])
def test_errors_match_torch(call, same_error):
    same_error(call)
