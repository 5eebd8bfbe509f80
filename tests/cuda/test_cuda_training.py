"""Training on CUDA equals training on the CPU: a few steps of the examples' MNIST CNN, with
BatchNorm and Dropout, on ``device='cuda'`` and on the CPU from the same weights and batches.

The CNN is ``examples/mnist_cnn.py``'s class at widths (2, 4) on 8x8 images: the simulator runs
every GPU thread as a Python thread. Dropout draws its masks from the GPU's own generator on CUDA
and from the CPU's on the CPU, so the CPU run replays the masks the CUDA run drew.
"""
import copy
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.functions import dropout as dropout_function

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _example_cnn_class():
    sys.path.insert(0, str(EXAMPLES))  # mnist_cnn imports its sibling mnist_training
    try:
        spec = importlib.util.spec_from_file_location("mnist_cnn_example", EXAMPLES / "mnist_cnn.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLES))
    return module.CNN


def _train(model, optimizer, batches, device, masks, mode):
    """Run the steps; return the losses. ``mode`` 'record' keeps each dropout mask drawn (on the
    host), 'replay' hands them out again in the same order."""
    draw = dropout_function.dropout_mask

    def recorded(shape, p, dtype, dev):
        if mode == "replay":
            return masks.pop(0)
        mask = draw(shape, p, dtype, dev)
        masks.append(mask.to_host())
        return mask

    losses = []
    dropout_function.dropout_mask = recorded
    try:
        for images, labels in batches:
            optimizer.zero_grad()
            logits = model(mg.tensor(images, device=device))
            loss = mg.nn.functional.cross_entropy(logits, mg.tensor(labels, device=device))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    finally:
        dropout_function.dropout_mask = draw
    return losses


@pytest.mark.parametrize("make_optimizer", [
    lambda params: mg.optim.SGD(params, lr=0.1, momentum=0.9),
    lambda params: mg.optim.Adadelta(params, lr=1.0),
], ids=["sgd_momentum", "adadelta"])
def test_cnn_with_batch_norm_and_dropout_trains_on_cuda_as_on_cpu(make_optimizer):
    mg.manual_seed(0)
    cpu_model = _example_cnn_class()(batch_norm=True, dropout=0.25, widths=(2, 4), image_size=8)
    cuda_model = copy.deepcopy(cpu_model).cuda()
    rng = np.random.default_rng(0)
    batches = [(rng.random((4, 1, 8, 8), dtype=np.float32), rng.integers(0, 10, 4)) for _ in range(3)]
    masks = []
    cuda_losses = _train(cuda_model, make_optimizer(cuda_model.parameters()), batches, "cuda", masks, "record")
    assert masks and all(isinstance(m, np.ndarray) for m in masks)
    cpu_losses = _train(cpu_model, make_optimizer(cpu_model.parameters()), batches, "cpu", masks, "replay")
    assert not masks  # every mask replayed
    np.testing.assert_allclose(cuda_losses, cpu_losses, rtol=1e-5)
    assert cuda_losses[-1] != cuda_losses[0]  # it did train
    cpu_state, cuda_state = cpu_model.state_dict(), cuda_model.state_dict()
    for name, value in cpu_state.items():  # weights, BatchNorm's running statistics and counter
        assert cuda_state[name].device == mg.device("cuda:0")
        np.testing.assert_allclose(cuda_state[name].cpu().numpy(), value.numpy(), rtol=1e-4, atol=1e-6,
                                   err_msg=name)
