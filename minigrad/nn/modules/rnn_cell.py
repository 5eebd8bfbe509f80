"""``RNNCell``, ``LSTMCell``, ``GRUCell``: one time step of a recurrent layer, as ``torch.nn``.

Input (N, input_size) or unbatched (input_size); hidden states (N, hidden_size) or (hidden_size),
zeros when not given. The step's math (gate order and formulas) is ``_rnn_step.py``'s, shared
with the multi-layer ``RNN`` / ``LSTM`` / ``GRU``. Weights: ``weight_ih`` (gates * hidden_size,
input_size), ``weight_hh`` (gates * hidden_size, hidden_size), ``bias_ih`` / ``bias_hh``
(gates * hidden_size), gates = 1 / 4 / 3; all start U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
"""
from __future__ import annotations

import math

from ... import _creation
from ..._tensor import Tensor
from .. import init
from ..parameter import Parameter
from ._rnn_step import STEPS, LayerWeights
from .module import Module


def check_cell_input(input: Tensor, input_size: int) -> None:
    """PyTorch's check of a cell's batched input against ``input_size``."""
    if input.shape[1] != input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {input_size}")


def check_cell_hidden(input: Tensor, hx: Tensor, hidden_size: int, label: int) -> None:
    """PyTorch's check of a cell's batched hidden state number ``label`` (0: h, 1: c)."""
    if input.shape[0] != hx.shape[0]:
        raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{label} batch size {hx.shape[0]}")
    if hx.shape[1] != hidden_size:
        raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {hx.shape[1]}, expected {hidden_size}")


def reset_uniform(module: Module) -> None:
    """Every parameter of a recurrent cell or layer U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class RNNCellBase(Module):
    """The parameters, init, repr and forward shared by the three cells; ``mode`` picks the step."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_creation.empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(_creation.empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_uniform(self)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _step(self, mode: str | None, input: Tensor, hx: tuple | None) -> tuple:
        """Checks the (1-D or 2-D) input and state tuple as PyTorch does, runs ``mode``'s step and
        returns the new state tuple, unbatched again for an unbatched input."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for index, h in enumerate(hx or ()):
            if h.dim() not in (1, 2):
                label = f"hx[{index}]" if len(hx) > 1 else "hidden"
                raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {h.dim()}D instead")
        if mode is None:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = _creation.zeros(input.shape[0], self.hidden_size, dtype=input.dtype, device=input.device)
            hx = (zeros, zeros) if mode == "LSTM" else (zeros,)
        elif not is_batched:
            hx = tuple(h.unsqueeze(0) for h in hx)
        check_cell_input(input, self.input_size)
        for label, h in enumerate(hx):
            check_cell_hidden(input, h, self.hidden_size, label)
        weights = LayerWeights(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        step, _ = STEPS[mode]
        state = step(weights.gates_in(input), hx, weights)
        return state if is_batched else tuple(h.squeeze(0) for h in state)


# RNNCell's nonlinearity -> the step's mode
ELMAN_MODES = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}


class RNNCell(RNNCellBase):
    """An Elman cell: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu with
    ``nonlinearity='relu'``). Input (N, input_size) or (input_size), hx likewise with hidden_size."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        (h,) = self._step(ELMAN_MODES.get(self.nonlinearity), input, None if hx is None else (hx,))
        return h


class LSTMCell(RNNCellBase):
    """An LSTM cell (gates i, f, g, o as in ``LSTM``): ``(h', c') = cell(x, (h, c))``, each
    (N, hidden_size) or (hidden_size)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple[Tensor, Tensor]:
        return self._step("LSTM", input, None if hx is None else tuple(hx))


class GRUCell(RNNCellBase):
    """A GRU cell (gates r, z, n as in ``GRU``): ``h' = cell(x, h)``, (N, hidden_size) or (hidden_size)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        (h,) = self._step("GRU", input, None if hx is None else (hx,))
        return h
