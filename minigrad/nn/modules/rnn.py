"""``RNN``, ``LSTM``, ``GRU``: multi-layer, optionally bidirectional recurrent layers, as ``torch.nn``.

Input (T, N, input_size), (N, T, input_size) with ``batch_first``, unbatched (T, input_size), or a
``PackedSequence``. Output (T, N, D * H_out) (likewise batch_first / unbatched / packed), D = 2 if
bidirectional else 1, H_out = proj_size or hidden_size; final states (num_layers * D, N, H_out),
and for the LSTM the cells (num_layers * D, N, hidden_size). Layer l > 0 reads layer l-1's output
(D * H_out features), after dropout in training. The step math is ``_rnn_step.py``'s, the loop over
time, directions and layers ``_rnn_stack.py``'s.

Parameters, named as PyTorch's (so its state_dicts load): for layer l, ``weight_ih_l{l}``
(gates * hidden_size, input), ``weight_hh_l{l}`` (gates * hidden_size, H_out), ``bias_ih_l{l}``,
``bias_hh_l{l}`` (gates * hidden_size), ``weight_hr_l{l}`` (proj_size, hidden_size) with proj_size,
and the same with ``_reverse`` for the backward direction; all start U(-1/sqrt(hidden_size),
1/sqrt(hidden_size)).
"""
from __future__ import annotations

import numbers
import warnings

from ... import _creation
from ..._tensor import Tensor
from ...amp.autocast_mode import is_autocast_enabled
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from ._rnn_stack import run_layers
from ._rnn_step import STEPS, LayerWeights
from .rnn_cell import reset_uniform
from .module import Module


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: PyTorch's argument checks, the parameters, the
    forward (``mode`` picks the step: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU')."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        if mode not in STEPS:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = STEPS[mode][1] * hidden_size
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        num_directions = 2 if bidirectional else 1
        self._all_weights = []
        for layer in range(num_layers):
            layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
            for suffix in ("", "_reverse")[:num_directions]:
                shapes = {"weight_ih": (gate_size, layer_input_size), "weight_hh": (gate_size, real_hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size > 0:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for kind, shape in shapes.items():
                    names.append(f"{kind}_l{layer}{suffix}")
                    setattr(self, names[-1], Parameter(_creation.empty(shape, device=device, dtype=dtype)))
                self._all_weights.append(names)
        self._flat_weights_names = [name for names in self._all_weights for name in names]
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_uniform(self)

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch packs the weights into one buffer for cuDNN, which minigrad does not use."""

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters per layer and direction, in PyTorch's order (w_ih, w_hh, b_ih, b_hh, w_hr)."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        shown = {"proj_size": self.proj_size != 0, "num_layers": self.num_layers != 1, "bias": self.bias is not True,
                 "batch_first": self.batch_first is not False, "dropout": self.dropout != 0,
                 "bidirectional": self.bidirectional is not False}
        options = [f"{name}={getattr(self, name)}" for name, show in shown.items() if show]
        return ", ".join([f"{self.input_size}, {self.hidden_size}", *options])

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | tuple | None = None) -> tuple:
        """``(output, h_n)``, or for the LSTM ``(output, (h_n, c_n))``; see the module docstring."""
        is_lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        if packed:
            input, packed_sizes, sorted_indices, unsorted_indices = input
            batch_sizes = packed_sizes.tolist()
            batch, is_batched = batch_sizes[0], True
        else:
            if input.dim() not in (2, 3):
                name = "RNN" if self.mode.startswith("RNN") else self.mode
                tensor = " tensor" if name == "RNN" else ""
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tensor} instead")
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            batch = input.shape[batch_dim]
            sorted_indices = unsorted_indices = None
        states = None if hx is None else (tuple(hx) if is_lstm else (hx,))
        if states is not None and not packed:
            _check_state_dims(states, is_batched, is_lstm)
            if not is_batched:
                states = tuple(h.unsqueeze(1) for h in states)
        if states is None:
            states = tuple(_creation.zeros(*shape, dtype=input.dtype, device=input.device)
                           for shape in self._state_shapes(batch))
        elif sorted_indices is not None:
            states = tuple(h.index_select(1, sorted_indices) for h in states)
        self._check_forward_args(input, states, batch, packed)
        if not packed:
            time_major = input.transpose(0, 1) if self.batch_first else input
            steps = time_major.shape[0]
            batch_sizes = [batch] * steps
            input = time_major.reshape(steps * batch, self.input_size)
        output, states = run_layers(self.mode, input, batch_sizes, states, self._layer_weights(), self.dropout,
                                    self.training)
        if packed:
            output = PackedSequence(output, packed_sizes, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                states = tuple(h.index_select(1, unsorted_indices) for h in states)
        else:
            output = output.reshape(steps, batch, output.shape[-1])
            if self.batch_first:
                output = output.transpose(0, 1)
            if not is_batched:
                output = output.squeeze(batch_dim)
                states = tuple(h.squeeze(1) for h in states)
        return output, (states if is_lstm else states[0])

    def _state_shapes(self, batch: int) -> list[tuple]:
        """The shapes of h_0 (and c_0 for the LSTM) for a batch of ``batch``."""
        layers = self.num_layers * (2 if self.bidirectional else 1)
        shapes = [(layers, batch, self.proj_size if self.proj_size > 0 else self.hidden_size)]
        if self.mode == "LSTM":
            shapes.append((layers, batch, self.hidden_size))
        return shapes

    def _check_forward_args(self, input: Tensor, states: tuple, batch: int, packed: bool) -> None:
        """PyTorch's ``check_forward_args``: input dtype, dims and size, then the state shapes."""
        weight_dtype = self.weight_ih_l0.dtype
        if input.dtype != weight_dtype and not (is_autocast_enabled("cuda") or is_autocast_enabled("cpu")):
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        expected_dim = 2 if packed else 3
        if input.dim() != expected_dim:
            raise RuntimeError(f"input must have {expected_dim} dimensions, got {input.dim()}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")
        for index, (h, shape) in enumerate(zip(states, self._state_shapes(batch))):
            if tuple(h.shape) != shape:
                label = f"hidden[{index}]" if len(states) > 1 else "hidden"
                raise RuntimeError(f"Expected {label} size {shape}, got {list(h.shape)}")

    def _layer_weights(self) -> list[list[LayerWeights]]:
        """``all_weights`` as ``run_layers`` takes them: per layer, one LayerWeights per direction."""
        directions = 2 if self.bidirectional else 1
        per_direction = []
        for names in self._all_weights:
            kinds = {name.split("_l")[0]: getattr(self, name) for name in names}
            per_direction.append(LayerWeights(kinds["weight_ih"], kinds["weight_hh"], kinds.get("bias_ih"),
                                              kinds.get("bias_hh"), kinds.get("weight_hr")))
        return [per_direction[i:i + directions] for i in range(0, len(per_direction), directions)]


def _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size) -> None:
    """PyTorch's checks of RNNBase's arguments, in its order, with its messages."""
    if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                         "element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                      f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                      stacklevel=4)
    for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                              ("input_size", input_size, int)):
        if not isinstance(value, kind):
            raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


def _check_state_dims(states: tuple, is_batched: bool, is_lstm: bool) -> None:
    """PyTorch's check that hx (and cx) are 3-D for a batched input, 2-D for an unbatched one."""
    dim, kind = (3, "batched 3-D") if is_batched else (2, "unbatched 2-D")
    if any(h.dim() != dim for h in states):
        if is_lstm:
            raise RuntimeError(f"For {kind} input, hx and cx should also be {dim}-D but got "
                               f"({states[0].dim()}-D, {states[1].dim()}-D) tensors")
        raise RuntimeError(f"For {kind} input, hx should also be {dim}-D but got {states[0].dim()}-D tensor")


def _refuse_proj_size(kwargs: dict) -> None:
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (relu with
    ``nonlinearity='relu'``), per layer and direction. ``RNN(input_size, hidden_size, num_layers=1,
    nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False, device=None,
    dtype=None)``; ``forward(input, hx=None) -> (output, h_n)``."""

    def __init__(self, *args, **kwargs):
        _refuse_proj_size(kwargs)
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(f"RNN_{self.nonlinearity.upper()}", *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory, per layer and direction (gates i, f, g, o)::

        i_t = sigmoid(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)   f_t = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)      o_t = sigmoid(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
        c_t = f_t * c_{t-1} + i_t * g_t                        h_t = o_t * tanh(c_t)  (then h_t W_hr^T with proj_size)

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0, device=None, dtype=None)``; ``forward(input, hx=None) ->
    (output, (h_n, c_n))``, hx = (h_0, c_0)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit, per layer and direction (gates r, z, n)::

        r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)   z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))   h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, device=None, dtype=None)``; ``forward(input, hx=None) -> (output, h_n)``."""

    def __init__(self, *args, **kwargs):
        _refuse_proj_size(kwargs)
        super().__init__("GRU", *args, **kwargs)
