"""nn.MultiheadAttention and a Transformer encoder layer on CUDA (simulator) equal the CPU: outputs,
weights and every gradient."""
import numpy as np

import minigrad as mg


def test_multihead_attention_on_cuda_equals_the_cpu():
    rng = np.random.default_rng(0)
    values = [rng.standard_normal((3, 2, 4)) for _ in range(3)]
    padding = np.array([[False, False, True], [False, False, False]])
    results = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(0)
        layer = mg.nn.MultiheadAttention(4, 2, add_bias_kv=True).double().to(device)
        xs = [mg.tensor(x, device=device, requires_grad=True) for x in values]
        out, weights = layer(*xs, key_padding_mask=mg.tensor(padding, device=device))
        (out.square().sum() + weights.sum()).backward()
        results[device] = [out, weights] + [x.grad for x in xs] + [p.grad for p in layer.parameters()]
    for on_cpu, on_cuda in zip(results["cpu"], results["cuda"]):
        assert on_cuda.device == mg.device("cuda:0")
        np.testing.assert_allclose(on_cuda.cpu().detach().numpy(), on_cpu.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_a_transformer_encoder_layer_on_cuda_equals_the_cpu():
    rng = np.random.default_rng(1)
    source = rng.standard_normal((3, 1, 4))
    results = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(0)
        layer = mg.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0).double().to(device)
        x = mg.tensor(source, device=device, requires_grad=True)
        out = layer(x, src_mask=mg.nn.Transformer.generate_square_subsequent_mask(3, device=device))
        out.square().sum().backward()
        results[device] = [out, x.grad] + [p.grad for p in layer.parameters()]
    for on_cpu, on_cuda in zip(results["cpu"], results["cuda"]):
        np.testing.assert_allclose(on_cuda.cpu().detach().numpy(), on_cpu.detach().numpy(), rtol=1e-10, atol=1e-12)
