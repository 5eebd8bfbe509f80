"""The optimizers on CUDA parameters: a few steps of each (SGD and Adam on their CUDA kernels, the
others on their numpy formulas over CudaArrays) equal to the same steps on the CPU, state on the
parameters' device (the step counter on the CPU, as PyTorch), and the state dict loading on the CPU."""
import numpy as np
import pytest

import minigrad as mg

OPTIMIZERS = {
    "sgd": lambda p: mg.optim.SGD(p, lr=0.1),
    "sgd-momentum-dampening": lambda p: mg.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01),
    "sgd-nesterov-maximize": lambda p: mg.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True, maximize=True),
    "adam-l2-amsgrad": lambda p: mg.optim.Adam(p, lr=0.01, weight_decay=0.1, amsgrad=True),
    "adamw": lambda p: mg.optim.AdamW(p, lr=0.01, weight_decay=0.1),
    "adadelta": lambda p: mg.optim.Adadelta(p, weight_decay=0.1),
    "rmsprop-centered-momentum": lambda p: mg.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True, weight_decay=0.1),
}


def linear_like(model, device):
    """A copy of a Linear model on ``device`` (through a host copy of its state dict)."""
    twin = mg.nn.Linear(model.in_features, model.out_features)
    twin.load_state_dict({name: value.cpu() for name, value in model.state_dict().items()})
    return twin.to(device)


def assert_close(on_gpu, on_cpu):
    np.testing.assert_allclose(on_gpu.detach().cpu().numpy(), on_cpu.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_steps_on_cuda_equal_the_cpu_and_the_state_dict_loads_on_the_cpu(name):
    mg.manual_seed(0)
    model = mg.nn.Linear(4, 3)
    model_gpu = linear_like(model, "cuda")
    optimizer, optimizer_gpu = OPTIMIZERS[name](model.parameters()), OPTIMIZERS[name](model_gpu.parameters())
    inputs = mg.randn(5, 4)
    for _ in range(3):  # the gradients come from the CPU model: the CUDA one gets the same
        optimizer.zero_grad()
        model(inputs).square().sum().backward()
        for param, param_gpu in zip(model.parameters(), model_gpu.parameters()):
            param_gpu.grad = param.grad.cuda()
        optimizer.step()
        optimizer_gpu.step()
    for param, param_gpu in zip(model.parameters(), model_gpu.parameters()):
        assert param_gpu.is_cuda
        assert_close(param_gpu, param)
        for key, value in optimizer.state[param].items():
            value_gpu = optimizer_gpu.state[param_gpu][key]
            assert value_gpu.device == (mg.device("cpu") if key == "step" else mg.device("cuda:0"))
            assert_close(value_gpu, value)

    # the CUDA optimizer's state continues on the CPU as the CPU optimizer's does
    model_cpu = linear_like(model_gpu, "cpu")
    resumed = OPTIMIZERS[name](model_cpu.parameters())
    resumed.load_state_dict(optimizer_gpu.state_dict())
    for param in model_cpu.parameters():
        assert all(value.device == mg.device("cpu") for value in resumed.state[param].values())
    for param, param_cpu in zip(model.parameters(), model_cpu.parameters()):
        param_cpu.grad = param.grad.clone()
    optimizer.step()
    resumed.step()
    for param, param_cpu in zip(model.parameters(), model_cpu.parameters()):
        assert_close(param_cpu, param)
