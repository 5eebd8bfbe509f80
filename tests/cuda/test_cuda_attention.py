"""nn.MultiheadAttention on CUDA (simulator) equals the CPU: output, weights and every gradient."""
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
