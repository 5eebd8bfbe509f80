"""Mixed precision on CUDA: a tiny model trained a few steps under ``autocast('cuda')`` with a
``GradScaler('cuda')`` equals the same steps on the CPU under ``autocast('cpu', dtype=float16)``
(both cast the linear layers to float16 and the loss to float32), an injected inf skips the step
on both; CUDA's own policy (softmax in float32, binary_cross_entropy refused)."""
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F


def _train(device, autocast, steps=4):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).to(device)
    optimizer = mg.optim.SGD(model.parameters(), lr=0.5)
    scaler = mg.amp.GradScaler(device, init_scale=2.0**8, growth_interval=1)
    x = mg.tensor(np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4), device=device)
    y = mg.tensor([0, 1, 1, 0, 1], device=device)
    record = []
    for step in range(steps):
        optimizer.zero_grad()
        with autocast:
            logits = model(x)
            loss = F.cross_entropy(logits, y)
        assert (logits.dtype, loss.dtype) == (mg.float16, mg.float32)
        scaler.scale(loss).backward()
        if step == 1:
            model[0].weight.grad[0, 0] = math.inf
        scaler.step(optimizer)
        scaler.update()
        record.append((loss.item(), scaler.get_scale()))
    assert all(p.grad.dtype is mg.float32 and p.device.type == device for p in model.parameters())
    return record, [p.detach().cpu().numpy() for p in model.parameters()]


def test_training_under_autocast_and_grad_scaler_on_cuda_equals_the_cpu():
    cuda_record, cuda_weights = _train("cuda", mg.autocast("cuda"))
    cpu_record, cpu_weights = _train("cpu", mg.autocast("cpu", dtype=mg.float16))
    assert [scale for _, scale in cuda_record] == [scale for _, scale in cpu_record] == [512.0, 256.0, 512.0, 1024.0]
    np.testing.assert_allclose([loss for loss, _ in cuda_record], [loss for loss, _ in cpu_record], rtol=2e-3)
    for mine, reference in zip(cuda_weights, cpu_weights):
        np.testing.assert_allclose(mine, reference, rtol=1e-2, atol=1e-3)


def test_cuda_policy_and_inf_check_stay_on_the_device():
    x = mg.rand(2, 3, device="cuda", requires_grad=True)
    with mg.autocast("cuda"):
        assert mg.softmax(x.half(), 1).dtype is mg.float32  # CUDA's float32 list, not the CPU's
        assert mg.cat([x.half(), x]).dtype is mg.float32
        with pytest.raises(RuntimeError, match="binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast"):
            F.binary_cross_entropy(x.sigmoid(), mg.ones(2, 3, device="cuda"))
    with pytest.warns(FutureWarning, match="torch.cuda.amp.GradScaler"):
        scaler = mg.cuda.amp.GradScaler()
    assert scaler.is_enabled()
    optimizer = mg.optim.SGD([x], lr=1.0)
    scaler.scale(x.sum()).backward()
    scaler.unscale_(optimizer)
    (found_inf,) = scaler._per_optimizer_states[id(optimizer)]["found_inf_per_device"].values()
    assert found_inf.device.type == "cuda" and found_inf.item() == 0.0
    assert x.grad.device.type == "cuda" and x.grad.tolist() == [[1.0] * 3] * 2


# name -> (input shapes, op, the dtype of its result under autocast('cuda') for float32 and for
# float16 inputs): CUDA's policy, whose lists differ from the CPU's (tests/amp checks those).
CUDA_CASES = {
    "linear": ([(3, 4), (2, 4), (2,)], lambda t: F.linear(*t), ("float16", "float16")),
    "mv": ([(3, 4), (4,)], lambda t: mg.mv(*t), ("float16", "float16")),
    "conv2d": ([(1, 2, 3, 3), (2, 2, 2, 2)], lambda t: F.conv2d(*t), ("float16", "float16")),
    "exp": ([(3,)], lambda t: t[0].exp(), ("float32", "float32")),
    "square": ([(3,)], lambda t: mg.square(t[0]), ("float32", "float32")),
    "sum": ([(3,)], lambda t: t[0].sum(), ("float32", "float32")),
    "log_softmax": ([(2, 3)], lambda t: F.log_softmax(t[0], 1), ("float32", "float32")),
    "layer_norm": ([(2, 3), (3,), (3,)], lambda t: F.layer_norm(t[0], (3,), t[1], t[2]), ("float32", "float32")),
    "mse_loss": ([(3,), (3,)], lambda t: F.mse_loss(*t), ("float32", "float32")),
    "dot": ([(3,), (3,)], lambda t: mg.dot(*t), ("float32", "float16")),
    "relu": ([(3,)], lambda t: F.relu(t[0]), ("float32", "float16")),
}


@pytest.mark.parametrize("name", CUDA_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_cuda_policy_per_op_class(name, dtype):
    shapes, op, expected = CUDA_CASES[name]
    rng = np.random.default_rng(0)
    arrays = [(rng.random(s) + 0.5).astype(np.float32) for s in shapes]
    inputs = [mg.tensor(a, dtype=getattr(mg, dtype), device="cuda", requires_grad=True) for a in arrays]
    with mg.autocast("cuda"):
        out = op(inputs)
    assert out.dtype.name == expected[dtype == "float16"] and out.device.type == "cuda"
    out.float().sum().backward()
    assert all(t.grad.dtype is t.dtype for t in inputs)
    reference = op([mg.tensor(a.astype(dtype).astype(np.float32)) for a in arrays])
    np.testing.assert_allclose(out.float().detach().cpu().numpy(), reference.detach().numpy(), rtol=1e-2, atol=1e-2)
