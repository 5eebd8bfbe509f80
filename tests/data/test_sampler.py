"""Samplers: orders, lengths, seeding and PyTorch's argument checks."""
import pytest

import minigrad
from minigrad.utils.data import BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler


def test_sequential_sampler():
    sampler = SequentialSampler(range(5))
    assert list(sampler) == [0, 1, 2, 3, 4]
    assert len(sampler) == 5


def test_random_sampler_draws_a_fresh_permutation_each_pass():
    sampler = RandomSampler(range(50), generator=minigrad.Generator().manual_seed(0))
    first, second = list(sampler), list(sampler)
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != second
    assert len(sampler) == 50


def test_random_sampler_repeats_with_seed():
    a = list(RandomSampler(range(30), generator=minigrad.Generator().manual_seed(3)))
    b = list(RandomSampler(range(30), generator=minigrad.Generator().manual_seed(3)))
    assert a == b
    minigrad.manual_seed(11)
    c = list(RandomSampler(range(30)))
    minigrad.manual_seed(11)
    assert list(RandomSampler(range(30))) == c


def test_random_sampler_more_samples_than_data_chains_permutations():
    sampler = RandomSampler(range(4), num_samples=10, generator=minigrad.Generator().manual_seed(0))
    draws = list(sampler)
    assert len(draws) == len(sampler) == 10
    assert sorted(draws[:4]) == sorted(draws[4:8]) == [0, 1, 2, 3]
    assert len(set(draws[8:])) == 2


def test_random_sampler_with_replacement():
    sampler = RandomSampler(range(3), replacement=True, num_samples=200, generator=minigrad.Generator().manual_seed(0))
    draws = list(sampler)
    assert len(draws) == 200
    assert set(draws) == {0, 1, 2}  # 200 draws from 3 values: repeats are certain


def test_random_sampler_argument_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got replacement=1"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_samples=0"):
        RandomSampler([])


def test_subset_random_sampler_permutes_the_given_indices():
    indices = [10, 20, 30, 40]
    sampler = SubsetRandomSampler(indices, generator=minigrad.Generator().manual_seed(0))
    assert sorted(sampler) == indices
    assert len(sampler) == 4
    passes = {tuple(sampler) for _ in range(10)}
    assert len(passes) > 1


@pytest.mark.parametrize("n, batch_size, drop_last, expected_len", [
    (10, 3, False, 4), (10, 3, True, 3), (9, 3, True, 3), (9, 3, False, 3), (2, 5, True, 0), (2, 5, False, 1),
])
def test_batch_sampler_groups_and_lengths(n, batch_size, drop_last, expected_len):
    batches = list(BatchSampler(SequentialSampler(range(n)), batch_size, drop_last))
    assert len(batches) == len(BatchSampler(range(n), batch_size, drop_last)) == expected_len
    flat = [i for batch in batches for i in batch]
    assert flat == list(range(len(flat)))
    assert all(len(batch) == batch_size for batch in batches[:-1])


def test_batch_sampler_matches_torch():
    torch = pytest.importorskip("torch")
    for drop_last in (False, True):
        ours = list(BatchSampler(range(11), 4, drop_last))
        theirs = list(torch.utils.data.BatchSampler(range(11), 4, drop_last))
        assert ours == theirs


def test_batch_sampler_argument_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="batch_size=True"):
        BatchSampler(range(3), True, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got drop_last=0"):
        BatchSampler(range(3), 2, 0)
