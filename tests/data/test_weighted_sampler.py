"""WeightedRandomSampler: frequencies follow the weights, replacement rules, seeding, PyTorch's errors."""
import numpy as np
import pytest

import minigrad
from minigrad.utils.data import DataLoader, TensorDataset, WeightedRandomSampler


def test_frequencies_follow_the_weights():
    minigrad.manual_seed(0)
    draws = np.array(list(WeightedRandomSampler([1.0, 2.0, 0.0, 7.0], 20000)))
    frequencies = np.bincount(draws, minlength=4) / len(draws)
    # Binomial standard deviation at 20000 draws is at most 0.0035: 0.015 is over 4 of them.
    assert np.allclose(frequencies, [0.1, 0.2, 0.0, 0.7], atol=0.015)
    assert frequencies[2] == 0  # a zero weight is never drawn


def test_without_replacement_each_index_at_most_once():
    minigrad.manual_seed(1)
    for _ in range(20):
        draws = list(WeightedRandomSampler([5, 1, 1, 1, 1], 5, replacement=False))
        assert sorted(draws) == [0, 1, 2, 3, 4]
    firsts = [next(iter(WeightedRandomSampler([8, 1, 1], 2, replacement=False))) for _ in range(400)]
    assert 0.7 < firsts.count(0) / 400 < 0.9  # the heavy index tends to come first (p = 0.8)


def test_generator_repeats_and_len():
    def draws(seed):
        return list(WeightedRandomSampler([0.2, 0.3, 0.5], 12, generator=minigrad.Generator().manual_seed(seed)))
    assert draws(4) == draws(4) and draws(4) != draws(5)
    sampler = WeightedRandomSampler(minigrad.tensor([1.0, 3.0]), 7)
    assert len(sampler) == 7 and sampler.weights.dtype == minigrad.float64
    assert all(isinstance(i, int) for i in sampler)


def test_balances_classes_in_a_dataloader():
    labels = np.array([0] * 90 + [1] * 10)
    weights = 1.0 / np.bincount(labels)[labels]
    loader = DataLoader(TensorDataset(minigrad.tensor(labels)), batch_size=50,
                        sampler=WeightedRandomSampler(weights.tolist(), 2000, generator=minigrad.Generator().manual_seed(0)))
    drawn = np.concatenate([batch.numpy() for (batch,) in loader])
    assert len(drawn) == 2000 and 0.45 < drawn.mean() < 0.55


@pytest.mark.parametrize("args, kwargs", [(([1, 2], 0), {}), (([1, 2], True), {}), (([1, 2], 2.5), {}),
                                          (([1, 2], 2), {"replacement": 1}), (([[1, 2]], 2), {})])
def test_errors_match_pytorch(args, kwargs):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as expected:
        torch.utils.data.WeightedRandomSampler(*args, **kwargs)
    with pytest.raises(ValueError) as error:
        WeightedRandomSampler(*args, **kwargs)
    assert str(error.value) == str(expected.value)


def test_bad_weights_fail_when_drawing():
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        list(WeightedRandomSampler([1.0, -1.0], 2))
    with pytest.raises(RuntimeError, match=r"invalid multinomial distribution \(sum of probabilities <= 0\)"):
        list(WeightedRandomSampler([0.0, 0.0], 2))
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        list(WeightedRandomSampler([1.0, 1.0], 3, replacement=False))
