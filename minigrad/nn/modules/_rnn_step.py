"""One time step of the recurrent cells: the math shared by ``RNNCell`` / ``LSTMCell`` / ``GRUCell``
and by every layer and direction of ``RNN`` / ``LSTM`` / ``GRU``.

A step takes the input side of the gates already computed, ``gates_in = x W_ih^T + b_ih``
(shape (N, gates * hidden)), because the multi-layer modules compute it for all time steps in one
product before the loop; the cells compute it for their one step. ``state`` is a tuple: ``(h,)``,
or ``(h, c)`` for the LSTM, each (N, hidden) (h is (N, proj_size) for an LSTM with projections).
A step returns the new state tuple. Everything is a composite of differentiable ops (linear,
sigmoid, tanh, relu, chunk), so it runs on every device and differentiates to any order.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..._tensor import Tensor
from .. import functional as F


@dataclass(frozen=True)
class LayerWeights:
    """The parameters of one cell, or of one layer and direction of a multi-layer module:
    ``w_ih`` (gates * hidden, input), ``w_hh`` (gates * hidden, hidden or proj), the biases
    (gates * hidden) or None, ``w_hr`` (proj, hidden) for an LSTM with projections, else None."""
    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor | None = None
    b_hh: Tensor | None = None
    w_hr: Tensor | None = None

    def gates_in(self, x: Tensor) -> Tensor:
        """``x W_ih^T + b_ih``: x (N, input) -> (N, gates * hidden)."""
        return F.linear(x, self.w_ih, self.b_ih)

    def gates_hidden(self, h: Tensor) -> Tensor:
        """``h W_hh^T + b_hh``: h (N, hidden or proj) -> (N, gates * hidden)."""
        return F.linear(h, self.w_hh, self.b_hh)


def elman_tanh_step(gates_in: Tensor, state: tuple, weights: LayerWeights) -> tuple:
    """``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)``."""
    return (F.tanh(gates_in + weights.gates_hidden(state[0])),)


def elman_relu_step(gates_in: Tensor, state: tuple, weights: LayerWeights) -> tuple:
    """``h' = relu(W_ih x + b_ih + W_hh h + b_hh)``."""
    return (F.relu(gates_in + weights.gates_hidden(state[0])),)


def lstm_step(gates_in: Tensor, state: tuple, weights: LayerWeights) -> tuple:
    """Gates in PyTorch's order i, f, g, o (rows of W_ih / W_hh in four blocks of ``hidden``)::

        i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)     f = sigmoid(W_if x + b_if + W_hf h + b_hf)
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)        o = sigmoid(W_io x + b_io + W_ho h + b_ho)
        c' = f * c + i * g                             h' = o * tanh(c')   (then h' W_hr^T with proj_size)
    """
    h, c = state
    i, f, g, o = (gates_in + weights.gates_hidden(h)).chunk(4, 1)
    c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
    h = F.sigmoid(o) * F.tanh(c)
    if weights.w_hr is not None:
        h = F.linear(h, weights.w_hr)
    return h, c


def gru_step(gates_in: Tensor, state: tuple, weights: LayerWeights) -> tuple:
    """Gates in PyTorch's order r, z, n::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)     z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))  h' = (1 - z) * n + z * h

    (the reset gate multiplies the hidden side of n with its bias, as cuDNN and PyTorch do).
    """
    (h,) = state
    in_r, in_z, in_n = gates_in.chunk(3, 1)
    hid_r, hid_z, hid_n = weights.gates_hidden(h).chunk(3, 1)
    r = F.sigmoid(in_r + hid_r)
    z = F.sigmoid(in_z + hid_z)
    n = F.tanh(in_n + r * hid_n)
    return ((1 - z) * n + z * h,)


# mode -> (step, number of gate blocks in W_ih / W_hh); the modes are PyTorch's RNNBase.mode names
STEPS = {
    "RNN_TANH": (elman_tanh_step, 1),
    "RNN_RELU": (elman_relu_step, 1),
    "LSTM": (lstm_step, 4),
    "GRU": (gru_step, 3),
}
