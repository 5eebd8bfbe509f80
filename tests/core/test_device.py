"""Devices: minigrad.device, Tensor/Module.to(device), and the accelerator / cuda queries."""
import pytest

import minigrad as mg


def test_device_construction_and_repr():
    assert repr(mg.device("cpu")) == "device(type='cpu')"
    assert repr(mg.device("cuda:1")) == "device(type='cuda', index=1)"
    assert mg.device("cuda", 0) == mg.device("cuda:0")
    assert str(mg.device("cuda:0")) == "cuda:0" and mg.device("cpu") == "cpu"
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda device type"):
        mg.device("tpu")


def test_tensor_and_module_to_cpu_are_no_ops():
    t = mg.ones(2)
    assert t.to("cpu") is t and t.to(mg.device("cpu")) is t and t.cpu() is t
    assert mg.zeros(2, device="cpu").device == mg.device("cpu")
    layer = mg.nn.Linear(2, 3)
    weight = layer.weight
    assert layer.to(mg.device("cpu")) is layer and layer.weight is weight


def test_no_gpu_is_reported_and_cuda_requests_fail_clearly():
    """tests/conftest.py hides CUDA outside tests/cuda: this is minigrad without numba-cuda."""
    assert mg.cuda.is_available() is False and mg.cuda.device_count() == 0
    assert mg.accelerator.is_available() is False
    assert mg.accelerator.current_accelerator() is None
    for ask in (lambda: mg.ones(2).to("cuda"), lambda: mg.ones(2).cuda(), lambda: mg.zeros(1, device="cuda")):
        with pytest.raises(AssertionError, match=r'^Torch not compiled with CUDA enabled\. .*pip install -e "\.\[cuda\]"'):
            ask()


def test_the_default_device_is_the_cpu_and_none_resets_it():
    assert mg.get_default_device() == mg.device("cpu")
    mg.set_default_device("cpu")
    assert mg.zeros(1).device == mg.device("cpu")
    mg.set_default_device(None)
    assert mg.get_default_device() == mg.device("cpu")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda device type at start of device string: tpu"):
        mg.set_default_device("tpu")
    assert mg.get_default_device() == mg.device("cpu")


def test_a_cuda_default_without_cuda_fails_at_creation_as_pytorch():
    """Setting the default checks nothing (PyTorch's too); creating a tensor there raises."""
    with mg.device("cuda"):
        assert mg.get_default_device() == mg.device("cuda:0")
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            mg.ones(2)
        assert mg.ones(2, device="cpu").device == mg.device("cpu")  # an explicit device wins
    assert mg.ones(2).device == mg.device("cpu")


def test_device_blocks_nest_and_each_thread_starts_on_the_cpu():
    import threading

    seen = []
    with mg.device("cuda"):
        with mg.device("cpu"):
            assert mg.get_default_device() == mg.device("cpu")
            thread = threading.Thread(target=lambda: seen.append(mg.get_default_device()))
        assert mg.get_default_device() == mg.device("cuda:0")
        thread.start()
        thread.join()
    assert seen == [mg.device("cpu")] and mg.get_default_device() == mg.device("cpu")
