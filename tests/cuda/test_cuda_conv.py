"""Convolutions on CUDA tensors (the Functions in minigrad/functions/conv.py over the kernels in
minigrad.kernels.cuda): forward and backward on device='cuda' against the same ops on the CPU, for
conv1d, conv2d, conv_transpose1d/2d and nn.Conv2d, on tiny shapes."""
import numpy as np
import pytest

import minigrad as mg

F = mg.nn.functional


def forward_and_grads(device, op, arrays, grad_out, **kwargs):
    """op(*arrays on device, **kwargs) and the gradients of its inputs for grad_out, as host arrays."""
    inputs = [None if a is None else mg.tensor(a, device=device, requires_grad=True) for a in arrays]
    out = op(*inputs, **kwargs)
    assert out.device.type == device
    out.backward(mg.tensor(grad_out, device=device))
    return [out.detach().cpu().numpy()] + [t.grad.cpu().numpy() for t in inputs if t is not None]


CASES = {
    "conv2d, grouped, strided": (F.conv2d, (2, 4, 5, 5), (4, 2, 3, 3), True,
                                 dict(stride=2, padding=1, groups=2)),
    "conv2d, same, dilated": (F.conv2d, (2, 2, 5, 6), (3, 2, 2, 2), False, dict(padding="same", dilation=2)),
    "conv2d, depthwise": (F.conv2d, (1, 2, 4, 4), (4, 1, 3, 3), True, dict(padding=(1, 0), groups=2)),
    "conv1d": (F.conv1d, (2, 3, 7), (2, 3, 3), True, dict(stride=2, padding=1)),
    "conv_transpose2d": (F.conv_transpose2d, (2, 2, 3, 3), (2, 3, 3, 3), True,
                         dict(stride=2, padding=1, output_padding=1)),
    "conv_transpose1d, grouped": (F.conv_transpose1d, (2, 2, 4), (2, 2, 3), False,
                                  dict(stride=2, output_padding=1, groups=2)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_functional_forward_and_backward_match_the_cpu(case):
    op, x_shape, w_shape, with_bias, kwargs = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    weight = rng.standard_normal(w_shape).astype(np.float32)
    transposed = op in (F.conv_transpose1d, F.conv_transpose2d)
    out_channels = w_shape[1] * kwargs.get("groups", 1) if transposed else w_shape[0]
    bias = rng.standard_normal(out_channels).astype(np.float32) if with_bias else None
    out_shape = op(mg.tensor(x), mg.tensor(weight), None if bias is None else mg.tensor(bias), **kwargs).shape
    grad_out = rng.standard_normal(tuple(out_shape)).astype(np.float32)
    on_cpu = forward_and_grads("cpu", op, (x, weight, bias), grad_out, **kwargs)
    on_gpu = forward_and_grads("cuda", op, (x, weight, bias), grad_out, **kwargs)
    for got, want in zip(on_gpu, on_cpu):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_conv2d_module_on_cuda_matches_the_cpu():
    mg.manual_seed(0)
    module = mg.nn.Conv2d(2, 4, kernel_size=(2, 3), stride=(1, 2), padding=1, groups=2)
    x = np.random.default_rng(1).standard_normal((2, 2, 4, 5)).astype(np.float32)
    results = {}
    for device in ("cpu", "cuda"):
        module.to(device)
        module.zero_grad()
        inputs = mg.tensor(x, device=device, requires_grad=True)
        out = module(inputs)
        out.backward(mg.ones_like(out))
        results[device] = [t.detach().cpu().numpy() for t in (out, inputs.grad, module.weight.grad, module.bias.grad)]
    assert module.weight.grad.device.type == "cuda"
    for got, want in zip(results["cuda"], results["cpu"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_second_derivative_through_the_backward_op_matches_the_cpu():
    # grad_x = B_x^T(g; w) is ConvolutionBackward; its own backward gives d<grad_x, gg>/dw.
    rng = np.random.default_rng(2)
    x, weight, grad_out, grad_grad = (rng.standard_normal(shape).astype(np.float32)
                                      for shape in ((1, 2, 4, 4), (2, 2, 3, 3), (1, 2, 2, 2), (1, 2, 4, 4)))
    weight_grads = {}
    for device in ("cpu", "cuda"):
        inputs = mg.tensor(x, device=device, requires_grad=True)
        w = mg.tensor(weight, device=device, requires_grad=True)
        (grad_x,) = mg.autograd.grad(F.conv2d(inputs, w), (inputs,), mg.tensor(grad_out, device=device),
                                     create_graph=True)
        grad_x.backward(mg.tensor(grad_grad, device=device))
        weight_grads[device] = w.grad.cpu().numpy()
    assert np.abs(weight_grads["cpu"]).max() > 0
    np.testing.assert_allclose(weight_grads["cuda"], weight_grads["cpu"], rtol=1e-5, atol=1e-5)
