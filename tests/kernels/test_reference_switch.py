"""``minigrad.use_reference_kernels()``: the layers, losses and optimizer run on the plain-loop
reference kernels inside the block and give the fast kernels' numbers; the switch is undone on
exit and on an exception, touches no other thread, and covers every kernel the framework calls."""
import contextlib
import importlib
import inspect
import pathlib
import re
import threading

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad._device import CPU, kernel_module

REPO = pathlib.Path(__file__).resolve().parents[2]


def train_tiny_cnn(dtype, on_reference: bool, steps: int = 3):
    """Losses and final parameters of a conv-BN-ReLU-maxpool-linear net after ``steps`` SGD steps."""
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(27, 4)).to(dtype)
    optimizer = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    x = minigrad.tensor(rng.standard_normal((5, 1, 6, 6)), dtype=dtype)
    y = minigrad.tensor(rng.integers(0, 4, 5))
    losses = []
    with minigrad.use_reference_kernels() if on_reference else contextlib.nullcontext():
        for _ in range(steps):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("dtype, tol", [(minigrad.float64, dict(rtol=1e-10, atol=1e-12)),
                                        (minigrad.float32, dict(rtol=1e-5, atol=1e-6))])
def test_tiny_cnn_trains_the_same_on_reference_kernels(dtype, tol, monkeypatch):
    calls = []
    for module, name in [("conv2d", "conv2d_backward"), ("max_pool2d", "max_pool2d_forward"),
                         ("batch_norm", "batch_norm_backward"), ("relu", "relu_forward"),
                         ("gemm", "matmul"), ("cross_entropy", "cross_entropy_forward"), ("sgd", "sgd_step")]:
        routed_module = importlib.import_module(f"minigrad.kernels.reference.routed.{module}")
        original = getattr(routed_module, name)
        monkeypatch.setattr(routed_module, name,
                            lambda *args, _f=original, _n=name, **kwargs: calls.append(_n) or _f(*args, **kwargs))
    fast_losses, fast_params = train_tiny_cnn(dtype, on_reference=False)
    assert calls == []
    reference_losses, reference_params = train_tiny_cnn(dtype, on_reference=True)
    assert {"conv2d_backward", "max_pool2d_forward", "batch_norm_backward", "relu_forward", "matmul",
            "cross_entropy_forward", "sgd_step"} <= set(calls)
    np.testing.assert_allclose(reference_losses, fast_losses, **tol)
    assert fast_losses[-1] < fast_losses[0]  # it trained
    for fast, reference in zip(fast_params, reference_params):
        assert reference.dtype == fast.dtype
        np.testing.assert_allclose(reference, fast, **tol)


def test_embedding_layer_norm_gelu_model_trains_the_same_with_adamw():
    """The other routed families: embedding, padding, resizing, GELU, layer norm, log-softmax/NLL, AdamW."""
    def train(on_reference: bool):
        minigrad.manual_seed(0)
        embed, norm, head = nn.Embedding(7, 4, padding_idx=0), nn.LayerNorm(9), nn.Linear(9, 3)
        model = nn.ModuleList([embed, norm, head]).to(minigrad.float64)
        optimizer = minigrad.optim.AdamW(model.parameters(), lr=0.05, amsgrad=True)
        tokens, target = minigrad.tensor([[1, 2, 0], [3, 3, 6]]), minigrad.tensor([0, 2, 1, 1, 2, 0])
        losses = []
        with minigrad.use_reference_kernels() if on_reference else contextlib.nullcontext():
            for _ in range(3):
                optimizer.zero_grad()
                padded = F.pad(embed(tokens), (1, 1), mode="replicate")  # (2, 3, 6)
                hidden = F.gelu(norm(F.interpolate(padded, size=9, mode="nearest")))
                loss = F.nll_loss(F.log_softmax(head(hidden).reshape(6, 3), dim=1), target)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        return losses, [p.detach().numpy().copy() for p in model.parameters()]

    fast_losses, fast_params = train(False)
    reference_losses, reference_params = train(True)
    np.testing.assert_allclose(reference_losses, fast_losses, rtol=1e-10)
    for fast, reference in zip(fast_params, reference_params):
        np.testing.assert_allclose(reference, fast, rtol=1e-9, atol=1e-12)


def test_switch_is_undone_on_exit_and_on_exception():
    fast = kernel_module("conv2d", CPU)
    with minigrad.use_reference_kernels():
        assert kernel_module("conv2d", CPU).__name__ == "minigrad.kernels.reference.routed.conv2d"
    assert kernel_module("conv2d", CPU) is fast
    with pytest.raises(ZeroDivisionError):
        with minigrad.use_reference_kernels():
            1 / 0
    assert kernel_module("conv2d", CPU) is fast
    with minigrad.use_reference_kernels():
        with minigrad.use_reference_kernels():  # nests
            pass
        assert kernel_module("relu", CPU).__name__ == "minigrad.kernels.reference.routed.relu"
    assert kernel_module("relu", CPU).__name__ == "minigrad.kernels.relu"


def test_another_thread_keeps_the_fast_kernels():
    seen = {}
    inside, checked = threading.Event(), threading.Event()

    def other_thread():
        inside.wait()
        seen["other"] = kernel_module("softmax", CPU).__name__
        checked.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with minigrad.use_reference_kernels():
        inside.set()
        checked.wait()
        seen["switched"] = kernel_module("softmax", CPU).__name__
    thread.join()
    assert seen == {"other": "minigrad.kernels.softmax", "switched": "minigrad.kernels.reference.routed.softmax"}


def _framework_source() -> str:
    return "\n".join(path.read_text() for path in (REPO / "minigrad").rglob("*.py"))


def _kernel_names_called(source: str) -> set[str]:
    """Module names given to kernel_module (kernels are called by name: ``kernel_module("conv2d",
    device).conv2d_forward``), so that grep finds each kernel's callers."""
    return set(re.findall(r'kernel_module\("(\w+)"', source))


def test_every_kernel_the_framework_calls_has_a_routed_module_with_its_entry_points():
    """For each kernel module the layers reach through the device table, the routed module of that
    name defines each of the fast module's functions that the framework names."""
    source = _framework_source()
    names = _kernel_names_called(source)
    assert {"conv2d", "relu", "sgd", "adam", "cross_entropy", "padding"} <= names
    for name in sorted(names):
        fast = importlib.import_module(f"minigrad.kernels.{name}")
        reference = importlib.import_module(f"minigrad.kernels.reference.routed.{name}")
        # Entry points are plain Python functions (the numba loops they drive are dispatchers).
        public = [f for f, value in vars(fast).items()
                  if inspect.isfunction(value) and not f.startswith("_") and value.__module__ == fast.__name__]
        used = [f for f in public if re.search(rf"\.{f}\b", source)]
        assert used, name
        missing = [f for f in used if not hasattr(reference, f)]
        assert not missing, (name, missing)
        assert not any(getattr(reference, f) is getattr(fast, f) for f in used), name  # a reference, not the kernel


def test_no_kernel_is_imported_around_the_device_table():
    """The switch sees every kernel call only if the framework reaches kernels through kernel_module:
    no module of minigrad imports a kernel module directly (the thread-count helpers excepted, the
    determinism flag, and the CUDA package's backend and array type, which minigrad/_cuda_backend.py
    reads)."""
    imports = re.findall(r"from \.+kernels(?:\.(\w+))? import", _framework_source())
    assert set(imports) <= {"_threads", "determinism", "cuda"}, imports
