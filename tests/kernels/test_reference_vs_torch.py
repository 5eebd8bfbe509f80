"""The oracles validated: the plain-loop references (minigrad.kernels.reference) against PyTorch's
autograd on a few configurations per concept, forward and backward, in float64. The fast kernels are
tested against these references, so a reference that drifted from PyTorch would hide their bugs."""
import numpy as np
import pytest

from minigrad.kernels.reference import adaptive_pool2d, avg_pool2d, batch_norm, conv2d, conv_transpose2d
from minigrad.kernels.reference import cross_entropy, group_norm, im2col, layer_norm, max_pool2d, nll_loss, softmax

torch = pytest.importorskip("torch")
F = torch.nn.functional
TOL = dict(rtol=1e-10, atol=1e-10)


def leaves(rng, *shapes):
    """Random float64 arrays and the torch leaves that share their values."""
    arrays = [rng.standard_normal(shape) for shape in shapes]
    return arrays, [torch.tensor(a, requires_grad=True) for a in arrays]


def backward(out, rng):
    """Backpropagate a random grad_out through torch's ``out``; returns it as an array."""
    grad_out = rng.standard_normal(tuple(out.shape))
    out.backward(torch.tensor(grad_out))
    return grad_out


def assert_grads(ours, leaves_):
    for got, leaf in zip(ours, leaves_):
        np.testing.assert_allclose(got, leaf.grad.numpy(), **TOL)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, dilation, groups", [
    ((2, 3, 7, 6), (4, 3, 3, 2), (1, 2), (0, 1, 2, 1), (1, 1), 1),  # dense, even kernel, asymmetric
    ((2, 4, 8, 7), (6, 2, 3, 3), (2, 1), (1, 1, 0, 2), (2, 1), 2),  # grouped, dilated, strided
    ((1, 3, 6, 6), (6, 1, 2, 3), (1, 1), (0, 1, 2, 2), (1, 2), 3),  # depthwise, multiplier 2, 'same'
])
def test_conv2d(x_shape, w_shape, stride, padding, dilation, groups):
    rng = np.random.default_rng(0)
    (x, w, b), tensors = leaves(rng, x_shape, w_shape, w_shape[0])
    top, bottom, left, right = padding
    out = F.conv2d(F.pad(tensors[0], (left, right, top, bottom)), tensors[1], tensors[2], stride, 0, dilation, groups)
    args = (stride, padding, dilation, groups)
    np.testing.assert_allclose(conv2d.conv2d_forward(x, w, b, *args), out.detach().numpy(), **TOL)
    assert_grads(conv2d.conv2d_backward(backward(out, rng), x, w, *args), tensors)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, output_padding, dilation, groups", [
    ((2, 2, 3, 4), (2, 3, 3, 2), (2, 3), (1, 0), (1, 2), (1, 1), 1),
    ((1, 4, 3, 3), (4, 2, 2, 3), (1, 2), (0, 1), (1, 0), (2, 1), 2),
    ((2, 3, 4, 3), (3, 2, 3, 3), (2, 2), (1, 1), (0, 1), (1, 2), 3),  # depthwise, multiplier 2
])
def test_conv_transpose2d(x_shape, w_shape, stride, padding, output_padding, dilation, groups):
    rng = np.random.default_rng(1)
    (x, w, b), tensors = leaves(rng, x_shape, w_shape, w_shape[1] * groups)
    out = F.conv_transpose2d(*tensors, stride, padding, output_padding, groups, dilation)
    args = (stride, padding, output_padding, dilation, groups)
    np.testing.assert_allclose(conv_transpose2d.conv_transpose2d_forward(x, w, b, *args), out.detach().numpy(), **TOL)
    assert_grads(conv_transpose2d.conv_transpose2d_backward(backward(out, rng), x, w, *args), tensors)


def test_im2col_is_unfold_and_col2im_is_fold():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 7, 6))
    params = dict(kernel_size=(3, 2), dilation=(1, 2), padding=(1, 2), stride=(2, 1))
    out_hw = conv2d.conv2d_output_size((7, 6), (3, 2), (2, 1), (1, 1, 2, 2), (1, 2))
    args = ((3, 2), out_hw, (2, 1), (1, 2), (1, 2))
    cols = im2col.im2col(x, *args)  # (C*kH*kW, N*L); unfold gives (N, C*kH*kW, L)
    unfolded = F.unfold(torch.tensor(x), **params).numpy()
    np.testing.assert_array_equal(cols.reshape(cols.shape[0], 2, -1).transpose(1, 0, 2), unfolded)
    folded = F.fold(torch.tensor(unfolded), (7, 6), **params).numpy()
    np.testing.assert_allclose(im2col.col2im(cols, x.shape, *args), folded, **TOL)


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode", [
    ((2, 2), (2, 2), (0, 0), (1, 1), False),
    ((3, 2), (2, 1), (1, 1), (2, 1), True),
    ((3, 3), (2, 3), (1, 0), (1, 2), True),
])
def test_max_pool2d(kernel, stride, padding, dilation, ceil_mode):
    rng = np.random.default_rng(3)
    x = np.round(rng.standard_normal((2, 3, 7, 8)) * 2)  # coarse grid: ties
    tx = torch.tensor(x, requires_grad=True)
    out, indices = F.max_pool2d(tx, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    ref_out, ref_indices = max_pool2d.max_pool2d_forward(x, kernel, stride, padding, dilation, ceil_mode)
    np.testing.assert_array_equal(ref_out, out.detach().numpy())
    np.testing.assert_array_equal(ref_indices, indices.numpy())
    grad_out = backward(out, rng)
    np.testing.assert_allclose(max_pool2d.max_pool2d_backward(grad_out, ref_indices, x.shape[2:]), tx.grad.numpy(),
                               **TOL)


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode, count_include_pad, divisor_override", [
    ((2, 2), (2, 2), (0, 0), False, True, None),
    ((3, 3), (2, 2), (1, 1), True, True, None),
    ((3, 2), (2, 1), (1, 1), True, False, None),
    ((2, 3), (1, 2), (1, 0), False, False, 5),
])
def test_avg_pool2d(kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    rng = np.random.default_rng(4)
    (x,), (tx,) = leaves(rng, (2, 3, 6, 7))
    params = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    out = F.avg_pool2d(tx, *params)
    np.testing.assert_allclose(avg_pool2d.avg_pool2d_forward(x, *params), out.detach().numpy(), **TOL)
    grad_out = backward(out, rng)
    np.testing.assert_allclose(avg_pool2d.avg_pool2d_backward(grad_out, x.shape[2:], *params), tx.grad.numpy(),
                               **TOL)


@pytest.mark.parametrize("output_size", [(1, 1), (3, 2), (7, 9)])
def test_adaptive_pool2d(output_size):
    rng = np.random.default_rng(5)
    x = np.round(rng.standard_normal((2, 3, 5, 7)) * 2)
    tx = torch.tensor(x, requires_grad=True)
    out = F.adaptive_avg_pool2d(tx, output_size)
    np.testing.assert_allclose(adaptive_pool2d.adaptive_avg_pool2d_forward(x, output_size), out.detach().numpy(),
                               **TOL)
    grad_out = backward(out, rng)
    np.testing.assert_allclose(adaptive_pool2d.adaptive_avg_pool2d_backward(grad_out, x.shape[2:]), tx.grad.numpy(),
                               **TOL)

    tx = torch.tensor(x, requires_grad=True)
    out, indices = F.adaptive_max_pool2d(tx, output_size, return_indices=True)
    ref_out, ref_indices = adaptive_pool2d.adaptive_max_pool2d_forward(x, output_size)
    np.testing.assert_array_equal(ref_out, out.detach().numpy())
    np.testing.assert_array_equal(ref_indices, indices.numpy())
    grad_out = backward(out, rng)
    np.testing.assert_allclose(adaptive_pool2d.adaptive_max_pool2d_backward(grad_out, ref_indices, x.shape[2:]),
                               tx.grad.numpy(), **TOL)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2, 3)])
def test_batch_norm(shape, training):
    rng = np.random.default_rng(6)
    C = shape[1]
    (x, weight, bias), tensors = leaves(rng, shape, C, C)
    running_mean, running_var = rng.standard_normal(C), rng.uniform(0.5, 2.0, C)
    rm, rv = torch.tensor(running_mean), torch.tensor(running_var)
    out = F.batch_norm(tensors[0], rm, rv, tensors[1], tensors[2], training, momentum=1.0, eps=1e-3)
    if training:
        ref_out, mean, invstd, var_unbiased = batch_norm.batch_norm_forward_train(x, weight, bias, 1e-3)
        np.testing.assert_allclose(mean, rm.numpy(), **TOL)  # momentum 1: the batch statistics
        np.testing.assert_allclose(var_unbiased, rv.numpy(), **TOL)
    else:
        ref_out = batch_norm.batch_norm_forward_eval(x, running_mean, running_var, weight, bias, 1e-3)
        mean, invstd = running_mean, 1 / np.sqrt(running_var + 1e-3)
    np.testing.assert_allclose(ref_out, out.detach().numpy(), **TOL)
    grads = batch_norm.batch_norm_backward(backward(out, rng), x, mean, invstd, weight, training)
    assert_grads(grads, tensors)


@pytest.mark.parametrize("shape, normalized_shape", [((4, 5), (5,)), ((2, 3, 4), (3, 4))])
def test_layer_norm(shape, normalized_shape):
    rng = np.random.default_rng(7)
    (x, weight, bias), tensors = leaves(rng, shape, normalized_shape, normalized_shape)
    out = F.layer_norm(tensors[0], normalized_shape, tensors[1], tensors[2], 1e-5)
    ref_out, mean, invstd = layer_norm.layer_norm_forward(x, normalized_shape, weight, bias, 1e-5)
    np.testing.assert_allclose(ref_out, out.detach().numpy(), **TOL)
    assert_grads(layer_norm.layer_norm_backward(backward(out, rng), x, normalized_shape, mean, invstd, weight), tensors)


@pytest.mark.parametrize("shape, groups", [((3, 6, 4), 3), ((2, 4, 2, 3), 4), ((2, 4, 3), 1)])
def test_group_norm(shape, groups):
    rng = np.random.default_rng(8)
    (x, weight, bias), tensors = leaves(rng, shape, shape[1], shape[1])
    out = F.group_norm(tensors[0], groups, tensors[1], tensors[2], 1e-5)
    ref_out, mean, invstd = group_norm.group_norm_forward(x, groups, weight, bias, 1e-5)
    np.testing.assert_allclose(ref_out, out.detach().numpy(), **TOL)
    assert_grads(group_norm.group_norm_backward(backward(out, rng), x, mean, invstd, weight), tensors)


@pytest.mark.parametrize("shape, dim", [((7,), 0), ((3, 4), 1), ((2, 3, 4), 0), ((2, 3, 2), -2)])
def test_softmax_and_log_softmax(shape, dim):
    rng = np.random.default_rng(9)
    for torch_fn, forward, backward_fn in [(torch.softmax, softmax.softmax_forward, softmax.softmax_backward),
                                           (torch.log_softmax, softmax.log_softmax_forward,
                                            softmax.log_softmax_backward)]:
        (x,), (tx,) = leaves(rng, shape)
        out = torch_fn(tx, dim)
        ref_out = forward(x, dim)
        np.testing.assert_allclose(ref_out, out.detach().numpy(), **TOL)
        np.testing.assert_allclose(backward_fn(backward(out, rng), ref_out, dim), tx.grad.numpy(), **TOL)


@pytest.mark.parametrize("probabilities, weighted, ignore_index, smoothing", [
    (False, False, -100, 0.0), (False, True, 2, 0.0), (False, True, 1, 0.3), (True, False, -100, 0.0),
    (True, True, -100, 0.2),
])
def test_cross_entropy(probabilities, weighted, ignore_index, smoothing):
    rng = np.random.default_rng(10)
    M, C = 9, 5
    (x,), (tx,) = leaves(rng, (M, C))
    if probabilities:
        target = rng.dirichlet(np.ones(C), M)
    else:
        target = rng.integers(0, C, M)
        target[::4] = ignore_index
    weight = rng.uniform(0.2, 2.0, C) if weighted else None
    out = F.cross_entropy(tx, torch.tensor(target), None if weight is None else torch.tensor(weight),
                          ignore_index=ignore_index, reduction="none", label_smoothing=smoothing)
    losses, denominator = cross_entropy.cross_entropy_forward(x, target, weight, ignore_index, smoothing)
    np.testing.assert_allclose(losses, out.detach().numpy(), **TOL)
    mean = F.cross_entropy(tx, torch.tensor(target), None if weight is None else torch.tensor(weight),
                           ignore_index=ignore_index, reduction="mean", label_smoothing=smoothing)
    np.testing.assert_allclose(losses.sum() / denominator, mean.item(), **TOL)
    grad_out = backward(out, rng)
    np.testing.assert_allclose(cross_entropy.cross_entropy_backward(grad_out, x, target, weight, ignore_index,
                                                                    smoothing), tx.grad.numpy(), **TOL)


@pytest.mark.parametrize("weighted, ignore_index", [(False, -100), (True, 1)])
def test_nll_loss(weighted, ignore_index):
    rng = np.random.default_rng(11)
    log_probs = np.log(rng.dirichlet(np.ones(4), 7))
    target = rng.integers(0, 4, 7)
    target[::3] = ignore_index
    weight = rng.uniform(0.5, 2.0, 4) if weighted else None
    tlp = torch.tensor(log_probs, requires_grad=True)
    tweight = None if weight is None else torch.tensor(weight)
    out = F.nll_loss(tlp, torch.tensor(target), tweight, ignore_index=ignore_index, reduction="none")
    losses, total_weight = nll_loss.nll_loss_forward(log_probs, target, weight, ignore_index)
    np.testing.assert_allclose(losses, out.detach().numpy(), **TOL)
    mean = F.nll_loss(tlp, torch.tensor(target), tweight, ignore_index=ignore_index, reduction="mean")
    np.testing.assert_allclose(losses.sum() / total_weight, mean.item(), **TOL)
    grad_out = backward(out, rng)
    np.testing.assert_allclose(nll_loss.nll_loss_backward(grad_out, log_probs, target, weight, ignore_index),
                               tlp.grad.numpy(), **TOL)
