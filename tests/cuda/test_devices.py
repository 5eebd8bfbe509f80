"""CUDA devices and storage (no kernels yet): availability, moving tensors and modules both ways,
host copies, state_dict round trips, and PyTorch's errors for bad device use."""
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import _cuda_backend
from minigrad.autograd.function import ArrayFunction
from minigrad.utils.data import DataLoader, TensorDataset


def test_queries_report_the_one_device():
    assert mg.cuda.is_available() and mg.cuda.device_count() == 1
    assert mg.cuda.current_device() == 0 and isinstance(mg.cuda.get_device_name(), str)
    assert mg.accelerator.is_available() and mg.accelerator.current_accelerator() == mg.device("cuda")
    assert repr(mg.accelerator.current_accelerator()) == "device(type='cuda')"
    mg.cuda.synchronize()
    mg.cuda.manual_seed(0)
    mg.cuda.manual_seed_all(0)


@pytest.mark.parametrize("where", ["cuda", "cuda:0", mg.device("cuda"), mg.device("cuda", 0), 0])
def test_tensors_move_to_cuda_and_back_with_their_values(where):
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    on_gpu = mg.tensor(values).to(where)
    assert on_gpu.device == mg.device("cuda:0") and str(on_gpu.device) == "cuda:0" and on_gpu.is_cuda
    assert _cuda_backend.is_device_array(on_gpu._data)
    back = on_gpu.cpu()
    assert back.device == mg.device("cpu") and isinstance(back._data, np.ndarray)
    np.testing.assert_array_equal(back.numpy(), values)
    assert on_gpu.to("cuda") is on_gpu and on_gpu.cuda() is on_gpu


def test_creation_with_device_and_dtype_moves():
    for made in (mg.zeros(2, 3, device="cuda"), mg.ones(2, 3, device="cuda:0"), mg.randn(2, 3, device="cuda"),
                 mg.tensor([[1, 2, 3]], device="cuda"), mg.arange(3, device="cuda"), mg.full((2,), 7.0, device="cuda"),
                 mg.zeros_like(mg.ones(2, device="cuda"))):
        assert made.device == mg.device("cuda:0") and _cuda_backend.is_device_array(made._data)
    widened = mg.tensor([1.5, 2.5], device="cuda").to("cpu", mg.float64)  # moved first, cast on the host
    assert widened.dtype == mg.float64 and widened.tolist() == [1.5, 2.5]


def test_host_copies_only_when_asked():
    x = mg.tensor([[1.0, 2.0]], device="cuda")
    assert x.tolist() == [[1.0, 2.0]]
    assert mg.tensor([3.5], device="cuda").item() == 3.5
    assert repr(x) == "tensor([[1., 2.]], device='cuda:0')"
    np.testing.assert_array_equal(x.numpy(force=True), [[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"^can't convert cuda:0 device type tensor to numpy\. Use Tensor\.cpu\(\) "
                                        r"to copy the tensor to host memory first\.$"):
        x.numpy()
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(x)


def test_modules_move_parameters_buffers_and_grads_both_ways():
    model = mg.nn.Sequential(mg.nn.Linear(3, 2), mg.nn.BatchNorm1d(2))
    model(mg.randn(4, 3)).sum().backward()
    before = {name: t.detach().numpy().copy() for name, t in model.state_dict().items()}
    grad = model[0].weight.grad.numpy().copy()
    weight = model[0].weight
    assert model.cuda() is model and model[0].weight is weight  # the Parameter objects stay
    for tensor in [*model.parameters(), *model.buffers(), weight.grad]:
        assert tensor.device == mg.device("cuda:0") and _cuda_backend.is_device_array(tensor._data)
    assert weight.is_leaf and weight.requires_grad
    model.to("cpu")
    for name, tensor in model.state_dict().items():
        np.testing.assert_array_equal(tensor.numpy(), before[name])
    np.testing.assert_array_equal(weight.grad.numpy(), grad)
    assert model.to(mg.device("cuda:0"))[1].running_mean.device == mg.device("cuda:0")


def test_state_dict_saved_from_cuda_loads_on_cpu_and_back(tmp_path):
    model = mg.nn.Linear(3, 2).cuda()
    mg.save(model.state_dict(), tmp_path / "w.pt")
    on_cpu = mg.load(tmp_path / "w.pt", map_location="cpu")
    assert all(t.device == mg.device("cpu") for t in on_cpu.values())
    as_saved = mg.load(tmp_path / "w.pt")
    assert all(t.device == mg.device("cuda:0") for t in as_saved.values())
    fresh = mg.nn.Linear(3, 2)
    fresh.load_state_dict(on_cpu)
    np.testing.assert_array_equal(fresh.weight.detach().numpy(), model.weight.detach().cpu().numpy())
    fresh.cuda()
    np.testing.assert_array_equal(fresh.bias.detach().cpu().numpy(), as_saved["bias"].cpu().numpy())


@pytest.mark.parametrize("num_workers", [0, 1])
def test_dataloader_pins_batches_with_an_accelerator(num_workers):
    dataset = TensorDataset(mg.arange(4.0), mg.arange(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loader = DataLoader(dataset, batch_size=2, pin_memory=True, num_workers=num_workers)
        batches = list(loader)
    assert all(x.is_pinned() and y.is_pinned() for x, y in batches)
    assert [x.cuda(non_blocking=True).cpu().tolist() for x, _ in batches] == [[0.0, 1.0], [2.0, 3.0]]
    unpinned = next(iter(DataLoader(dataset, batch_size=2)))
    assert not unpinned[0].is_pinned()


def test_pin_memory_copies_to_page_locked_memory_once():
    x = mg.arange(6.0).reshape(2, 3).requires_grad_()
    pinned = x.pin_memory()
    assert pinned.is_pinned() and not x.is_pinned() and pinned[1:].is_pinned()
    assert pinned.pin_memory() is pinned and pinned.tolist() == x.tolist()
    assert pinned.grad_fn.name() == "PinMemoryBackward0"
    pinned.sum().backward()
    assert x.grad.tolist() == [[1.0] * 3] * 2
    assert mg.zeros(0).pin_memory().is_pinned()
    assert not mg.ones(2, device="cuda").is_pinned()
    with pytest.raises(RuntimeError, match=r"^cannot pin 'minigrad\.cuda\.FloatTensor' only dense CPU tensors "
                                           r"can be pinned$"):
        mg.ones(2, device="cuda").pin_memory()


def test_mixing_devices_in_one_op_is_pytorchs_runtime_error():
    message = r"^Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!$"
    with pytest.raises(RuntimeError, match=message):
        mg.ones(2, device="cuda") + mg.ones(2)
    with pytest.raises(RuntimeError, match="found at least two devices, cpu and cuda:0!"):
        mg.ones(2) * mg.ones(2, device="cuda")


_CPU_AUXILIARY = {  # a CUDA input with a CPU target, weight or buffer, passed on as raw storage
    "cross_entropy target": lambda x: F.cross_entropy(x, mg.tensor([0, 2])),
    "nll_loss weight": lambda x: F.nll_loss(x.cpu().cuda(), mg.tensor([0, 2], device="cuda"),
                                            weight=mg.ones(3)),
    "bce_with_logits pos_weight": lambda x: F.binary_cross_entropy_with_logits(
        x, mg.ones(2, 3, device="cuda"), pos_weight=mg.ones(3)),
    "batch_norm running_mean": lambda x: F.batch_norm(x, mg.zeros(3), mg.ones(3), training=True),
    "embedding indices": lambda x: F.embedding(mg.tensor([0, 1]), x),
    "gather index": lambda x: mg.gather(x, 1, mg.tensor([[0], [2]])),
    "host weight, CPU op": lambda x: F.cross_entropy(x.cpu(), mg.tensor([0, 2]), weight=mg.ones(3, device="cuda")),
}


@pytest.mark.parametrize("call", _CPU_AUXILIARY)
def test_a_target_weight_or_buffer_on_the_other_device_is_the_same_error(call):
    with pytest.raises(RuntimeError, match=r"^Expected all tensors to be on the same device, but found at least "
                                           r"two devices, (cuda:0 and cpu|cpu and cuda:0)!$"):
        _CPU_AUXILIARY[call](mg.randn(2, 3, device="cuda"))


class _HostOnly(ArrayFunction):
    """An op whose Function does not declare ``runs_on_cuda``: it has no CUDA kernel."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


def test_an_op_without_a_cuda_kernel_says_so_instead_of_computing_on_the_host():
    with pytest.raises(NotImplementedError, match=r"^minigrad has no CUDA kernel for _HostOnly yet; move the "
                                                  r"tensor to the CPU with \.cpu\(\)$"):
        _HostOnly.apply(mg.ones(2, 3, device="cuda"))
    assert _HostOnly.apply(mg.ones(2, 3)).sum().item() == 12  # the CPU runs it


def test_a_missing_device_index_is_pytorchs_runtime_error():
    with pytest.raises(RuntimeError, match=r"^CUDA error: invalid device ordinal \(cuda:1 was asked for"):
        mg.zeros(2, device="cuda:1")
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        mg.ones(2).to("cuda:1")
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        mg.cuda.get_device_name(1)


def test_cuda_without_numba_cuda_says_what_to_install(without_numba_cuda):
    assert not mg.cuda.is_available() and mg.cuda.device_count() == 0
    assert mg.accelerator.current_accelerator() is None
    for ask in (lambda: mg.zeros(1, device="cuda"), lambda: mg.ones(2).cuda(), lambda: mg.nn.Linear(2, 2).cuda(),
                mg.cuda.synchronize, mg.cuda.current_device):
        with pytest.raises(AssertionError, match=r'^Torch not compiled with CUDA enabled\. .*pip install -e "\.\[cuda\]".*'
                                                 r"NUMBA_ENABLE_CUDASIM=1"):
            ask()


def test_moving_between_devices_is_recorded_as_pytorchs_to_copy():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    on_gpu = x.cuda()
    assert on_gpu.grad_fn.name() == "ToCopyBackward0" and not on_gpu.is_leaf
    back = (on_gpu * on_gpu).cpu()
    back.sum().backward()  # the gradient crosses back to the CPU leaf
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -4.0, 6.0])
    assert mg.ones(2).cuda().is_leaf  # nothing to record


def test_the_default_device_places_created_tensors_and_layers():
    with mg.device("cuda"):
        layer = mg.nn.Linear(3, 2)
        x = mg.randn(4, 3)
        assert x.device == layer.weight.device == layer.bias.device == mg.device("cuda:0")
        assert mg.tensor([1.0, 2.0]).device == mg.device("cuda:0")
        assert mg.arange(3).device == mg.device("cuda:0")
        loss = layer(x).sum()
    loss.backward()
    assert layer.weight.grad.device == mg.device("cuda:0")
    assert mg.zeros(1).device == mg.device("cpu")
    mg.set_default_device("cuda")
    try:
        assert mg.ones(1).device == mg.device("cuda:0") and mg.get_default_device() == mg.device("cuda:0")
    finally:
        mg.set_default_device(None)
    assert mg.ones(1).device == mg.device("cpu")
