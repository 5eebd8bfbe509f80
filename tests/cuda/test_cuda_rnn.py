"""A recurrent layer on CUDA tensors equals the same layer on the CPU: a bidirectional LSTM with
projections, forward and backward (output, final states, input and parameter gradients).

The recurrence is a composite of ops that run on CUDA (linear, sigmoid, tanh, chunk, split, cat,
stack), so no kernel of its own is involved; tiny sizes, as the simulator runs every GPU thread as a
Python thread."""
import copy

import numpy as np

import minigrad as mg


def _forward_backward(layer, x, device):
    layer = copy.deepcopy(layer).to(device)
    x = mg.tensor(x, device=device, requires_grad=True)
    output, (h, c) = layer(x)
    (output.sum() + (h * 2).sum() + (c * 3).sum()).backward()
    grads = {name: p.grad.cpu().numpy() for name, p in layer.named_parameters()}
    return [t.detach().cpu().numpy() for t in (output, h, c, x.grad)], grads


def test_lstm_on_cuda_matches_cpu():
    mg.manual_seed(0)
    layer = mg.nn.LSTM(3, 3, bidirectional=True, batch_first=True, proj_size=2)
    x = np.random.default_rng(0).standard_normal((2, 2, 3)).astype(np.float32)
    cuda_results, cuda_grads = _forward_backward(layer, x, "cuda")
    cpu_results, cpu_grads = _forward_backward(layer, x, "cpu")
    for ours, expected in zip(cuda_results, cpu_results):
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    for name in cpu_grads:
        np.testing.assert_allclose(cuda_grads[name], cpu_grads[name], rtol=1e-5, atol=1e-6, err_msg=name)
