"""The recurrence of ``RNN`` / ``LSTM`` / ``GRU`` over time, directions and layers, as a loop of
the steps in ``_rnn_step.py``.

One layout serves padded and packed input: the packed one. ``data`` (sum(batch_sizes), features)
holds time step t's rows as the block of ``batch_sizes[t]`` rows after those of steps < t, the
sequences sorted longest first, so step t's batch is a prefix of step t-1's. A padded
(T, N, features) input is that layout with ``batch_sizes = [N] * T`` (a reshape, no copy), and
then no row ever leaves or joins the batch.
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...functions.shape import cat, stack
from .. import functional as F
from ._rnn_step import STEPS, LayerWeights


def run_direction(step, data: Tensor, batch_sizes: list[int], state: tuple, weights: LayerWeights,
                  reverse: bool) -> tuple[Tensor, tuple]:
    """One layer in one direction. ``state``: the initial state tuple, each (N, *), N = batch_sizes[0].
    Returns the outputs h_t in ``data``'s layout (sum(batch_sizes), h features) and the final state
    (each sequence's state after its last step: its last row forwards, its first backwards)."""
    steps = weights.gates_in(data).split(batch_sizes)  # x W_ih^T + b_ih for all steps in one product
    outputs = [None] * len(steps)
    if reverse:
        # sequences join the batch as time runs backwards; each starts from its initial state
        initial, state = state, tuple(s[:batch_sizes[-1]] for s in state)
        for t in reversed(range(len(steps))):
            rows = batch_sizes[t]
            if rows > state[0].shape[0]:
                state = tuple(cat([s, s0[s.shape[0]:rows]]) for s, s0 in zip(state, initial))
            state = step(steps[t], state, weights)
            outputs[t] = state[0]
        return cat(outputs), state
    finished = []  # the final states of sequences that ended, the longest-lasting last
    for t, gates_in in enumerate(steps):
        rows = batch_sizes[t]
        if rows < state[0].shape[0]:
            finished.append(tuple(s[rows:] for s in state))
            state = tuple(s[:rows] for s in state)
        state = step(gates_in, state, weights)
        outputs[t] = state[0]
    if finished:
        state = tuple(cat(parts) for parts in zip(state, *reversed(finished)))
    return cat(outputs), state


def run_layers(mode: str, data: Tensor, batch_sizes: list[int], hx: tuple, layers: list[list[LayerWeights]],
               dropout: float, training: bool) -> tuple[Tensor, tuple]:
    """All layers: ``layers[l][d]`` are layer l's weights in direction d (forward, then reverse).
    ``hx``: the initial state tuple, each (num_layers * num_directions, N, *), index l * D + d.
    Between layers (not after the last) the output goes through dropout(p=``dropout``) in training.
    Returns the last layer's output in ``data``'s layout, (sum(batch_sizes), D * h features), and
    the final states stacked as ``hx`` is."""
    step, _ = STEPS[mode]
    finals = []
    for index, directions in enumerate(layers):
        outputs = []
        for direction, weights in enumerate(directions):
            initial = tuple(s[index * len(directions) + direction] for s in hx)
            output, final = run_direction(step, data, batch_sizes, initial, weights, reverse=direction == 1)
            outputs.append(output)
            finals.append(final)
        data = cat(outputs, 1) if len(outputs) > 1 else outputs[0]
        if dropout > 0 and training and index < len(layers) - 1:
            data = F.dropout(data, dropout, training=True)
    return data, tuple(stack(parts) for parts in zip(*finals))
