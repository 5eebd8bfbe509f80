"""Sequences of different lengths for the recurrent layers, as ``torch.nn.utils.rnn``.

A ``PackedSequence`` stores a batch of sequences time step by time step, without padding: ``data``
(sum(lengths), *) holds step t of every sequence still running at t, ``batch_sizes[t]`` of them,
the sequences ordered longest first (``sorted_indices`` maps that order to the caller's batch,
``unsorted_indices`` back). E.g. lengths (3, 1, 2) are packed in the order (0, 2, 1) with
batch_sizes (3, 2, 1): data = [a0 c0 b0 | a1 c1 | a2]. Every function here is made of
differentiable tensor ops (indexing, cat, stack), so gradients flow through packing and padding.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ... import _creation
from ..._dtype import float16, float32, float64, int32, int64
from ..._tensor import Tensor
from ...functions.shape import cat, stack

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class _PackedSequenceFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedSequenceFields):
    """``(data, batch_sizes, sorted_indices, unsorted_indices)``, made by ``pack_padded_sequence`` /
    ``pack_sequence`` and by the recurrent layers from a packed input. ``batch_sizes`` is an int64
    CPU tensor; ``unsorted_indices`` defaults to the inverse of ``sorted_indices``."""

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PyTorch's legacy form: PackedSequence((data, batch_sizes))
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data: Tensor) -> PackedSequence:
        """This sequence with ``data`` instead, the indices moved to its device (batch_sizes stays on the CPU)."""
        if data is self.data:
            return self
        indices = (None if i is None else i.to(data.device) for i in (self.sorted_indices, self.unsorted_indices))
        return type(self)(data, self.batch_sizes, *indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        return self._with_data(self.data.to(*args, **kwargs))

    def cuda(self, *args, **kwargs) -> PackedSequence:
        return self._with_data(self.data.cuda(*args, **kwargs))

    def cpu(self, *args, **kwargs) -> PackedSequence:
        return self._with_data(self.data.cpu(*args, **kwargs))

    def double(self) -> PackedSequence:
        return self.to(dtype=float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=float16)

    def long(self) -> PackedSequence:
        return self.to(dtype=int64)

    def int(self) -> PackedSequence:
        return self.to(dtype=int32)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return self.data.is_pinned()


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation (``inverse[permutation[i]] = i``), or None for None."""
    return None if permutation is None else permutation.argsort()


def _lengths_list(lengths) -> list[int]:
    return [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]


def pack_padded_sequence(input: Tensor, lengths: Tensor | list[int], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, N, *) (or (N, T, *) with ``batch_first``) of sequences of ``lengths``
    (N values, each in 1..T). With ``enforce_sorted`` the lengths must be decreasing; otherwise the
    batch is sorted here (stably, longest first) and the order kept in ``sorted_indices``."""
    lengths = _lengths_list(lengths)
    batch_dim = 0 if batch_first else 1
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
        lengths = [lengths[i] for i in order]
        sorted_indices = _creation.tensor(order, dtype=int64, device=input.device)
        input = input.index_select(batch_dim, sorted_indices)
    if len(lengths) != input.shape[batch_dim]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={input.shape[batch_dim]})")
    if min(lengths) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if any(a < b for a, b in zip(lengths, lengths[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")
    time_major = input.transpose(0, 1) if batch_first else input
    if lengths[0] > time_major.shape[0]:
        raise RuntimeError(f"a sequence length ({lengths[0]}) exceeds the padded length ({time_major.shape[0]})")
    batch_sizes = [sum(n > t for n in lengths) for t in range(lengths[0])]
    data = cat([time_major[t, :rows] for t, rows in enumerate(batch_sizes)])
    return PackedSequence(data, _creation.tensor(batch_sizes, dtype=int64), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """The inverse of ``pack_padded_sequence``: (T, N, *) (or (N, T, *)), T = ``total_length`` or the
    longest length, padded with ``padding_value``, in the caller's batch order; and the lengths
    (int64, CPU)."""
    batch_sizes = sequence.batch_sizes.tolist()
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    data = sequence.data
    batch, features = batch_sizes[0], tuple(data.shape[1:])

    def padding(rows: int) -> Tensor:
        return _creation.full((rows, *features), padding_value, dtype=data.dtype, device=data.device)

    rows = [cat([step, padding(batch - step.shape[0])]) for step in data.split(batch_sizes)]
    padded = stack(rows + [padding(batch)] * (steps - len(rows)))
    lengths = _creation.tensor([sum(b > i for b in batch_sizes) for i in range(batch)], dtype=int64)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(sequences: Tensor | list[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences (L_i, *) into (L_max, N, *) (or (N, L_max, *) with ``batch_first``), each
    padded with ``padding_value`` after its end (or before its start with ``padding_side='left'``)."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        fill = _creation.full((longest - s.shape[0], *s.shape[1:]), padding_value, dtype=s.dtype, device=s.device)
        padded.append(cat([s, fill] if padding_side == "right" else [fill, s]))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """The inverse of ``pad_sequence`` (right padding): the N sequences (lengths[i], *)."""
    batch_major = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [sequence[:length] for sequence, length in zip(batch_major, _lengths_list(lengths))]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack sequences (L_i, *): ``pack_padded_sequence(pad_sequence(sequences), lengths)``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The inverse of ``pack_sequence``: the sequences (L_i, *) in the caller's order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
