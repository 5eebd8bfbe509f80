"""The op cases of the second-derivative tests, shared by ``test_double_backward.py`` (against
PyTorch) and ``test_gradgradcheck.py`` (against finite differences, without PyTorch); this module
must not import torch.

Each case is ``(name, fn, shapes)``: ``fn(lib, *tensors)`` is written once for both libraries
(``lib`` is ``minigrad`` or ``torch``) and takes float64 tensors of the given shapes
(``_positive(shape)``: values in [0.5, 2), for ops defined only there). The test modules import
it relatively (``from .double_backward_cases import ...``): under pytest's importlib mode a test
module is ``tests.core.<name>``, so its siblings are reachable that way and not by plain import.
"""
from __future__ import annotations

import numpy as np
import pytest


def _written(tensor, index, value):
    """``tensor`` (a non-leaf) after ``tensor[index] = value``."""
    tensor[index] = value
    return tensor


def _positive(shape):
    return ("positive", shape)


ELEMENTWISE = [
    ("add", lambda L, a, b: a + b * 2, [(3, 4), (4,)]),
    ("sub", lambda L, a, b: a - b, [(3, 4), (3, 4)]),
    ("mul", lambda L, a, b: a * b * a, [(3, 4), (3, 1)]),
    ("div", lambda L, a, b: a / b, [(3, 4), _positive((3, 4))]),
    ("pow_tensor", lambda L, a, b: a ** b, [_positive((3, 4)), (3, 4)]),
    ("pow_scalar", lambda L, a: a ** 3, [(3, 4)]),
    ("rpow", lambda L, a: 2.0 ** a, [(3, 4)]),
    ("neg", lambda L, a: -a * a, [(3, 4)]),
    ("exp", lambda L, a: a.exp(), [(3, 4)]),
    ("log", lambda L, a: a.log(), [_positive((3, 4))]),
    ("sqrt", lambda L, a: a.sqrt(), [_positive((3, 4))]),
    ("rsqrt", lambda L, a: a.rsqrt(), [_positive((3, 4))]),
    ("reciprocal", lambda L, a: a.reciprocal(), [_positive((3, 4))]),
    ("abs", lambda L, a: a.abs() * a, [(3, 4)]),
    ("sin", lambda L, a: a.sin(), [(3, 4)]),
    ("cos", lambda L, a: a.cos(), [(3, 4)]),
    ("tanh", lambda L, a: a.tanh(), [(3, 4)]),
    ("sigmoid", lambda L, a: a.sigmoid(), [(3, 4)]),
    ("square", lambda L, a: a.square(), [(3, 4)]),
    ("clamp", lambda L, a: a.clamp(-0.5, 0.5) * a, [(3, 4)]),
    ("maximum", lambda L, a, b: L.maximum(a, b) * a, [(3, 4), (3, 4)]),
    ("minimum", lambda L, a, b: L.minimum(a, b) * b, [(3, 4), (3, 4)]),
    ("where", lambda L, a, b: L.where(a > 0, a * a, b * b), [(3, 4), (3, 4)]),
    ("lerp", lambda L, a, b, w: L.lerp(a, b, w), [(3, 4), (3, 4), (3, 4)]),
    ("erf", lambda L, a: L.erf(a), [(3, 4)]),
    ("erfc", lambda L, a: L.erfc(a), [(3, 4)]),
]

REDUCTIONS = [
    ("sum", lambda L, a: (a * a).sum(1), [(3, 4)]),
    ("mean", lambda L, a: (a * a).mean(0, keepdim=True), [(3, 4)]),
    ("prod", lambda L, a: a.prod(1), [(3, 4)]),
    ("var", lambda L, a: a.var(1), [(3, 4)]),
    ("std", lambda L, a: a.std(0), [(3, 4)]),
    ("logsumexp", lambda L, a: a.logsumexp(1), [(3, 4)]),
    ("amax", lambda L, a: a.amax(1) * a.sum(), [(3, 4)]),
    ("max_dim", lambda L, a: a.max(1)[0] ** 2, [(3, 4)]),
    ("norm", lambda L, a: a.norm(dim=1), [(3, 4)]),
    ("cumsum", lambda L, a: (a * a).cumsum(1), [(3, 4)]),
    ("cumprod", lambda L, a: a.cumprod(1), [(3, 4)]),
    ("cumprod_with_zero", lambda L, a: (a * L.tensor([1.0, 0.0, 1.0, 1.0], dtype=L.float64)).cumprod(1), [(3, 4)]),
    ("prod_with_zero", lambda L, a: (a * L.tensor([1.0, 0.0, 1.0, 1.0], dtype=L.float64)).prod(1), [(3, 4)]),
    ("norm_p1", lambda L, a: L.linalg.vector_norm(a, 1, dim=0) * a.sum(), [(3, 4)]),
    ("norm_p3", lambda L, a: L.linalg.vector_norm(a, 3, dim=1, keepdim=True), [(3, 4)]),
    ("norm_inf", lambda L, a: L.linalg.vector_norm(a, float("inf")) * a.sum(), [(3, 4)]),
    ("amin_all", lambda L, a: a.min() * a, [(3, 4)]),
    ("median_like_kthvalue", lambda L, a: (a * a).sort(0, descending=True)[0][1], [(3, 4)]),
]

SHAPES = [
    ("reshape", lambda L, a: (a * a).reshape(4, 3), [(3, 4)]),
    ("permute", lambda L, a: (a * a).permute(1, 0), [(3, 4)]),
    ("expand", lambda L, a: (a * a).expand(2, 3, 4), [(3, 4)]),
    ("repeat", lambda L, a: (a * a).repeat(2, 1), [(3, 4)]),
    ("flip", lambda L, a: (a * a).flip(0), [(3, 4)]),
    ("cat", lambda L, a, b: L.cat([a * a, b * a], 0), [(3, 4), (3, 4)]),
    ("stack", lambda L, a, b: L.stack([a * b, b], 1), [(3, 4), (3, 4)]),
    ("split", lambda L, a: L.split(a * a, 2, 1)[1], [(3, 4)]),
    ("getitem_basic", lambda L, a: (a * a)[1:, ::2], [(3, 4)]),
    ("getitem_advanced", lambda L, a: (a * a)[[0, 2, 0]], [(3, 4)]),
    ("gather", lambda L, a: L.gather(a * a, 1, L.tensor([[0, 0], [1, 3], [2, 1]])), [(3, 4)]),
    ("index_select", lambda L, a: L.index_select(a * a, 0, L.tensor([2, 0, 2])), [(3, 4)]),
    ("masked_fill", lambda L, a: (a * a).masked_fill(a > 0, 0.5), [(3, 4)]),
    ("tril", lambda L, a: (a * a).tril(), [(4, 4)]),
    ("diagonal", lambda L, a: (a * a).diagonal(), [(4, 4)]),
    ("diag", lambda L, a: L.diag(a * a), [(4,)]),
    ("trace", lambda L, a: (a * a).trace(), [(4, 4)]),
    ("roll", lambda L, a: (a * a).roll(1, 1), [(3, 4)]),
    ("setitem", lambda L, a, b: _written(a * a, (L.tensor([0, 2]), slice(1, 3)), b[:2, :2] * b[1:, 2:]),
     [(3, 4), (3, 4)]),
    ("diagonal_offset", lambda L, a: (a * a).diagonal(1, 0, 2), [(3, 2, 4)]),
    ("unbind", lambda L, a: (a * a).unbind(1)[2], [(3, 4)]),
    ("sort", lambda L, a: (a * a).sort(1)[0], [(3, 4)]),
    ("topk", lambda L, a: (a * a).topk(2, 1)[0], [(3, 4)]),
    ("clone", lambda L, a: (a * a).clone(), [(3, 4)]),
    ("to_float32", lambda L, a: (a * a).float().double(), [(3, 4)]),
]

LINEAR_ALGEBRA = [
    ("matmul", lambda L, a, b: (a @ b) * (a @ b), [(3, 4), (4, 2)]),
    ("matmul_vector", lambda L, a, b: (a @ b) ** 2, [(3, 4), (4,)]),
    ("bmm", lambda L, a, b: L.bmm(a, b) ** 2, [(2, 3, 4), (2, 4, 2)]),
    ("addmm", lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2.0) ** 2, [(3, 2), (3, 4), (4, 2)]),
    ("outer", lambda L, a, b: L.outer(a, b) ** 2, [(3,), (4,)]),
    ("einsum", lambda L, a, b: L.einsum("ij,jk->ik", a, b) ** 2, [(3, 4), (4, 2)]),
    ("linear", lambda L, x, w, b: L.nn.functional.linear(x, w, b) ** 2, [(3, 4), (2, 4), (2,)]),
]

ACTIVATIONS = [
    ("relu", lambda L, a: L.relu(a) * a, [(3, 4)]),
    ("leaky_relu", lambda L, a: L.nn.functional.leaky_relu(a, 0.1) * a, [(3, 4)]),
    ("elu", lambda L, a: L.nn.functional.elu(a), [(3, 4)]),
    ("selu", lambda L, a: L.nn.functional.selu(a), [(3, 4)]),
    ("celu", lambda L, a: L.nn.functional.celu(a, 0.7), [(3, 4)]),
    ("silu", lambda L, a: L.nn.functional.silu(a), [(3, 4)]),
    ("gelu", lambda L, a: L.nn.functional.gelu(a), [(3, 4)]),
    ("gelu_tanh", lambda L, a: L.nn.functional.gelu(a, approximate="tanh"), [(3, 4)]),
    ("softplus", lambda L, a: L.nn.functional.softplus(a, beta=2.0), [(3, 4)]),
    ("mish", lambda L, a: L.nn.functional.mish(a), [(3, 4)]),
    ("logsigmoid", lambda L, a: L.nn.functional.logsigmoid(a), [(3, 4)]),
    ("hardtanh", lambda L, a: L.nn.functional.hardtanh(a) * a, [(3, 4)]),
    ("relu6", lambda L, a: L.nn.functional.relu6(a * 4) * a, [(3, 4)]),
    ("hardsigmoid", lambda L, a: L.nn.functional.hardsigmoid(a * 4) * a, [(3, 4)]),
    ("hardswish", lambda L, a: L.nn.functional.hardswish(a * 4), [(3, 4)]),
    ("softsign", lambda L, a: L.nn.functional.softsign(a), [(3, 4)]),
    ("tanhshrink", lambda L, a: L.nn.functional.tanhshrink(a), [(3, 4)]),
    ("softshrink", lambda L, a: L.nn.functional.softshrink(a, 0.3) * a, [(3, 4)]),
    ("hardshrink", lambda L, a: L.nn.functional.hardshrink(a, 0.3) * a, [(3, 4)]),
    ("prelu", lambda L, a, w: L.nn.functional.prelu(a, w) * a, [(2, 3, 4), (3,)]),
    ("glu", lambda L, a: L.nn.functional.glu(a, 1), [(3, 4)]),
    ("softmax", lambda L, a: L.softmax(a, 1), [(3, 4)]),
    ("log_softmax", lambda L, a: L.log_softmax(a, 0), [(3, 4)]),
    ("dropout_eval", lambda L, a: L.nn.functional.dropout(a * a, 0.5, training=False), [(3, 4)]),
    ("relu_inplace", lambda L, a: L.nn.functional.relu(a * 2, inplace=True) * a, [(3, 4)]),
    ("threshold", lambda L, a: L.nn.functional.threshold(a, 0.1, 2.0) * a, [(3, 4)]),
    ("softplus_threshold", lambda L, a: L.nn.functional.softplus(a * 4, beta=0.5, threshold=1.0) * a, [(3, 4)]),
    ("gelu_wide", lambda L, a: L.nn.functional.gelu(a * 3), [(3, 4)]),
    ("gelu_tanh_wide", lambda L, a: L.nn.functional.gelu(a * 3, approximate="tanh"), [(3, 4)]),
    ("softmax_inner_dim", lambda L, a: L.softmax(a, 0) * a, [(3, 2, 4)]),
    ("log_softmax_inner_dim", lambda L, a: L.log_softmax(a, 1) * a, [(2, 3, 4)]),
    ("prelu_shared", lambda L, a, w: L.nn.functional.prelu(a, w) * a, [(2, 3, 4), (1,)]),
    ("glu_inner_dim", lambda L, a: L.nn.functional.glu(a, 0) * a[:2], [(4, 3)]),
]

CONVOLUTIONS = [
    ("conv2d", lambda L, x, w, b: L.nn.functional.conv2d(x, w, b, padding=1) ** 2,
     [(2, 3, 5, 5), (4, 3, 3, 3), (4,)]),
    ("conv2d_strided_dilated", lambda L, x, w: L.nn.functional.conv2d(x, w, stride=2, dilation=2) ** 2,
     [(1, 2, 7, 7), (3, 2, 2, 2)]),
    ("conv2d_grouped", lambda L, x, w: L.nn.functional.conv2d(x, w, groups=2, padding=1) ** 2,
     [(2, 4, 5, 5), (6, 2, 3, 3)]),
    ("conv2d_depthwise", lambda L, x, w: L.nn.functional.conv2d(x, w, groups=3, padding="same") ** 2,
     [(2, 3, 5, 5), (3, 1, 3, 3)]),
    ("conv1d", lambda L, x, w, b: L.nn.functional.conv1d(x, w, b, padding=2) ** 2,
     [(2, 3, 7), (4, 3, 3), (4,)]),
    ("conv_transpose2d", lambda L, x, w, b: L.nn.functional.conv_transpose2d(x, w, b, stride=2, padding=1) ** 2,
     [(2, 3, 4, 4), (3, 2, 3, 3), (2,)]),
    ("conv_transpose1d", lambda L, x, w: L.nn.functional.conv_transpose1d(x, w, stride=2) ** 2,
     [(2, 3, 5), (3, 2, 3)]),
    ("conv2d_same_even_kernel", lambda L, x, w, b: L.nn.functional.conv2d(
        x, w, b, padding="same", dilation=(1, 2)) ** 2, [(2, 2, 5, 6), (3, 2, 2, 4), (3,)]),
    ("conv2d_asymmetric", lambda L, x, w: L.nn.functional.conv2d(
        x, w, stride=(2, 1), padding=(0, 2), dilation=(2, 1)) ** 2, [(1, 2, 7, 5), (2, 2, 2, 3)]),
    ("conv2d_linear", lambda L, x, w, b: L.nn.functional.conv2d(x, w, b) * x.sum(), [(2, 3, 4, 4), (2, 3, 3, 3), (2,)]),
    ("conv2d_constant_weight", lambda L, x: L.nn.functional.conv2d(
        x * x, L.arange(18, dtype=L.float64).reshape(2, 1, 3, 3) / 10) ** 2, [(2, 1, 4, 4)]),
    ("conv2d_unbatched", lambda L, x, w: L.nn.functional.conv2d(x, w, padding=1) ** 2, [(3, 4, 4), (2, 3, 3, 3)]),
    ("conv1d_strided_grouped", lambda L, x, w, b: L.nn.functional.conv1d(x, w, b, stride=2, padding=1, dilation=2,
                                                                          groups=2) ** 2,
     [(2, 4, 9), (6, 2, 3), (6,)]),
    ("conv1d_same_even_kernel", lambda L, x, w: L.nn.functional.conv1d(x, w, padding="same") ** 2,
     [(2, 2, 7), (3, 2, 4)]),
    ("conv1d_depthwise", lambda L, x, w: L.nn.functional.conv1d(x, w, groups=3) ** 2, [(2, 3, 7), (6, 1, 3)]),
    ("conv_transpose2d_output_padding_groups", lambda L, x, w, b: L.nn.functional.conv_transpose2d(
        x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2)) ** 2,
     [(2, 4, 3, 3), (4, 3, 2, 2), (6,)]),
    ("conv_transpose2d_depthwise", lambda L, x, w: L.nn.functional.conv_transpose2d(x, w, groups=3, stride=2) ** 2,
     [(1, 3, 3, 3), (3, 1, 3, 3)]),
    ("conv_transpose1d_dilated", lambda L, x, w, b: L.nn.functional.conv_transpose1d(
        x, w, b, stride=3, padding=2, output_padding=1, dilation=2) ** 2, [(2, 2, 4), (2, 3, 3), (3,)]),
    ("conv_transpose1d_unbatched", lambda L, x, w: L.nn.functional.conv_transpose1d(x, w, groups=2) ** 2,
     [(4, 5), (4, 1, 3)]),
]

# f(x) ** 2 rather than f(x): the gradient reaching a linear op's backward then depends on x, so
# the second derivative runs the backward's own backward (f(x * x) would only run f's backward).
POOLING = [
    ("max_pool2d", lambda L, x: L.nn.functional.max_pool2d(x, 2) ** 2, [(2, 3, 4, 4)]),
    ("max_pool2d_strided", lambda L, x: L.nn.functional.max_pool2d(x, 3, 2, 1) ** 2, [(1, 2, 5, 5)]),
    ("max_pool2d_dilated_ceil", lambda L, x: L.nn.functional.max_pool2d(x, 2, (2, 1), 1, (2, 1), ceil_mode=True) ** 2,
     [(2, 2, 6, 5)]),
    ("max_pool2d_unbatched", lambda L, x: L.nn.functional.max_pool2d(x * x, 3, 1) ** 2, [(2, 4, 5)]),
    ("max_pool1d", lambda L, x: L.nn.functional.max_pool1d(x, 2) ** 2, [(2, 3, 6)]),
    ("max_pool1d_overlapping", lambda L, x: L.nn.functional.max_pool1d(x, 3, 1, 1, ceil_mode=True) ** 2, [(2, 3, 7)]),
    ("avg_pool2d", lambda L, x: L.nn.functional.avg_pool2d(x, 2) ** 2, [(2, 3, 4, 4)]),
    ("avg_pool2d_padded", lambda L, x: L.nn.functional.avg_pool2d(x, 3, 2, 1) ** 2, [(1, 2, 5, 5)]),
    ("avg_pool2d_ceil_exclude_pad", lambda L, x: L.nn.functional.avg_pool2d(
        x, 3, 2, 1, ceil_mode=True, count_include_pad=False) ** 2, [(1, 2, 6, 6)]),
    ("avg_pool2d_divisor_override", lambda L, x: L.nn.functional.avg_pool2d(
        x, (2, 3), (1, 2), (1, 1), divisor_override=5) ** 2, [(2, 2, 5, 5)]),
    ("avg_pool2d_unbatched", lambda L, x: L.nn.functional.avg_pool2d(x, 2, 1) ** 2, [(2, 3, 4)]),
    ("avg_pool1d", lambda L, x: L.nn.functional.avg_pool1d(x, 2) ** 2, [(2, 3, 6)]),
    ("avg_pool1d_ceil_padded", lambda L, x: L.nn.functional.avg_pool1d(
        x, 3, 2, 1, ceil_mode=True, count_include_pad=False) ** 2, [(2, 3, 8)]),
    ("adaptive_avg_pool2d", lambda L, x: L.nn.functional.adaptive_avg_pool2d(x, (2, 3)) ** 2, [(2, 3, 5, 7)]),
    ("adaptive_avg_pool2d_upsampling", lambda L, x: L.nn.functional.adaptive_avg_pool2d(x, (5, 4)) ** 2,
     [(1, 2, 3, 3)]),
    ("adaptive_avg_pool1d", lambda L, x: L.nn.functional.adaptive_avg_pool1d(x, 4) ** 2, [(2, 3, 7)]),
    ("adaptive_max_pool2d", lambda L, x: L.nn.functional.adaptive_max_pool2d(x, 2) ** 2, [(2, 3, 5, 5)]),
    ("adaptive_max_pool2d_overlapping", lambda L, x: L.nn.functional.adaptive_max_pool2d(x, (3, 4)) ** 2,
     [(1, 2, 5, 6)]),
    ("adaptive_max_pool1d", lambda L, x: L.nn.functional.adaptive_max_pool1d(x, 3) ** 2, [(2, 3, 7)]),
    ("max_unpool2d", lambda L, x: L.nn.functional.max_unpool2d(
        *L.nn.functional.max_pool2d(x, 2, return_indices=True), 2) ** 2, [(1, 2, 4, 4)]),
    ("max_unpool2d_output_size", lambda L, x, y: L.nn.functional.max_unpool2d(
        y * y, L.nn.functional.max_pool2d(x, 2, return_indices=True)[1], 2, output_size=(5, 5)) ** 2,
     [(1, 2, 5, 5), (1, 2, 2, 2)]),
    ("max_unpool1d", lambda L, x: L.nn.functional.max_unpool1d(
        *L.nn.functional.max_pool1d(x, 2, return_indices=True), 2) ** 2, [(2, 2, 6)]),
]

RESAMPLING = [
    ("pad_constant", lambda L, x: L.nn.functional.pad(x, (1, 2, 0, 1)) ** 2, [(2, 3, 4)]),
    ("pad_constant_negative", lambda L, x: L.nn.functional.pad(x, (-1, 2, 1, -2), value=0.5) ** 2, [(2, 4, 4)]),
    ("pad_reflect", lambda L, x: L.nn.functional.pad(x, (1, 2, 2, 1), mode="reflect") ** 2, [(2, 3, 4, 4)]),
    ("pad_reflect_1d", lambda L, x: L.nn.functional.pad(x, (2, 3), mode="reflect") ** 2, [(2, 3, 5)]),
    ("pad_replicate", lambda L, x: L.nn.functional.pad(x, (1, 2, 2, 1), mode="replicate") ** 2, [(2, 3, 4, 4)]),
    ("pad_replicate_3d", lambda L, x: L.nn.functional.pad(x, (1, 0, 2, 1, 0, 2), mode="replicate") ** 2,
     [(1, 2, 3, 3, 2)]),
    ("pad_circular", lambda L, x: L.nn.functional.pad(x, (1, 2, 2, 1), mode="circular") ** 2, [(2, 3, 4, 4)]),
    ("pad_circular_negative", lambda L, x: L.nn.functional.pad(x, (-1, 2, 1, 0), mode="circular") ** 2,
     [(2, 3, 4, 4)]),
    ("interpolate_nearest", lambda L, x: L.nn.functional.interpolate(x, scale_factor=2) ** 2, [(1, 2, 3, 3)]),
    ("interpolate_nearest_1d", lambda L, x: L.nn.functional.interpolate(x, size=7) ** 2, [(2, 2, 3)]),
    ("interpolate_bilinear", lambda L, x: L.nn.functional.interpolate(
        x, size=(5, 4), mode="bilinear", align_corners=False) ** 2, [(1, 2, 3, 3)]),
    ("interpolate_bilinear_align_corners", lambda L, x: L.nn.functional.interpolate(
        x, scale_factor=(1.5, 2.5), mode="bilinear", align_corners=True) ** 2, [(1, 2, 3, 4)]),
    ("interpolate_linear", lambda L, x: L.nn.functional.interpolate(x, scale_factor=2.5, mode="linear") ** 2,
     [(2, 2, 3)]),
    ("interpolate_area", lambda L, x: L.nn.functional.interpolate(x, size=(2, 3), mode="area") ** 2, [(1, 2, 5, 6)]),
    ("pixel_shuffle", lambda L, x: L.nn.functional.pixel_shuffle(x, 2) ** 2, [(1, 4, 2, 3)]),
    ("pixel_shuffle_unbatched", lambda L, x: L.nn.functional.pixel_shuffle(x, 3) ** 2, [(9, 2, 1)]),
    ("pixel_unshuffle", lambda L, x: L.nn.functional.pixel_unshuffle(x, 2) ** 2, [(2, 1, 3, 4, 6)]),
    ("unfold", lambda L, x: L.nn.functional.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)) ** 2,
     [(2, 2, 4, 5)]),
    ("unfold_unbatched", lambda L, x: L.nn.functional.unfold(x, 2, stride=2) ** 2, [(2, 4, 3)]),
    ("fold", lambda L, x: L.nn.functional.fold(x, (4, 5), (2, 2), padding=(1, 0), stride=(2, 1)) ** 2, [(2, 12, 12)]),
    ("fold_unbatched", lambda L, x: L.nn.functional.fold(x, 3, 2, dilation=2, padding=1) ** 2, [(8, 9)]),
    ("unfold_matmul_fold", lambda L, x, w: L.nn.functional.fold(
        w @ L.nn.functional.unfold(x, 3, padding=1), (3, 4), 1), [(2, 2, 3, 4), (3, 18)]),
]

NORMALIZATION = [
    ("batch_norm_train", lambda L, x, w, b: L.nn.functional.batch_norm(
        x, None, None, w, b, training=True) ** 2, [(4, 3, 2, 2), (3,), (3,)]),
    ("batch_norm_eval", lambda L, x, w, b: L.nn.functional.batch_norm(
        x, L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64), w, b, training=False) ** 2,
     [(4, 3, 2, 2), (3,), (3,)]),
    ("layer_norm", lambda L, x, w, b: L.nn.functional.layer_norm(x, (4,), w, b) ** 2, [(3, 4), (4,), (4,)]),
    ("group_norm", lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b) ** 2, [(2, 4, 3), (4,), (4,)]),
    ("rms_norm", lambda L, x, w: L.nn.functional.rms_norm(x, (4,), w, eps=1e-3) ** 2, [(3, 4), (4,)]),
    ("scaled_dot_product_attention", lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, is_causal=True), [(2, 3, 4), (2, 3, 4), (2, 3, 2)]),
    ("instance_norm", lambda L, x: L.nn.functional.instance_norm(x) ** 2, [(2, 3, 4, 4)]),
    ("normalize", lambda L, x: L.nn.functional.normalize(x, dim=1), [(3, 4)]),
    ("batch_norm_train_no_affine", lambda L, x: L.nn.functional.batch_norm(x, None, None, training=True) ** 2,
     [(4, 3, 2, 2)]),
    ("batch_norm_train_running_stats", lambda L, x, w, b: L.nn.functional.batch_norm(
        x, L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64), w, b, training=True, momentum=0.3) ** 2,
     [(4, 3, 5), (3,), (3,)]),
    ("batch_norm_1d", lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, training=True) ** 2,
     [(5, 3), (3,), (3,)]),
    ("batch_norm_eval_no_affine", lambda L, x: L.nn.functional.batch_norm(
        x, L.tensor([0.125, -0.25, 0.375], dtype=L.float64), L.tensor([0.5, 1.5, 2.0], dtype=L.float64)) ** 2,
     [(4, 3, 2)]),
    ("layer_norm_no_affine", lambda L, x: L.nn.functional.layer_norm(x, (3, 4)) ** 2, [(2, 3, 4)]),
    ("layer_norm_2d_shape", lambda L, x, w, b: L.nn.functional.layer_norm(x, (3, 4), w, b, eps=0.1) ** 2,
     [(2, 3, 4), (3, 4), (3, 4)]),
    ("group_norm_no_affine", lambda L, x: L.nn.functional.group_norm(x, 3) ** 2, [(2, 6, 4)]),
    ("group_norm_4d", lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b) ** 2, [(2, 4, 3, 3), (4,), (4,)]),
    ("instance_norm_affine", lambda L, x, w, b: L.nn.functional.instance_norm(x, weight=w, bias=b) ** 2,
     [(2, 3, 4), (3,), (3,)]),
    ("instance_norm_running_stats", lambda L, x: L.nn.functional.instance_norm(
        x, L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64)) ** 2, [(2, 3, 2, 2)]),
    ("instance_norm_eval", lambda L, x: L.nn.functional.instance_norm(
        x, L.tensor([0.125, -0.25, 0.375], dtype=L.float64), L.tensor([0.5, 1.5, 2.0], dtype=L.float64),
        use_input_stats=False) ** 2, [(2, 3, 4)]),
    ("normalize_p1", lambda L, x: L.nn.functional.normalize(x, p=1.0, dim=0), [(3, 4)]),
    ("cosine_similarity_dim0", lambda L, x, y: L.nn.functional.cosine_similarity(x, y, dim=0), [(3, 4), (3, 4)]),
]

LOSSES = [
    ("mse_loss", lambda L, x, y: L.nn.functional.mse_loss(x, y), [(3, 4), (3, 4)]),
    ("l1_loss", lambda L, x, y: L.nn.functional.l1_loss(x * x, y), [(3, 4), (3, 4)]),
    ("smooth_l1_loss", lambda L, x, y: L.nn.functional.smooth_l1_loss(x * 3, y), [(3, 4), (3, 4)]),
    ("huber_loss", lambda L, x, y: L.nn.functional.huber_loss(x * 3, y, delta=0.5), [(3, 4), (3, 4)]),
    ("cross_entropy", lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([0, 3, 1])), [(3, 4)]),
    ("cross_entropy_smoothing", lambda L, x: L.nn.functional.cross_entropy(
        x, L.tensor([0, 3, 1]), label_smoothing=0.1, reduction="sum"), [(3, 4)]),
    ("cross_entropy_probabilities", lambda L, x, p: L.nn.functional.cross_entropy(x, p.softmax(1)),
     [(3, 4), (3, 4)]),
    ("nll_loss", lambda L, x: L.nn.functional.nll_loss(x.log_softmax(1), L.tensor([0, 3, 1])), [(3, 4)]),
    ("binary_cross_entropy", lambda L, x, y: L.nn.functional.binary_cross_entropy(x.sigmoid(), y.sigmoid()),
     [(3, 4), (3, 4)]),
    ("bce_with_logits", lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(x, y.sigmoid()),
     [(3, 4), (3, 4)]),
    ("kl_div", lambda L, x, y: L.nn.functional.kl_div(x.log_softmax(1), y.softmax(1), reduction="batchmean"),
     [(3, 4), (3, 4)]),
    ("soft_margin_loss", lambda L, x: L.nn.functional.soft_margin_loss(x, L.tensor([1.0, -1.0, 1.0]).double()),
     [(3,)]),
    ("cosine_similarity", lambda L, x, y: L.nn.functional.cosine_similarity(x, y), [(3, 4), (3, 4)]),
    ("pairwise_distance", lambda L, x, y: L.nn.functional.pairwise_distance(x, y), [(3, 4), (3, 4)]),
    ("cdist", lambda L, x, y: L.cdist(x, y), [(3, 4), (2, 4)]),
    ("mse_loss_sum", lambda L, x, y: L.nn.functional.mse_loss(x * x, y, reduction="sum"), [(3, 4), (3, 4)]),
    ("mse_loss_none", lambda L, x, y: L.nn.functional.mse_loss(x, y * x, reduction="none"), [(3, 4), (3, 4)]),
    ("smooth_l1_loss_beta", lambda L, x, y: L.nn.functional.smooth_l1_loss(x * 3, y, beta=0.5, reduction="sum"),
     [(3, 4), (3, 4)]),
    ("cross_entropy_weighted_ignore", lambda L, x: L.nn.functional.cross_entropy(
        x, L.tensor([0, -100, 1, 3]), weight=L.tensor([1.0, 2.0, 0.5, 3.0], dtype=L.float64)), [(4, 4)]),
    ("cross_entropy_ignore_smoothing", lambda L, x: L.nn.functional.cross_entropy(
        x, L.tensor([0, 2, 1, 3]), weight=L.tensor([1.0, 2.0, 0.5, 3.0], dtype=L.float64), ignore_index=1,
        label_smoothing=0.3), [(4, 4)]),
    ("cross_entropy_spatial", lambda L, x: L.nn.functional.cross_entropy(
        x, L.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]]), reduction="none"), [(2, 3, 2, 2)]),
    ("cross_entropy_unbatched", lambda L, x: L.nn.functional.cross_entropy(x * x, L.tensor(2)), [(4,)]),
    ("cross_entropy_probabilities_weighted", lambda L, x, p, w: L.nn.functional.cross_entropy(
        x, p.softmax(1), weight=w.exp(), label_smoothing=0.2, reduction="sum"), [(3, 4), (3, 4), (4,)]),
    ("nll_loss_weighted_ignore", lambda L, x: L.nn.functional.nll_loss(
        x.log_softmax(1), L.tensor([0, 3, -100, 1]), weight=L.tensor([1.0, 2.0, 0.5, 3.0], dtype=L.float64)),
     [(4, 4)]),
    ("nll_loss_spatial_none", lambda L, x: L.nn.functional.nll_loss(
        x.log_softmax(1) * x, L.tensor([[0, 2, 1, 1], [2, 0, 0, 1]]), reduction="none"), [(2, 3, 4)]),
    ("binary_cross_entropy_weighted", lambda L, x: L.nn.functional.binary_cross_entropy(
        x.sigmoid(), L.tensor([[0.125, 0.875, 0.5], [1.0, 0.0, 0.375]], dtype=L.float64),
        weight=L.tensor([0.5, 2.0, 1.0], dtype=L.float64), reduction="sum"), [(2, 3)]),
    ("bce_with_logits_pos_weight", lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(
        x * x, L.tensor([[0.125, 0.875, 0.5], [1.0, 0.0, 0.375]], dtype=L.float64),
        weight=L.tensor([0.5, 2.0, 1.0], dtype=L.float64), pos_weight=L.tensor([3.0, 0.5, 1.0], dtype=L.float64)),
     [(2, 3)]),
    ("bce_with_logits_pos_weight_target", lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(
        x, y.sigmoid(), pos_weight=L.tensor([3.0, 0.5, 1.0], dtype=L.float64)), [(2, 3), (2, 3)]),
    ("kl_div_log_target", lambda L, x, y: L.nn.functional.kl_div(
        x.log_softmax(1), y.log_softmax(1), reduction="sum", log_target=True), [(3, 4), (3, 4)]),
    ("kl_div_none", lambda L, x, y: L.nn.functional.kl_div(x * x, y.softmax(1), reduction="none"),
     [(3, 4), (3, 4)]),
    ("l1_loss_sum", lambda L, x, y: L.nn.functional.l1_loss(x * y, y, reduction="sum"), [(3, 4), (3, 4)]),
    ("margin_ranking_loss", lambda L, a, b: L.nn.functional.margin_ranking_loss(
        a * a, b * a, L.tensor([1.0, -1.0, 1.0, -1.0], dtype=L.float64), margin=0.1), [(4,), (4,)]),
    ("hinge_embedding_loss", lambda L, x: L.nn.functional.hinge_embedding_loss(
        x * x, L.tensor([1.0, -1.0, 1.0, -1.0], dtype=L.float64), margin=2.0), [(4,)]),
    ("cosine_embedding_loss", lambda L, a, b: L.nn.functional.cosine_embedding_loss(
        a, b, L.tensor([1.0, -1.0, -1.0], dtype=L.float64), margin=-0.5), [(3, 4), (3, 4)]),
    ("triplet_margin_loss", lambda L, a, p, n: L.nn.functional.triplet_margin_loss(a, p, n, margin=5.0),
     [(3, 4), (3, 4), (3, 4)]),
    ("triplet_margin_loss_swap", lambda L, a, p, n: L.nn.functional.triplet_margin_loss(
        a, p, n, margin=5.0, swap=True), [(3, 4), (3, 4), (3, 4)]),
    ("pairwise_distance_p3", lambda L, x, y: L.nn.functional.pairwise_distance(x, y, p=3.0), [(3, 4), (3, 4)]),
    ("poisson_nll_loss", lambda L, x, y: L.nn.functional.poisson_nll_loss(x, y.exp()), [(3, 4), (3, 4)]),
    ("poisson_nll_loss_full", lambda L, x, y: L.nn.functional.poisson_nll_loss(
        x.exp(), (y * 2).exp(), log_input=False, full=True), [(3, 4), (3, 4)]),
    ("gaussian_nll_loss", lambda L, x, y, v: L.nn.functional.gaussian_nll_loss(x, y, v.exp(), full=True),
     [(3, 4), (3, 4), (3, 4)]),
    ("gaussian_nll_loss_shared_var", lambda L, x, y, v: L.nn.functional.gaussian_nll_loss(x, y * y, v.exp()),
     [(3, 4), (3, 4), (3,)]),
]

def _rolled_product(t):
    """t times t rolled along dim 0: a second derivative that couples different lookups."""
    return t * t.roll(1, 0)


EMBEDDING = [
    ("embedding", lambda L, w: L.nn.functional.embedding(L.tensor([[0, 2], [2, 1]]), w) ** 2, [(3, 4)]),
    ("embedding_padding_idx", lambda L, w: L.nn.functional.embedding(L.tensor([[0, 2], [2, 1]]), w, padding_idx=2) ** 2,
     [(3, 4)]),
    ("embedding_scale_grad_by_freq", lambda L, w: _rolled_product(L.nn.functional.embedding(
        L.tensor([[0, 2], [2, 1], [2, 3]]), w, padding_idx=0, scale_grad_by_freq=True)), [(4, 3)]),
    ("one_hot_matmul", lambda L, w: L.nn.functional.one_hot(L.tensor([0, 2]), 3).double() @ (w * w), [(3, 4)]),
]

CASES = ELEMENTWISE + REDUCTIONS + SHAPES + LINEAR_ALGEBRA + ACTIVATIONS + CONVOLUTIONS + POOLING + RESAMPLING + \
    NORMALIZATION + LOSSES + EMBEDDING


def random_inputs(shapes, seed: int) -> list:
    """float64 arrays of the given shapes (standard normal, or uniform in [0.5, 2) for ``_positive``)."""
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in shapes:
        if isinstance(shape, tuple) and shape and shape[0] == "positive":
            arrays.append(rng.uniform(0.5, 2.0, shape[1]))
        else:
            arrays.append(rng.standard_normal(shape))
    return arrays


# Ops whose double backward is still being written (issue 9): each must pass once done. These two
# read numpy.log1p in their backward, which records once minigrad has log1p (issue 9, point 6).
NOT_YET: set = set()

# PyTorch itself raises for these second derivatives; minigrad may do better but is not compared.
PYTORCH_HAS_NO_DOUBLE_BACKWARD = {"hardsigmoid", "cdist"}


def marked(cases: list, known_failures: dict[str, str] | None = None) -> list:
    """``cases`` as pytest parameters named after the op; those in NOT_YET, and those named in
    ``known_failures`` (name: reason), as strict xfails."""
    reasons = dict.fromkeys(NOT_YET, "double backward not written yet") | (known_failures or {})
    return [pytest.param(*case, id=case[0], marks=[pytest.mark.xfail(strict=True, reason=reasons[case[0]])]
                         if case[0] in reasons else []) for case in cases]
