"""Datasets, samplers and the ``DataLoader``, as ``torch.utils.data``.

A *map-style* dataset answers ``dataset[i]`` and ``len(dataset)``; an *iterable-style* one
(``IterableDataset``) yields samples. A ``Sampler`` yields the indices to read, a ``BatchSampler``
groups them, ``default_collate`` stacks a list of samples into a batch, and ``DataLoader`` ties the
four together.
"""
from ._collate import default_collate, default_convert
from ._worker import get_worker_info
from .dataloader import DataLoader
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
    "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info", "random_split",
]
