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
