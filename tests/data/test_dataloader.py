"""DataLoader: batching, shuffling, drop_last, iterable datasets, argument checks and the worker thread."""
import threading
import time

import numpy as np
import pytest

import minigrad
from minigrad.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset, SequentialSampler, TensorDataset,
                                 default_collate, get_worker_info)


class Records(Dataset):
    """Sample i: (array of i's, i, {"name": str(i)}) — exercises the per-sample path."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return np.full(2, i, dtype=np.float32), i, {"name": str(i)}

    def __len__(self):
        return self.n


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def labels_of(loader):
    return [batch[1].tolist() for batch in loader]


def test_batches_in_order_with_a_short_last_batch():
    loader = DataLoader(Records(7), batch_size=3)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    images, labels, info = batches[0]
    assert images.shape == (3, 2) and images.dtype == minigrad.float32
    assert labels.tolist() == [0, 1, 2] and labels.dtype == minigrad.int64
    assert info == {"name": ["0", "1", "2"]}
    assert batches[-1][1].tolist() == [6]


def test_drop_last():
    loader = DataLoader(Records(7), batch_size=3, drop_last=True)
    assert len(loader) == 2
    assert labels_of(loader) == [[0, 1, 2], [3, 4, 5]]


def test_default_batch_size_is_one():
    loader = DataLoader(Records(2))
    assert labels_of(loader) == [[0], [1]]


def test_shuffle_with_a_generator_repeats_and_reshuffles_each_epoch():
    def epochs(seed):
        loader = DataLoader(Records(20), batch_size=4, shuffle=True, generator=minigrad.Generator().manual_seed(seed))
        return [sum(labels_of(loader), []) for _ in range(2)]

    first, second = epochs(0)
    assert sorted(first) == sorted(second) == list(range(20))
    assert first != second and first != list(range(20))
    assert epochs(0) == [first, second]
    assert epochs(1) != [first, second]


def test_shuffle_uses_the_global_generator():
    loader = DataLoader(Records(20), batch_size=5, shuffle=True)
    minigrad.manual_seed(7)
    first = labels_of(loader)
    minigrad.manual_seed(7)
    assert labels_of(loader) == first


def test_loader_over_tensor_dataset_uses_whole_batch_reads():
    x = minigrad.arange(20).reshape(10, 2)
    y = minigrad.arange(10)
    fast = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, generator=minigrad.Generator().manual_seed(0))
    per_sample = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True,
                            generator=minigrad.Generator().manual_seed(0), collate_fn=lambda b: default_collate(b))
    for (xa, ya), (xb, yb) in zip(fast, per_sample, strict=True):
        assert xa.tolist() == xb.tolist() and ya.tolist() == yb.tolist()
        assert xa.dtype == xb.dtype and ya.dtype == yb.dtype


def test_custom_collate_sampler_and_batch_sampler():
    loader = DataLoader(Records(6), batch_size=2, collate_fn=lambda batch: [s[1] for s in batch])
    assert list(loader) == [[0, 1], [2, 3], [4, 5]]
    loader = DataLoader(Records(6), batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert labels_of(loader) == [[5, 4], [3, 2], [1, 0]]
    loader = DataLoader(Records(6), batch_sampler=[[0, 5], [2]])
    assert labels_of(loader) == [[0, 5], [2]]
    assert len(loader) == 2


def test_batch_size_none_converts_single_samples():
    loader = DataLoader(Records(3), batch_size=None)
    image, label, info = next(iter(loader))
    assert isinstance(image, minigrad.Tensor) and image.shape == (2,)
    assert label == 0 and info == {"name": "0"}
    assert len(loader) == 3


def test_iterable_dataset_batches():
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    assert len(DataLoader(Stream(7), batch_size=3, drop_last=True)) == 2
    assert list(DataLoader(Stream(2), batch_size=None)) == [0, 1]  # ints pass default_convert as they are


def test_iterable_dataset_option_errors():
    with pytest.raises(ValueError, match="expected unspecified shuffle option, but got shuffle=True"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0])
    with pytest.raises(ValueError, match="expected unspecified batch_sampler option"):
        DataLoader(Stream(3), batch_sampler=[[0]])


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(shuffle=True), dict(sampler=[0]), dict(drop_last=True)])
def test_batch_sampler_is_mutually_exclusive(kwargs):
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                         "sampler, and drop_last"):
        DataLoader(Records(3), batch_sampler=[[0]], **kwargs)


def test_option_errors():
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(Records(3), sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        DataLoader(Records(3), batch_size=0)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(Records(3), batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(Records(3), num_workers=-1)
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        DataLoader(Records(3), timeout=-1)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified in multiprocessing"):
        DataLoader(Records(3), prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(Records(3), persistent_workers=True)
    with pytest.raises(ValueError, match="multiprocessing_context can only be used with multi-process loading"):
        DataLoader(Records(3), multiprocessing_context="spawn")


def test_attributes_are_frozen_after_init():
    loader = DataLoader(Records(3), batch_size=2)
    assert loader.batch_size == 2 and loader.drop_last is False and isinstance(loader.sampler, SequentialSampler)
    assert isinstance(loader.batch_sampler, BatchSampler)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        loader.batch_size = 3
    loader.num_workers = 1  # not guarded, as in PyTorch
    assert loader.num_workers == 1


def test_pin_memory_warns_without_an_accelerator():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(DataLoader(Records(2), pin_memory=True))
    assert not any(batch[0].is_pinned() for batch in batches)


def test_pinning_a_tensor_without_an_accelerator_is_pytorchs_error():
    assert not minigrad.ones(2).is_pinned()
    with pytest.raises(RuntimeError, match=r"^Cannot access accelerator device when none is available\.$"):
        minigrad.ones(2).pin_memory()
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match=r"^Cannot access accelerator device when none is available\.$"):
        torch.ones(2).pin_memory()


def test_matches_torch_dataloader_without_shuffle(plain):
    torch = pytest.importorskip("torch")
    ours = list(DataLoader(Records(5), batch_size=2))
    theirs = list(torch.utils.data.DataLoader(Records(5), batch_size=2))
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


# ---- num_workers > 0: one background thread ---------------------------------------------------

def test_worker_thread_gives_the_same_batches_in_order():
    def run(workers):
        loader = DataLoader(Records(23), batch_size=4, shuffle=True, num_workers=workers,
                            generator=minigrad.Generator().manual_seed(3))
        return [labels_of(loader) for _ in range(2)]

    assert run(2) == run(0)
    loader = DataLoader(Stream(7), batch_size=3, num_workers=1)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]


class Probe(Dataset):
    """Records the thread and worker info each sample is read in; sample 3 can fail or stall."""

    def __init__(self, fail_at=None, sleep_at=None):
        self.fail_at, self.sleep_at, self.seen = fail_at, sleep_at, []

    def __getitem__(self, i):
        if i == self.fail_at:
            raise KeyError(f"sample {i} is broken")
        if i == self.sleep_at:
            time.sleep(1.0)
        self.seen.append((threading.get_ident(), get_worker_info()))
        return i

    def __len__(self):
        return 6


def test_worker_runs_in_another_thread_with_worker_info_and_init_fn():
    dataset, inits = Probe(), []
    loader = DataLoader(dataset, batch_size=2, num_workers=3,
                        worker_init_fn=lambda worker_id: inits.append((worker_id, get_worker_info().id)))
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]
    assert inits == [(0, 0)]
    threads = {ident for ident, _ in dataset.seen}
    assert threading.get_ident() not in threads and len(threads) == 1
    info = dataset.seen[0][1]
    assert (info.id, info.num_workers) == (0, 1) and info.dataset is dataset
    assert get_worker_info() is None


def test_persistent_workers_initialise_once():
    inits = []
    loader = DataLoader(Probe(), batch_size=3, num_workers=1, persistent_workers=True,
                        worker_init_fn=lambda worker_id: inits.append(worker_id))
    for _ in range(3):
        assert len(list(loader)) == 2
    assert inits == [0]


def test_worker_errors_reach_the_main_thread():
    loader = DataLoader(Probe(fail_at=3), batch_size=2, num_workers=1)
    iterator = iter(loader)
    assert next(iterator).tolist() == [0, 1]
    with pytest.raises(KeyError, match="sample 3 is broken"):
        next(iterator)
    with pytest.raises(StopIteration):
        next(iterator)


def test_worker_timeout():
    loader = DataLoader(Probe(sleep_at=0), batch_size=2, num_workers=1, timeout=0.05)
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.05 seconds"):
        next(iter(loader))


def test_abandoned_epoch_stops_its_thread():
    before = threading.active_count()
    loader = DataLoader(Records(100), batch_size=2, num_workers=1)
    for _ in range(3):
        iterator = iter(loader)
        next(iterator)
        del iterator
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before


class Noisy(Dataset):
    """Each sample is a fresh random draw, as a random augmentation makes."""

    def __getitem__(self, i):
        from minigrad.utils.data._worker import data_rng

        return float(data_rng().random())

    def __len__(self):
        return 8


def test_random_draws_in_the_worker_repeat_with_manual_seed():
    def run():
        minigrad.manual_seed(0)
        loader = DataLoader(Noisy(), batch_size=4, num_workers=1)
        batches = [b.tolist() for b in loader]
        minigrad.rand(3)  # main-thread draws in between must not disturb the worker's stream
        return batches + [b.tolist() for b in loader]

    first = run()
    assert first == run()
    assert len({x for batch in first for x in batch}) == 16
