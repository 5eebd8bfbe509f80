"""``default_collate``: merge a list of samples into a batch, with PyTorch's rules.

By the type of the first sample:

- ``Tensor``           -> the samples stacked on a new first dim (``B x *``);
- numpy array          -> stacked into a tensor of the array's dtype (string/object arrays: TypeError);
- numpy scalar         -> a 1-D tensor of its dtype;
- ``float``            -> a float64 tensor; ``int`` -> int64; ``bool`` -> bool (``bool`` is an ``int``);
- ``str`` / ``bytes``  -> kept as given (from transposed samples: a tuple of strings);
- mapping              -> the same keys, each collated over the samples;
- namedtuple           -> the same namedtuple, each field collated;
- other sequence       -> transposed and each position collated; a tuple becomes a *list* (PyTorch's
  backward-compatible rule), other sequences keep their type where they can.

``collate(batch, collate_fn_map=...)`` is the dispatcher, extensible as PyTorch's: the map sends a
type (or tuple of types) to a function ``fn(batch, *, collate_fn_map)``.
"""
from __future__ import annotations

import collections.abc
import copy
import re
from typing import Callable

import numpy as np

from ... import _dtype
from ..._creation import as_tensor, tensor
from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled
from ...functions.shape import stack

# numpy dtype strings of bytes (S, a), unicode (U) and object (O) arrays, which have no tensor type.
_STRING_OR_OBJECT_DTYPE = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _map_like(elem, values: dict):
    """A mapping of ``elem``'s type holding ``values`` (a plain dict when that type can't be built)."""
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            # A clone keeps any extra attributes the mapping type carries.
            clone = copy.copy(elem)
            clone.update(values)
            return clone
        return type(elem)(values)
    except TypeError:
        return values


def _sequence_like(elem, items: list):
    """A sequence of ``elem``'s type holding ``items`` (a list when that type can't be built)."""
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(elem)(items)
    except TypeError:
        return items


def collate(batch: list, *, collate_fn_map: dict[type | tuple, Callable] | None = None):
    """Collate ``batch`` (a list of samples) by the rules in the module docstring."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type, fn in collate_fn_map.items():
            if isinstance(elem, collate_type):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _map_like(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                                for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _sequence_like(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None) -> Tensor:
    """Stack tensors on a new first dim.

    Plain data is stacked with one ``np.stack``; samples that need autograd, or whose shapes or
    dtypes differ, go through ``minigrad.stack``, which records the graph, promotes dtypes and
    raises PyTorch's size error.
    """
    elem = batch[0]
    needs_graph = is_grad_enabled() and any(t.requires_grad for t in batch)
    if needs_graph or any(t.shape != elem.shape or t.dtype != elem.dtype for t in batch):
        return stack(batch)
    return Tensor._from_storage(np.stack([t._data for t in batch]), elem.device)


def collate_numpy_array_fn(batch, *, collate_fn_map=None) -> Tensor:
    elem = batch[0]
    if _STRING_OR_OBJECT_DTYPE.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(array) for array in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None) -> Tensor:
    return as_tensor(np.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None) -> Tensor:
    return tensor(batch, dtype=_dtype.float64)


def collate_int_fn(batch, *, collate_fn_map=None) -> Tensor:
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None) -> list:
    return batch


default_collate_fn_map: dict[type | tuple, Callable] = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: list):
    """Merge a list of samples into a batch (rules in the module docstring).

    >>> default_collate([(np.zeros(2), 0), (np.ones(2), 1)])
    [tensor([[0., 0.], [1., 1.]], dtype=minigrad.float64), tensor([0, 1])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Convert one sample without batching (the ``DataLoader``'s ``collate_fn`` when
    ``batch_size=None``): numpy arrays and scalars become tensors, containers are converted
    element-wise, everything else passes through."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.bool_, np.number)):
        if isinstance(data, np.ndarray) and _STRING_OR_OBJECT_DTYPE.search(data.dtype.str) is not None:
            return data
        return as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _map_like(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _sequence_like(data, [default_convert(d) for d in data])
    return data
