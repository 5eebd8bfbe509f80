"""Recurrent layers (RNN, LSTM, GRU and their cells) and nn.utils.rnn's packing: float64 gradcheck,
PyTorch parity from the same weights (outputs, final states, input / state / parameter gradients)
across batch_first, bidirectional, stacked layers, proj_size, unbatched and packed inputs; reprs,
parameter names, init, dropout between layers, and PyTorch's errors for bad arguments and inputs."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.nn.utils import rnn as rnn_utils

MODULES = ("RNN", "LSTM", "GRU")
CELLS = ("RNNCell", "LSTMCell", "GRUCell")


def _sample(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _pair(name, *args, **kwargs):
    """The same layer in torch and minigrad (float64), minigrad's loaded from torch's state_dict."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, dtype=torch.float64, **kwargs)
    ours = getattr(nn, name)(*args, dtype=minigrad.float64, **kwargs)
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _flat(result):
    """The tensors of a layer's result: output (a PackedSequence's data) and states, in order."""
    if type(result).__name__ == "PackedSequence":  # minigrad's or torch's
        return [result.data]
    if isinstance(result, (tuple, list)):
        return [t for part in result for t in _flat(part)]
    return [result]


def _run(library, layer, arrays, make_input=None):
    """Forward ``arrays`` (input, then states; None for an absent hx) through ``layer``, backward a
    fixed random weighting of every result; returns results, input / state gradients, parameter grads."""
    tensors = [None if a is None else library.tensor(a, requires_grad=True) for a in arrays]
    x = tensors[0] if make_input is None else make_input(library, tensors[0])
    states = [t for t in tensors[1:] if t is not None]
    hx = None if not states else (tuple(states) if len(states) == 2 else states[0])
    results = _flat(layer(x, hx))
    loss = sum((r * library.tensor(_sample(*r.shape, seed=i + 7))).sum() for i, r in enumerate(results))
    loss.backward()
    grads = [t.grad for t in tensors if t is not None]
    return results, grads, {name: p.grad for name, p in layer.named_parameters()}


def _assert_parity(ours, theirs, arrays, make_input=None):
    import torch

    our_results, our_grads, our_params = _run(minigrad, ours, arrays, make_input)
    their_results, their_grads, their_params = _run(torch, theirs, arrays, make_input)
    assert len(our_results) == len(their_results)
    for a, b in zip(our_results + our_grads, their_results + their_grads):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-10)
    assert our_params.keys() == their_params.keys()
    for name in our_params:
        np.testing.assert_allclose(our_params[name].numpy(), their_params[name].numpy(), rtol=1e-9, atol=1e-10,
                                   err_msg=name)


def _states(name, layers, batch, hidden, proj=0, seed=1):
    """hx arrays for ``name`` ((h, c) for the LSTM), (layers, batch, *), or (layers, *) for batch None."""
    lead = (layers,) if batch is None else (layers, batch)
    h = _sample(*lead, proj or hidden, seed=seed)
    return [h, _sample(*lead, hidden, seed=seed + 1)] if name == "LSTM" else [h]


# (kwargs, input shape, hx given): T=3, N=2, input_size 4, hidden_size 3
CONFIGS = [
    ({}, (3, 2, 4), False),
    ({}, (3, 2, 4), True),
    ({"batch_first": True}, (2, 3, 4), True),
    ({"num_layers": 2, "bidirectional": True}, (3, 2, 4), True),
    ({"num_layers": 2, "bidirectional": True, "batch_first": True}, (2, 3, 4), False),
    ({"bias": False}, (3, 2, 4), True),
    ({}, (3, 4), True),
    ({"bidirectional": True, "batch_first": True}, (3, 4), False),
]


@pytest.mark.parametrize("kwargs,shape,with_hx", CONFIGS)
@pytest.mark.parametrize("name", MODULES)
def test_module_matches_torch(name, kwargs, shape, with_hx):
    ours, theirs = _pair(name, 4, 3, **kwargs)
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    batch = None if len(shape) == 2 else shape[0 if kwargs.get("batch_first") else 1]
    hx = _states(name, layers, batch, 3) if with_hx else [None]
    _assert_parity(ours, theirs, [_sample(*shape)] + hx)


@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2, "bidirectional": True, "batch_first": True}])
def test_lstm_with_projections_matches_torch(kwargs):
    ours, theirs = _pair("LSTM", 4, 3, proj_size=2, **kwargs)
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    _assert_parity(ours, theirs, [_sample(3, 3, 4)] + _states("LSTM", layers, 3, 3, proj=2))


def test_relu_rnn_and_dropout_in_eval_mode_match_torch():
    ours, theirs = _pair("RNN", 4, 3, num_layers=2, nonlinearity="relu", dropout=0.5)
    ours.eval(), theirs.eval()
    _assert_parity(ours, theirs, [_sample(3, 2, 4)] + _states("RNN", 2, 2, 3))


@pytest.mark.parametrize("name", MODULES)
def test_packed_input_matches_torch(name):
    """Lengths (2, 4, 1) out of order: sorted inside, states and output back in the caller's order."""
    def packed(library, x):
        return library.nn.utils.rnn.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)

    ours, theirs = _pair(name, 4, 3, num_layers=2, bidirectional=True)
    _assert_parity(ours, theirs, [_sample(4, 3, 4)] + _states(name, 4, 3, 3), make_input=packed)


@pytest.mark.parametrize("name", MODULES)
def test_packed_output_pads_back_as_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(name, 4, 3, bidirectional=True, batch_first=True)
    x = _sample(3, 4, 4)
    results = []
    for library, layer in ((minigrad, ours), (torch, theirs)):
        utils = library.nn.utils.rnn
        packed = utils.pack_padded_sequence(library.tensor(x), library.tensor([3, 4, 2]), batch_first=True,
                                            enforce_sorted=False)
        output, lengths = utils.pad_packed_sequence(layer(packed)[0], batch_first=True, total_length=5)
        results.append((output.detach().numpy(), lengths.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-9, atol=1e-10)
    np.testing.assert_array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("batched,with_hx", [(True, True), (True, False), (False, True), (False, False)])
@pytest.mark.parametrize("name", CELLS)
def test_cell_matches_torch(name, batched, with_hx):
    ours, theirs = _pair(name, 4, 3)
    lead = (2,) if batched else ()
    states = [_sample(*lead, 3, seed=1), _sample(*lead, 3, seed=2)][:2 if name == "LSTMCell" else 1]
    _assert_parity(ours, theirs, [_sample(*lead, 4)] + (states if with_hx else [None]))


def test_relu_cell_without_bias_matches_torch():
    ours, theirs = _pair("RNNCell", 4, 3, bias=False, nonlinearity="relu")
    _assert_parity(ours, theirs, [_sample(2, 4), _sample(2, 3, seed=1)])


@pytest.mark.parametrize("name", CELLS)
def test_cell_gradcheck(name):
    cell = getattr(nn, name)(2, 3).double()
    x = minigrad.tensor(_sample(2, 2), requires_grad=True)
    h = minigrad.tensor(_sample(2, 3, seed=1), requires_grad=True)
    c = minigrad.tensor(_sample(2, 3, seed=2), requires_grad=True)
    if name == "LSTMCell":
        assert gradcheck(lambda x, h, c: cell(x, (h, c)), (x, h, c))
    else:
        assert gradcheck(cell, (x, h))
        assert gradgradcheck(cell, (x, h))


@pytest.mark.parametrize("name", MODULES)
def test_two_layer_bidirectional_gradcheck(name):
    layer = getattr(nn, name)(2, 2, num_layers=2, bidirectional=True).double()
    x = minigrad.tensor(_sample(3, 2, 2), requires_grad=True)
    states = [minigrad.tensor(a, requires_grad=True) for a in _states(name, 4, 2, 2)]
    if name == "LSTM":
        assert gradcheck(lambda x, h, c: layer(x, (h, c)), (x, *states))
    else:
        assert gradcheck(layer, (x, *states))


def test_lstm_second_derivative():
    layer = nn.LSTM(2, 2, proj_size=1).double()
    x = minigrad.tensor(_sample(2, 1, 2), requires_grad=True)
    assert gradgradcheck(lambda x: layer(x)[0], (x,))


@pytest.mark.parametrize("args,kwargs", [
    ((10, 20), {"num_layers": 2, "batch_first": True}),
    ((3, 4), {"nonlinearity": "relu", "bias": False, "dropout": 0.5, "num_layers": 2, "bidirectional": True}),
    ((4, 3), {"proj_size": 2}),
    ((4, 3), {"dropout": 0.25, "num_layers": 3}),
])
@pytest.mark.parametrize("name", MODULES)
def test_repr_parameters_and_state_dict_as_torch(name, args, kwargs):
    torch = pytest.importorskip("torch")
    if ("nonlinearity" in kwargs and name != "RNN") or ("proj_size" in kwargs and name != "LSTM"):
        pytest.skip("argument of another layer")
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (our_name, p), (their_name, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert our_name == their_name and tuple(p.shape) == tuple(q.shape)
    assert [[tuple(p.shape) for p in w] for w in ours.all_weights] == [[tuple(p.shape) for p in w]
                                                                       for w in theirs.all_weights]
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    ours.flatten_parameters()
    bound = 1 / np.sqrt(args[1])
    assert all(np.abs(p.detach().numpy()).max() <= bound for p in getattr(nn, name)(*args, **kwargs).parameters())


@pytest.mark.parametrize("name,kwargs", [("RNNCell", {"bias": False, "nonlinearity": "relu"}), ("LSTMCell", {}),
                                         ("GRUCell", {"bias": False})])
def test_cell_repr_and_state_dict_as_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(3, 4, **kwargs), getattr(torch.nn, name)(3, 4, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_dropout_between_layers_only_in_training():
    layer = nn.GRU(3, 4, num_layers=2, dropout=0.5).double()
    x = minigrad.tensor(_sample(5, 2, 3))
    minigrad.manual_seed(0)
    trained = layer(x)[0].detach().numpy()
    layer.eval()
    evaluated = layer(x)[0].detach().numpy()
    assert not np.allclose(trained, evaluated)
    np.testing.assert_array_equal(evaluated, layer(x)[0].detach().numpy())


def test_pad_pack_round_trip_and_gradients_match_torch():
    torch = pytest.importorskip("torch")
    arrays = [_sample(2, 3), _sample(4, 3, seed=1), _sample(1, 3, seed=2)]
    results = []
    for library in (minigrad, torch):
        utils = library.nn.utils.rnn
        sequences = [library.tensor(a, requires_grad=True) for a in arrays]
        left = utils.pad_sequence(sequences, batch_first=True, padding_value=-1.0, padding_side="left")
        packed = utils.pack_sequence(sequences, enforce_sorted=False)
        unpacked = utils.unpack_sequence(packed)
        padded, lengths = utils.pad_packed_sequence(packed, padding_value=2.0)
        (padded * library.tensor(_sample(*padded.shape, seed=3))).sum().backward()
        results.append([left, packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices,
                        padded, lengths, *unpacked, *(s.grad for s in sequences)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]


def _error_cases():
    """(call(library), error, message) with ``library`` minigrad or torch."""
    def make(name, *args, **kwargs):
        return lambda lib: getattr(lib.nn, name)(*args, **kwargs)

    def forward(name, shape, hx_shapes=None, dtype=None, **kwargs):
        def call(lib):
            layer = getattr(lib.nn, name)(4, 3, **kwargs)
            hx = None if hx_shapes is None else tuple(lib.zeros(*s) for s in hx_shapes)
            if hx is not None and len(hx) == 1:
                hx = hx[0]
            return layer(lib.zeros(*shape, dtype=getattr(lib, dtype or "float32")), hx)
        return call

    cases = [
        (make("LSTM", 4, 3.0), TypeError, "hidden_size should be of type int, got: float"),
        (make("GRU", 4.0, 3), TypeError, "input_size should be of type int, got: float"),
        (make("RNN", 4, 3, dropout=1.5), ValueError,
         "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
        (make("LSTM", 4, 3, dropout=-0.1), ValueError,
         "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
        (make("LSTM", 4, 3, proj_size=3), ValueError, "proj_size has to be smaller than hidden_size"),
        (make("LSTM", 4, 3, proj_size=-1), ValueError,
         "proj_size should be a positive integer or zero to disable projections"),
        (make("GRU", 4, 3, proj_size=1), ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU"),
        (make("RNN", 4, 3, nonlinearity="sigmoid"), ValueError,
         "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."),
        (make("RNN", 4, 3, num_layers=0), ValueError, "num_layers must be greater than zero"),
        (make("GRU", 4, 0), ValueError, "hidden_size must be greater than zero"),
        (make("LSTM", 4, 3, bias=1), TypeError, "bias should be of type bool, got: int"),
        (make("LSTM", 4, 3, batch_first=0), TypeError, "batch_first should be of type bool, got: int"),
        (forward("RNN", (5, 2, 4, 1)), ValueError, "RNN: Expected input to be 2D or 3D, got 4D tensor instead"),
        (forward("LSTM", (5,)), ValueError, "LSTM: Expected input to be 2D or 3D, got 1D instead"),
        (forward("GRU", (5, 2, 4, 1)), ValueError, "GRU: Expected input to be 2D or 3D, got 4D instead"),
        (forward("GRU", (5, 2, 5)), RuntimeError,
         "input.size(-1) must be equal to input_size. Expected 4, got 5"),
        (forward("RNN", (5, 2, 4), [(1, 3, 3)]), RuntimeError, "Expected hidden size (1, 2, 3), got [1, 3, 3]"),
        (forward("GRU", (5, 2, 4), [(1, 2, 3)], batch_first=True), RuntimeError,
         "Expected hidden size (1, 5, 3), got [1, 2, 3]"),
        (forward("LSTM", (5, 2, 4), [(2, 2, 3), (2, 2, 3)], num_layers=2, batch_first=True), RuntimeError,
         "Expected hidden[0] size (2, 5, 3), got [2, 2, 3]"),
        (forward("LSTM", (5, 2, 4), [(1, 2, 2), (1, 2, 2)], proj_size=2), RuntimeError,
         "Expected hidden[1] size (1, 2, 3), got [1, 2, 2]"),
        (forward("RNN", (5, 2, 4), [(2, 3)]), RuntimeError,
         "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
        (forward("GRU", (5, 4), [(1, 1, 3)]), RuntimeError,
         "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
        (forward("LSTM", (5, 2, 4), [(2, 3), (1, 2, 3)]), RuntimeError,
         "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 3-D) tensors"),
        (forward("LSTM", (5, 4), [(1, 1, 3), (1, 1, 3)]), RuntimeError,
         "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors"),
        (forward("GRU", (5, 2, 4), dtype="float64"), ValueError,
         "RNN input dtype ({lib}.float64) does not match weight dtype ({lib}.float32). Convert input: "
         "input.to({lib}.float32), or convert model: model.to({lib}.float64)"),
        (forward("RNNCell", (2, 5)), RuntimeError, "input has inconsistent input_size: got 5 expected 4"),
        (forward("GRUCell", (2, 2, 4)), ValueError, "GRUCell: Expected input to be 1D or 2D, got 3D instead"),
        (forward("GRUCell", (2, 4), [(2, 2, 3)]), ValueError,
         "GRUCell: Expected hidden to be 1D or 2D, got 3D instead"),
        (forward("LSTMCell", (2, 4), [(2, 3), (1, 2, 3)]), ValueError,
         "LSTMCell: Expected hx[1] to be 1D or 2D, got 3D instead"),
        (forward("RNNCell", (2, 4), [(3, 3)]), RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 3"),
        (forward("LSTMCell", (2, 4), [(2, 3), (2, 5)]), RuntimeError,
         "hidden1 has inconsistent hidden_size: got 5, expected 3"),
        (forward("GRUCell", (4,), [(2, 3)]), RuntimeError, "hidden0 has inconsistent hidden_size: got 2, expected 3"),
        (forward("RNNCell", (2, 4), nonlinearity="gelu"), RuntimeError, "Unknown nonlinearity: gelu"),
    ]
    return cases


@pytest.mark.parametrize("call,error,message", _error_cases())
def test_errors_as_torch(call, error, message):
    torch = pytest.importorskip("torch")
    for library in (torch, minigrad):
        with pytest.raises(error) as raised:
            call(library)
        assert str(raised.value) == message.format(lib=library.__name__)


def test_dropout_warning_as_torch():
    torch = pytest.importorskip("torch")
    texts = []
    for library in (torch, minigrad):
        with pytest.warns(UserWarning) as record:
            library.nn.LSTM(4, 3, dropout=0.5)
        texts.append(str(record[0].message))
    assert texts[0] == texts[1]
    assert record[0].filename == __file__  # minigrad's points at the caller's line


def _packing_error_cases():
    def pack(lengths, **kwargs):
        return lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), lengths, **kwargs)

    return [
        (pack([2, 3, 1]), RuntimeError,
         "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
         "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if "
         "you do not need ONNX exportability."),
        (pack([3, 2, 1, 1]), RuntimeError, "Expected `len(lengths)` to be equal to batch_size, but got 4 (batch_size=3)"),
        (pack([3, 0, 0]), RuntimeError,
         "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
        (lambda lib: lib.nn.utils.rnn.pad_packed_sequence(
            lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [3, 2, 1]), total_length=2), ValueError,
         "Expected total_length to be at least the length of the longest sequence in input, but got "
         "total_length=2 and max sequence length being 3"),
        (lambda lib: lib.nn.utils.rnn.pad_sequence(3), RuntimeError,
         "pad_sequence: Expected iterable for input sequences, but got arg of type: <class 'int'>"),
        (lambda lib: lib.nn.utils.rnn.pad_sequence([]), RuntimeError, "received an empty list of sequences"),
        (lambda lib: lib.nn.utils.rnn.pad_sequence([lib.zeros(2)], padding_side="middle"), RuntimeError,
         "Expected padding_side to be one of left or right, but got middle."),
    ]


@pytest.mark.parametrize("call,error,message", _packing_error_cases())
def test_packing_errors_as_torch(call, error, message):
    pytest.importorskip("torch")
    test_errors_as_torch(call, error, message)


def test_packed_sequence_moves_and_casts():
    packed = rnn_utils.pack_sequence([minigrad.ones(3, 2), minigrad.ones(1, 2)])
    assert packed.double().data.dtype == minigrad.float64 and packed.double().batch_sizes.tolist() == [2, 1, 1]
    assert packed.to(minigrad.float32) is packed and not packed.is_cuda
    assert rnn_utils.invert_permutation(minigrad.tensor([2, 0, 1])).tolist() == [1, 2, 0]
    assert rnn_utils.invert_permutation(None) is None
