"""First and second derivatives of every op family against finite differences: ``gradcheck`` and
``gradgradcheck`` in float64 over the cases of ``double_backward_cases.py``, without PyTorch, so
they run where it is absent (``test_double_backward.py`` compares the same cases with PyTorch).
Also a custom Function whose backward is an op of its own with a wrong derivative, which
gradgradcheck must catch while gradcheck passes.

Finite differences cost two evaluations of the function per input element, and gradgradcheck's
inputs include the output gradients: cases with large shapes get smaller ones here, and a large
case without smaller shapes is checked in fast mode, so that a case added to the table cannot
make this file slow.
"""
from __future__ import annotations

import pytest

import minigrad as mg
from minigrad.autograd import Function, gradcheck, gradgradcheck
from minigrad.autograd.gradcheck import GradcheckError

from .double_backward_cases import CASES, marked, random_inputs

# Shapes for the cases whose own would take seconds here (inputs plus outputs of several hundred
# elements): fewer batches and channels first, so that each keeps its geometry (strides, dilation,
# ceil mode), and each still fits its case's function (channels divisible by groups, padding
# smaller than the padded size, sizes divisible by the shuffle factor).
SMALLER_SHAPES = {
    "conv2d": [(1, 2, 3, 3), (2, 2, 3, 3), (2,)],
    "conv2d_strided_dilated": [(1, 1, 5, 5), (2, 1, 2, 2)],
    "conv2d_grouped": [(1, 4, 2, 2), (2, 2, 2, 2)],
    "conv2d_depthwise": [(1, 3, 3, 3), (3, 1, 3, 3)],
    "conv2d_same_even_kernel": [(1, 1, 3, 4), (2, 1, 2, 4), (2,)],
    "conv2d_linear": [(1, 2, 3, 3), (2, 2, 2, 2), (2,)],
    "conv1d": [(1, 2, 4), (2, 2, 3), (2,)],
    "conv1d_strided_grouped": [(1, 4, 5), (2, 2, 3), (2,)],
    "conv_transpose2d": [(1, 2, 2, 2), (2, 2, 3, 3), (2,)],
    "conv_transpose2d_output_padding_groups": [(1, 2, 2, 2), (2, 1, 2, 2), (2,)],
    "conv_transpose2d_depthwise": [(1, 3, 2, 2), (3, 1, 2, 2)],
    "max_pool2d": [(1, 2, 4, 4)],
    "max_pool2d_dilated_ceil": [(1, 1, 6, 5)],
    "avg_pool2d": [(1, 2, 4, 4)],
    "avg_pool2d_divisor_override": [(1, 1, 5, 5)],
    "adaptive_avg_pool2d": [(1, 2, 5, 7)],
    "adaptive_max_pool2d": [(1, 2, 5, 5)],
    "pad_reflect": [(1, 1, 3, 3)],
    "pad_replicate": [(1, 1, 3, 3)],
    "pad_replicate_3d": [(1, 1, 3, 3, 2)],
    "pad_circular": [(1, 1, 3, 3)],
    "pad_circular_negative": [(1, 1, 4, 4)],
    "pixel_unshuffle": [(2, 1, 1, 2, 4)],
    "instance_norm": [(1, 2, 3, 3)],
}

# Above this many elements (inputs and output gradients), finite differences element by element
# take seconds: a case that large is checked in fast mode (along one random direction per input).
SLOW_MODE_MAX_ELEMENTS = 150

# A float32 round trip rounds the function's values by about 6e-8 relative, which a step of 1e-6
# turns into errors of 6e-2 in the difference quotient; the case is quadratic in its input and
# linear in the output gradient, so central differences are exact at any step: a large one.
OPTIONS = {"to_float32": {"eps": 1e-2}}

# Gradients that are PyTorch's conventions rather than derivatives, so gradcheck rejects them, in
# PyTorch too: the padding row gets none, and scale_grad_by_freq divides each row's by the count of
# its lookups. gradgradcheck still checks the derivative of such a gradient.
NOT_DERIVATIVES = {"embedding_padding_idx", "embedding_scale_grad_by_freq"}

# Second derivatives that disagree with finite differences of the gradient, as PyTorch's do.
AS_WRONG_AS_PYTORCH = {
    "embedding_scale_grad_by_freq": "the recorded backward looks the rows up without the 1/count of "
                                    "scale_grad_by_freq, as PyTorch's EmbeddingDenseBackwardBackward0 does",
}


def _leaves(shapes, seed: int) -> list:
    return [mg.tensor(a, dtype=mg.float64, requires_grad=True) for a in random_inputs(shapes, seed)]


@pytest.mark.parametrize("name, fn, shapes", marked(CASES, AS_WRONG_AS_PYTORCH))
def test_first_and_second_derivatives_match_finite_differences(name, fn, shapes):
    inputs = _leaves(SMALLER_SHAPES.get(name, shapes), seed=len(name))

    def func(*tensors):
        return fn(mg, *tensors)

    # Given output gradients (fixed, rather than drawn from the global generator), differentiated too.
    (grad_output,) = _leaves([tuple(func(*inputs).shape)], seed=len(name) + 1)
    elements = sum(t.numel() for t in inputs) + grad_output.numel()
    options = {"fast_mode": elements > SLOW_MODE_MAX_ELEMENTS, **OPTIONS.get(name, {})}
    if name in NOT_DERIVATIVES:
        assert not gradcheck(func, inputs, raise_exception=False, **options)
    else:
        assert gradcheck(func, inputs, **options)
    assert gradgradcheck(func, inputs, (grad_output,), **options)


def _sine(sign_of_second_derivative: float):
    """sin as a custom Function whose backward is an op of its own, ``SinBackward`` (grad, x) ->
    grad * cos(x), as minigrad's kernel ops are written; SinBackward's backward is the second
    derivative, right with sign -1 (d/dx grad * cos(x) = -grad * sin(x)), wrong with +1."""

    class SinBackward(Function):
        @staticmethod
        def forward(ctx, grad, x):
            ctx.save_for_backward(grad, x)
            return grad * x.cos()

        @staticmethod
        def backward(ctx, grad_grad_x):
            grad, x = ctx.saved_tensors
            return grad_grad_x * x.cos(), sign_of_second_derivative * grad_grad_x * grad * x.sin()

    class Sin(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return SinBackward.apply(grad, x)

    return Sin.apply


def test_gradgradcheck_passes_on_a_backward_op_with_the_right_derivative():
    (x,) = _leaves([(4,)], seed=0)
    assert gradgradcheck(_sine(-1.0), (x,))


def test_gradgradcheck_catches_a_backward_op_with_a_wrong_derivative():
    (x,) = _leaves([(4,)], seed=0)
    (grad_output,) = _leaves([(4,)], seed=1)
    wrong = _sine(+1.0)
    assert gradcheck(wrong, (x,))  # the first derivative is right
    # Input 0 is x (its term has the wrong sign); input 1, the output gradient, is right.
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0,"):
        gradgradcheck(wrong, (x,), (grad_output,))
    assert gradgradcheck(wrong, (x,), (grad_output,), raise_exception=False) is False
