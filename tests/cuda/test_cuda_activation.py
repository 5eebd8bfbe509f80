"""ReLU, GELU, erf/erfc and dropout on CUDA tensors (the Functions over minigrad.kernels.cuda.relu,
gelu, erf and dropout) against the same ops on the CPU."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.functions import dropout as dropout_function

OPS = {"relu": F.relu, "gelu": F.gelu, "gelu-tanh": lambda x: F.gelu(x, approximate="tanh"), "erf": mg.erf,
       "erfc": mg.erfc}
def sample(shape=(3, 5), dtype=np.float32):
    return mg.tensor((2 * np.random.default_rng(0).standard_normal(shape)).astype(dtype))


@pytest.mark.parametrize("name", OPS)
def test_forward_matches_cpu(name):
    x = sample()
    out = OPS[name](x.cuda())
    assert out.device == mg.device("cuda:0") and out.dtype == mg.float32
    np.testing.assert_allclose(out.cpu().numpy(), OPS[name](x).numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", OPS)
def test_backward_matches_cpu(name):
    x = sample().requires_grad_()
    on_gpu = x.detach().cuda().requires_grad_()
    grad = sample()[::-1].contiguous()
    OPS[name](x).backward(grad)
    OPS[name](on_gpu).backward(grad.cuda())
    np.testing.assert_allclose(on_gpu.grad.cpu().numpy(), x.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.fixture
def recorded_masks(monkeypatch):
    """Every mask ``dropout_mask`` draws, as host arrays; on the CPU the recorded masks are replayed
    in order instead of drawn, so the CPU computes with the GPU's masks."""
    masks, replay = [], []
    draw = dropout_function.dropout_mask

    def recording(shape, p, dtype, dev):
        if dev.type == "cpu" and replay:
            return replay.pop(0)
        mask = draw(shape, p, dtype, dev)
        masks.append(mask.to_host())
        return mask

    monkeypatch.setattr(dropout_function, "dropout_mask", recording)
    return masks, replay


@pytest.mark.parametrize("dropout, mask_shape", [(lambda x: F.dropout(x, 0.4), (4, 6, 2, 2)),
                                                 (lambda x: F.dropout2d(x, 0.4), (4, 6, 1, 1))],
                         ids=["dropout", "dropout2d"])
def test_dropout_applies_the_gpu_mask_as_the_cpu_does(recorded_masks, dropout, mask_shape):
    masks, replay = recorded_masks
    x = sample((4, 6, 2, 2))
    mg.cuda.manual_seed(0)
    out = dropout(x.cuda())
    (mask,) = masks
    assert out.device == mg.device("cuda:0") and mask.shape == mask_shape
    assert set(np.unique(mask)) == {0, np.float32(1 / 0.6)}
    replay.append(mask)
    np.testing.assert_array_equal(out.cpu().numpy(), dropout(x).numpy())


def test_manual_seed_repeats_cuda_dropout_and_consecutive_calls_differ():
    x = mg.ones(64, device="cuda")

    def two_draws(seed):
        mg.cuda.manual_seed(seed)
        return [F.dropout(x, 0.5).cpu().numpy() for _ in range(2)]

    first, second = two_draws(3)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(np.stack(two_draws(3)), np.stack([first, second]))
    mg.manual_seed(3)  # seeds every device, as torch.manual_seed
    np.testing.assert_array_equal(F.dropout(x, 0.5).cpu().numpy(), first)
    assert mg.cuda.initial_seed() == 3


def test_dropout_backward_multiplies_by_the_mask(recorded_masks):
    masks, _ = recorded_masks
    x = sample().cuda().requires_grad_()
    F.dropout(x, 0.25).backward(mg.ones(3, 5, device="cuda"))
    np.testing.assert_array_equal(x.grad.cpu().numpy(), masks[0])
