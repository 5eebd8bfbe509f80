"""Datasets: TensorDataset, ConcatDataset, ChainDataset, Subset and random_split."""
import numpy as np
import pytest

import minigrad
from minigrad.utils.data import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                                 random_split)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return i * i

    def __len__(self):
        return self.n


class Counter(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


def test_tensor_dataset_items_and_length():
    x = minigrad.arange(12).reshape(6, 2)
    y = minigrad.arange(6) * 10
    ds = TensorDataset(x, y)
    assert len(ds) == 6
    xi, yi = ds[4]
    assert xi.tolist() == [8, 9] and yi.item() == 40
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, minigrad.arange(5))


def test_tensor_dataset_fast_batch_equals_rows():
    x = minigrad.arange(12).reshape(6, 2)
    y = minigrad.arange(6) * 10
    batch = TensorDataset(x, y)._collated_batch([5, 0, 2])
    assert isinstance(batch, list)
    assert batch[0].tolist() == [[10, 11], [0, 1], [4, 5]]
    assert batch[1].tolist() == [50, 0, 20]


def test_concat_dataset_indexes_across_parts():
    ds = Squares(3) + Squares(2)
    assert isinstance(ds, ConcatDataset)
    assert ds.cumulative_sizes == [3, 5]
    assert [ds[i] for i in range(len(ds))] == [0, 1, 4, 0, 1]
    assert ds[-1] == 1 and ds[-5] == 0
    with pytest.raises(ValueError, match="absolute value of index"):
        ds[-6]
    with pytest.raises(AssertionError, match="empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([Counter(0, 2)])


def test_chain_dataset_chains_iterables():
    ds = Counter(0, 3) + Counter(10, 12)
    assert isinstance(ds, ChainDataset)
    assert list(ds) == [0, 1, 2, 10, 11]
    assert len(ds) == 5
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(ChainDataset([Squares(2)]))


def test_subset_maps_indices():
    sub = Subset(Squares(10), [9, 2, 5])
    assert len(sub) == 3
    assert [sub[i] for i in range(3)] == [81, 4, 25]
    assert sub.__getitems__([2, 0]) == [25, 81]


def test_subset_of_tensor_dataset_keeps_fast_batches():
    ds = TensorDataset(minigrad.arange(10) * 3)
    sub = Subset(ds, [7, 1, 4])
    assert sub._collated_batch([2, 0])[0].tolist() == [12, 21]
    assert Subset(Squares(4), [0])._collated_batch is None


def test_subset_list_index_goes_to_the_dataset():
    ds = TensorDataset(minigrad.arange(10) * 3)
    (values,) = Subset(ds, [7, 1, 4])[[0, 2]]
    assert values.tolist() == [21, 12]


def _check_partition(splits, n):
    indices = [i for split in splits for i in split.indices]
    assert sorted(indices) == list(range(n))


def test_random_split_by_lengths_is_a_seeded_partition():
    splits = random_split(Squares(10), [7, 3], generator=minigrad.Generator().manual_seed(1))
    assert [len(s) for s in splits] == [7, 3]
    _check_partition(splits, 10)
    again = random_split(Squares(10), [7, 3], generator=minigrad.Generator().manual_seed(1))
    assert [s.indices for s in splits] == [s.indices for s in again]
    other = random_split(Squares(10), [7, 3], generator=minigrad.Generator().manual_seed(2))
    assert [s.indices for s in splits] != [s.indices for s in other]


def test_random_split_global_generator_repeats_with_manual_seed():
    minigrad.manual_seed(5)
    first = [s.indices for s in random_split(Squares(20), [10, 10])]
    minigrad.manual_seed(5)
    assert [s.indices for s in random_split(Squares(20), [10, 10])] == first


@pytest.mark.parametrize("n, fractions, expected", [
    (10, [0.33, 0.33, 0.34], [4, 3, 3]),   # floors 3,3,3; the remainder goes to the first split
    (11, [0.5, 0.5], [6, 5]),
    (7, [0.1, 0.2, 0.7], [1, 2, 4]),      # floors 0,1,4; remainder 2 -> first two splits
])
def test_random_split_fractions_follow_pytorchs_rounding(n, fractions, expected):
    splits = random_split(Squares(n), fractions, generator=minigrad.Generator().manual_seed(0))
    assert [len(s) for s in splits] == expected
    _check_partition(splits, n)


@pytest.mark.filterwarnings("ignore:Length of split")
def test_random_split_fraction_lengths_match_torch():
    torch = pytest.importorskip("torch")
    for n, fractions in [(10, [0.33, 0.33, 0.34]), (101, [0.7, 0.2, 0.1]), (3, [0.25, 0.25, 0.25, 0.25])]:
        ours = [len(s) for s in random_split(Squares(n), fractions)]
        theirs = [len(s) for s in torch.utils.data.random_split(range(n), fractions)]
        assert ours == theirs


def test_random_split_errors_and_warnings():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(Squares(10), [5, 4])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(Squares(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(Squares(2), [0.9, 0.1])


def test_base_classes_require_overrides():
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())


def test_tensor_dataset_rows_keep_autograd():
    w = minigrad.ones(4, 2, requires_grad=True)
    (rows,) = TensorDataset(w)._collated_batch([1, 1, 3])
    rows.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[0, 0], [2, 2], [0, 0], [1, 1]])
