"""Normalisation layers, softmax and the classification losses on CUDA tensors (the Functions in
minigrad/functions/normalization.py, softmax.py and cross_entropy.py over the kernels in
minigrad.kernels.cuda): forward and backward on device='cuda' against the same ops on the CPU, on
tiny shapes."""
import numpy as np
import pytest

import minigrad as mg

F = mg.nn.functional
TOL = dict(rtol=1e-5, atol=1e-5)


def run(device, op, arrays, grad_out=None):
    """op(*tensors on device) and the gradients of the float inputs, as host arrays. ``arrays``:
    numpy arrays (floats require grad; integer targets do not)."""
    inputs = [mg.tensor(a, device=device, requires_grad=a.dtype.kind == "f") for a in arrays]
    out = op(*inputs)
    assert out.device.type == device
    out.backward(None if grad_out is None else mg.tensor(grad_out, device=device))
    return [out.detach().cpu().numpy()] + [t.grad.cpu().numpy() for t in inputs if t.requires_grad]


def assert_same_on_both(op, arrays, grad_out=None):
    for got, want in zip(run("cuda", op, arrays, grad_out), run("cpu", op, arrays, grad_out)):
        np.testing.assert_allclose(got, want, **TOL)


def module_pair(make, *args, **kwargs):
    """The same freshly built layer on the CPU and on CUDA (equal random parameters)."""
    mg.manual_seed(0)
    on_cpu = make(*args, **kwargs)
    mg.manual_seed(0)
    return on_cpu, make(*args, **kwargs).to("cuda")


def assert_layer_matches(on_cpu, on_gpu, x, grad_out):
    """One forward and backward of each; outputs, input and parameter gradients and buffers agree."""
    results = []
    for layer, device in ((on_cpu, "cpu"), (on_gpu, "cuda")):
        inp = mg.tensor(x, device=device, requires_grad=True)
        out = layer(inp)
        out.backward(mg.tensor(grad_out, device=device))
        results.append([out.detach().cpu().numpy(), inp.grad.cpu().numpy()]
                       + [p.grad.cpu().numpy() for p in layer.parameters()]
                       + [b.cpu().numpy() for b in layer.buffers()])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, **TOL)


@pytest.mark.parametrize("make, shape, affine", [
    (mg.nn.BatchNorm2d, (3, 4, 2, 2), True),
    (mg.nn.BatchNorm1d, (5, 3), False),
])
def test_batch_norm_trains_and_evaluates_as_on_the_cpu(make, shape, affine):
    rng = np.random.default_rng(0)
    on_cpu, on_gpu = module_pair(make, shape[1], affine=affine, momentum=0.3)
    x, grad_out = (rng.standard_normal(shape).astype(np.float32) for _ in range(2))
    assert_layer_matches(on_cpu, on_gpu, x * 2 + 1, grad_out)  # training: the running statistics move
    np.testing.assert_allclose(on_gpu.running_var.cpu().numpy(), on_cpu.running_var.numpy(), **TOL)
    assert not np.allclose(on_cpu.running_mean.numpy(), 0)
    on_cpu.eval(), on_gpu.eval()
    assert_layer_matches(on_cpu, on_gpu, x, grad_out)  # eval: normalised by the running statistics


@pytest.mark.parametrize("make, args, kwargs, shape", [
    (mg.nn.LayerNorm, ((2, 3),), {}, (4, 2, 3)),
    (mg.nn.GroupNorm, (2, 4), {}, (3, 4, 2, 2)),
    (mg.nn.InstanceNorm2d, (4,), dict(affine=True, track_running_stats=True), (3, 4, 2, 2)),  # G = C
])
def test_layer_group_and_instance_norm_match_the_cpu(make, args, kwargs, shape):
    rng = np.random.default_rng(1)
    on_cpu, on_gpu = module_pair(make, *args, **kwargs)
    assert_layer_matches(on_cpu, on_gpu, *(rng.standard_normal(shape).astype(np.float32) for _ in range(2)))


@pytest.mark.parametrize("op", [F.softmax, F.log_softmax])
@pytest.mark.parametrize("dim", [1, -1])
def test_softmax_matches_the_cpu(op, dim):
    rng = np.random.default_rng(2)
    x, grad_out = (rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(2))
    assert_same_on_both(lambda t: op(t, dim=dim), [x * 5], grad_out)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_class_indices_matches_the_cpu(reduction):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 5)).astype(np.float32)
    target = np.array([0, 4, 2, 2, 1, 3])
    weight = mg.tensor(rng.uniform(0.5, 2.0, 5).astype(np.float32))
    grad_out = rng.standard_normal(6).astype(np.float32) if reduction == "none" else None

    def loss(x, t):
        return F.cross_entropy(x, t, weight=weight.to(x.device), ignore_index=2, label_smoothing=0.1,
                               reduction=reduction)
    assert_same_on_both(loss, [logits, target], grad_out)


def test_cross_entropy_with_probabilities_and_spatial_logits_matches_the_cpu():
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((2, 5, 2, 2)).astype(np.float32)
    probabilities = rng.uniform(0, 1, logits.shape).astype(np.float32)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    assert_same_on_both(lambda x, p: F.cross_entropy(x, p, label_smoothing=0.2), [logits, probabilities])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_matches_the_cpu(reduction):
    rng = np.random.default_rng(5)
    log_probs = -rng.uniform(0.1, 3.0, (6, 5)).astype(np.float32)
    target = np.array([1, 0, 4, -100, 3, 3])
    grad_out = rng.standard_normal(6).astype(np.float32) if reduction == "none" else None
    assert_same_on_both(lambda x, t: F.nll_loss(x, t, reduction=reduction), [log_probs, target], grad_out)


def test_an_out_of_range_target_is_named_as_on_the_cpu():
    logits = mg.zeros(3, 5, device="cuda")
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.cross_entropy(logits, mg.tensor([1, -100, 7], device="cuda"))
