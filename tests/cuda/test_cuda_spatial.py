"""Pooling, unpooling, padding, resizing, sliding blocks and embedding on CUDA tensors against the same ops on the
CPU: forward values and input gradients through ``nn.functional``, tiny shapes, float32 and float64.

Their Functions declare ``runs_on_cuda`` and call the CUDA twins in ``minigrad.kernels.cuda``
(kernel-level tests in tests/cuda/kernels)."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F


def _on(x: mg.Tensor, values) -> mg.Tensor:
    """A constant tensor (indices, ...) on x's device."""
    return mg.tensor(values, device=x.device)


def _unpool(x):
    pooled, indices = F.max_pool2d(x, 3, 1, 1, return_indices=True)  # overlapping windows
    return F.max_unpool2d(pooled, indices, 3, 1, 1)


def _embedding(weight):
    indices = _on(weight, np.array([[1, 3, 1], [0, 3, 3]]))
    return F.embedding(indices, weight, padding_idx=0, scale_grad_by_freq=True)


# (name, fn, input shape, dtype)
CASES = [
    ("max_pool2d", lambda x: F.max_pool2d(x, (3, 2), (2, 1), 1, (1, 2), ceil_mode=True), (1, 2, 5, 6), np.float32),
    ("max_pool1d_unbatched", lambda x: F.max_pool1d(x, 3, 2, 1), (2, 7), np.float64),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (2, 4)), (1, 2, 5, 6), np.float32),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (1, 2, 5, 6), np.float32),
    ("avg_pool2d_divisor", lambda x: F.avg_pool2d(x, 2, 1, divisor_override=3), (2, 1, 4, 3), np.float64),
    ("avg_pool1d", lambda x: F.avg_pool1d(x, 3, 2, 1), (1, 2, 7), np.float32),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (1, 2, 5, 6), np.float64),
    ("max_unpool2d", _unpool, (1, 2, 4, 5), np.float32),
    ("pad_reflect", lambda x: F.pad(x, (2, 1, 3, 0), mode="reflect"), (1, 2, 4, 5), np.float32),
    ("pad_replicate_3d", lambda x: F.pad(x, (1, 0, 2, 1, 0, 2), mode="replicate"), (1, 1, 2, 3, 3), np.float64),
    ("pad_circular_cropping", lambda x: F.pad(x, (2, -1, 1, 3), mode="circular"), (1, 2, 3, 4), np.float32),
    ("pad_constant", lambda x: F.pad(x, (1, 2, -1, 1), value=0.5), (2, 3, 4), np.float32),
    ("interpolate_nearest", lambda x: F.interpolate(x, scale_factor=(1.5, 0.7)), (1, 2, 4, 5), np.float32),
    ("interpolate_bilinear", lambda x: F.interpolate(x, size=(6, 3), mode="bilinear", align_corners=True),
     (1, 2, 4, 5), np.float64),
    ("interpolate_linear", lambda x: F.interpolate(x, size=9, mode="linear"), (1, 2, 5), np.float32),
    ("interpolate_area", lambda x: F.interpolate(x, size=(2, 3), mode="area"), (1, 2, 5, 6), np.float32),
    ("embedding", _embedding, (4, 3), np.float32),
    ("unfold", lambda x: F.unfold(x, (2, 3), dilation=2, padding=1, stride=(1, 2)), (2, 2, 4, 5), np.float32),
    ("fold", lambda x: F.fold(x, (3, 4), 2, padding=1), (2, 8, 20), np.float32),
]


def _run(fn, x: np.ndarray, device: str, upstream: np.ndarray):
    tensor = mg.tensor(x, device=device, requires_grad=True)
    out = fn(tensor)
    (out * mg.tensor(upstream, device=device)).sum().backward()
    return out, tensor.grad


@pytest.mark.parametrize("name, fn, shape, dtype", CASES, ids=[c[0] for c in CASES])
def test_op_on_cuda_matches_cpu(name, fn, shape, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    probe = fn(mg.tensor(x))
    upstream = np.random.default_rng(1).standard_normal(probe.shape).astype(dtype)
    cpu_out, cpu_grad = _run(fn, x, "cpu", upstream)
    cuda_out, cuda_grad = _run(fn, x, "cuda", upstream)
    assert cuda_out.device == mg.device("cuda:0") and cuda_grad.device == mg.device("cuda:0")
    assert cuda_out.dtype == cpu_out.dtype and cuda_out.shape == cpu_out.shape
    np.testing.assert_allclose(cuda_out.cpu().detach().numpy(), cpu_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cuda_grad.cpu().numpy(), cpu_grad.numpy(), rtol=1e-5, atol=1e-6)


def test_max_pool_indices_match_cpu():
    x = np.random.default_rng(2).standard_normal((1, 2, 5, 5)).astype(np.float32)
    _, cpu_indices = F.max_pool2d(mg.tensor(x), 2, 1, return_indices=True)
    _, cuda_indices = F.max_pool2d(mg.tensor(x, device="cuda"), 2, 1, return_indices=True)
    assert cuda_indices.device == mg.device("cuda:0") and cuda_indices.dtype == mg.int64
    np.testing.assert_array_equal(cuda_indices.cpu().numpy(), cpu_indices.numpy())


def test_convolution_is_a_matrix_product_of_the_unfolded_input():
    """conv2d(x, w) == (w.view(O, -1) @ unfold(x)).view(N, O, OH, OW) on CUDA tensors too."""
    rng = np.random.default_rng(3)
    x = mg.tensor(rng.standard_normal((2, 2, 4, 5)), device="cuda")
    w = mg.tensor(rng.standard_normal((3, 2, 3, 2)), device="cuda")
    out = F.conv2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2))
    by_product = (w.view(3, -1) @ F.unfold(x, (3, 2), dilation=(1, 2), padding=1, stride=(2, 1))).view(out.shape)
    assert by_product.device == mg.device("cuda:0")
    np.testing.assert_allclose(by_product.cpu().numpy(), out.cpu().numpy(), rtol=1e-12, atol=1e-12)
