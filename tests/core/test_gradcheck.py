"""gradcheck and gradgradcheck: PyTorch's signatures, failures on wrong backwards (slow and fast
mode), each option either working as in PyTorch or refused by name, PyTorch's errors and messages."""
import inspect
import sys
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.autograd.gradcheck import GradcheckError


def _square(m, *, factor=2.0, noise=0.0, leak=0.0):
    """x * x as a custom Function of module ``m`` (minigrad or torch) whose backward is
    grad * (factor * x + noise * randn) + leak: right with the defaults."""

    class Square(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * (factor * x + noise * m.randn_like(x)) + leak

    return Square


def _leaf(m, values=(0.5, -1.25, 2.0)):
    return m.tensor(values, dtype=m.float64, requires_grad=True)


def _outcome(call):
    """What ``call()`` does: ('returns', value) or ('raises', exception type name, message)."""
    try:
        return "returns", call()
    except Exception as error:  # noqa: BLE001  (the outcome is the thing compared)
        return "raises", type(error).__name__, str(error)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ---- signatures and keywords ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["gradcheck", "gradgradcheck"])
def test_signature_is_pytorchs(name, torch):
    ours = inspect.signature(getattr(mg.autograd, name)).parameters.values()
    theirs = inspect.signature(getattr(torch.autograd, name)).parameters.values()
    assert [(p.name, p.kind, p.default) for p in ours] == [(p.name, p.kind, p.default) for p in theirs]


@pytest.mark.parametrize("name", ["gradcheck", "gradgradcheck"])
@pytest.mark.parametrize("keyword", ["raise_exceptions", "check_batched_grads", "tolerance"])
def test_an_unknown_keyword_raises_type_error(name, keyword, same_error):
    same_error(lambda m: getattr(m.autograd, name)(lambda x: x * 2, (_leaf(m),), **{keyword: True}))


def test_gradcheck_error_lives_where_pytorchs_does(torch):
    assert issubclass(GradcheckError, RuntimeError)
    assert sys.modules["minigrad.autograd.gradcheck"].GradcheckError is GradcheckError
    assert sys.modules["torch.autograd.gradcheck"].GradcheckError.__mro__[1] is RuntimeError


@pytest.mark.parametrize("call, option", [
    (lambda: gradcheck(lambda x: x * 2, (_leaf(mg),), check_forward_ad=True), "check_forward_ad"),
    (lambda: gradcheck(lambda x: x * 2, (_leaf(mg),), check_batched_grad=True), "check_batched_grad"),
    (lambda: gradcheck(lambda x: x * 2, (_leaf(mg),), check_forward_ad=True, check_batched_forward_grad=True),
     "check_forward_ad"),
    (lambda: gradcheck(lambda x: x * 2, (_leaf(mg),), check_forward_ad=True, check_backward_ad=False),
     "check_forward_ad"),
    (lambda: gradgradcheck(lambda x: x * 2, (_leaf(mg),), check_fwd_over_rev=True), "check_fwd_over_rev"),
    (lambda: gradgradcheck(lambda x: x * 2, (_leaf(mg),), check_batched_grad=True), "check_batched_grad"),
], ids=["forward-ad", "batched-grad", "batched-forward-grad", "forward-ad-only", "fwd-over-rev",
        "gradgrad-batched-grad"])
def test_an_option_minigrad_cannot_honour_raises_not_implemented_naming_it(call, option):
    with pytest.raises(NotImplementedError, match=f"{option}=True needs"):
        call()


@pytest.mark.parametrize("name, options", [
    ("gradcheck", {"check_backward_ad": False}),
    ("gradcheck", {"check_batched_grad": True, "check_backward_ad": False}),
    ("gradcheck", {"check_batched_forward_grad": True}),
    ("gradgradcheck", {"check_rev_over_rev": False}),
    ("gradgradcheck", {"check_rev_over_rev": False, "check_fwd_over_rev": True}),
    ("gradgradcheck", {"check_rev_over_rev": False, "check_undefined_grad": False, "check_batched_grad": True}),
])
def test_contradictory_options_raise_pytorchs_assertion(name, options, same_error):
    same_error(lambda m: getattr(m.autograd, name)(lambda x: x * 2, (_leaf(m),), **options))


# ---- inputs ---------------------------------------------------------------------------------------
def test_no_input_requiring_grad_raises_pytorchs_value_error(same_error):
    same_error(lambda m: m.autograd.gradcheck(lambda x: x * 2, (m.ones(2, dtype=m.float64),)))


def test_an_input_with_a_zero_stride_raises_pytorchs_error(same_error):
    same_error(lambda m: m.autograd.gradcheck(
        lambda x: x * 2, (m.ones(1, dtype=m.float64).expand(3).requires_grad_(),)))


def test_a_single_precision_input_gets_pytorchs_warning(torch):
    messages = []
    for m in (torch, mg):
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            assert m.autograd.gradcheck(lambda x: x * 2, (m.ones(2, requires_grad=True),), eps=1e-3, atol=1e-2)
        messages.append([str(r.message) for r in records])
    assert messages[1] == messages[0] == [
        "Input #0 requires gradient and is not a double precision floating point or complex. This check will "
        "likely fail if all the inputs are not of double precision floating point or complex. "]


def test_a_float64_input_gets_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda x: x.exp(), (_leaf(mg),))


# ---- the Jacobian check -------------------------------------------------------------------------
@pytest.mark.parametrize("fast_mode", [False, True], ids=["slow", "fast"])
def test_a_right_backward_passes(fast_mode, torch):
    for m in (torch, mg):
        assert m.autograd.gradcheck(_square(m).apply, (_leaf(m),), fast_mode=fast_mode) is True


@pytest.mark.parametrize("fast_mode", [False, True], ids=["slow", "fast"])
def test_a_wrong_backward_fails_as_in_pytorch(fast_mode, torch):
    first_lines = []
    for m in (torch, mg):
        wrong = _square(m, factor=1.0).apply  # d(x*x)/dx is 2x, not x
        with pytest.raises(sys.modules[f"{m.__name__}.autograd.gradcheck"].GradcheckError) as error:
            m.autograd.gradcheck(wrong, (_leaf(m),), fast_mode=fast_mode)
        assert m.autograd.gradcheck(wrong, (_leaf(m),), fast_mode=fast_mode, raise_exception=False) is False
        first_lines.append(str(error.value).split("\n")[0])
        if fast_mode:
            assert "Below, we recompute numerical and analytical jacobians in slow mode" in str(error.value)
    assert first_lines[1] == first_lines[0] == "Jacobian mismatch for output 0 with respect to input 0,"


def test_the_message_shows_both_jacobians_and_the_worst_element():
    x = _leaf(mg, (1.0, 2.0, 3.0))
    with pytest.raises(GradcheckError) as error:
        gradcheck(_square(mg, factor=1.0).apply, (x,))
    message = str(error.value)
    assert ("numerical:tensor([[2.0000, 0.0000, 0.0000],\n        [0.0000, 4.0000, 0.0000],\n"
            "        [0.0000, 0.0000, 6.0000]]") in message
    assert "analytical:tensor([[1., 0., 0.],\n        [0., 2., 0.],\n        [0., 0., 3.]]" in message
    assert "worst element: d output[2] / d input[2] (flat indices): numerical 6, analytical 3" in message


def test_outputs_and_inputs_are_numbered_among_those_that_require_grad(torch):
    def fn(m):
        wrong = _square(m, factor=3.0).apply

        def f(a, scale, frozen, b):
            return (a * scale * frozen).detach(), a * b, wrong(b)  # output 0 requires no grad

        return f

    outcomes = []
    for m in (torch, mg):
        inputs = (_leaf(m), 2.0, m.ones(3, dtype=m.float64), _leaf(m, (1.0, 3.0, -2.0)))
        outcomes.append(_outcome(lambda: m.autograd.gradcheck(fn(m), inputs)))
    assert outcomes[1][:2] == outcomes[0][:2] == ("raises", "GradcheckError")
    expected = "Jacobian mismatch for output 1 with respect to input 1,"
    assert outcomes[1][2].split("\n")[0] == outcomes[0][2].split("\n")[0] == expected


def test_non_contiguous_inputs_are_perturbed_in_place_correctly():
    data = np.random.default_rng(0).standard_normal((4, 3))
    x = mg.from_numpy(np.asfortranarray(data)).requires_grad_()
    assert not x.is_contiguous()
    assert gradcheck(lambda t: (t @ t.t()).tanh(), (x,))
    np.testing.assert_array_equal(x.detach().numpy(), data)  # restored bit for bit


@pytest.mark.parametrize("fast_mode", [False, True], ids=["slow", "fast"])
def test_without_differentiable_outputs_the_numerical_gradient_must_be_zero(fast_mode, torch):
    for m in (torch, mg):
        x = _leaf(m)
        assert m.autograd.gradcheck(lambda t: m.ones(2, dtype=m.float64), (x,), fast_mode=fast_mode)
        depends = lambda t: (t * 2).detach()  # noqa: E731  (depends on t, but records no gradient)
        assert m.autograd.gradcheck(depends, (x,), fast_mode=fast_mode, raise_exception=False) is False


def test_a_multi_output_function_that_handles_missing_gradients_passes(torch):
    def split(m):
        class Split(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g2, g3):
                grads = [g * k for g, k in ((g2, 2), (g3, 3)) if g is not None]
                return sum(grads[1:], grads[0]) if grads else None

        return Split

    for m in (torch, mg):
        assert m.autograd.gradcheck(split(m).apply, (_leaf(m),))


# ---- nondet_tol, check_undefined_grad, masked, check_grad_dtypes ------------------------------------
@pytest.mark.parametrize("nondet_tol, passes", [(0.0, False), (1e-6, True)])
def test_nondet_tol_bounds_the_difference_between_two_backward_runs(nondet_tol, passes, torch):
    outcomes = []
    for m in (torch, mg):
        noisy = _square(m, noise=1e-9).apply  # backward differs from run to run by ~1e-9
        outcomes.append(_outcome(lambda: m.autograd.gradcheck(noisy, (_leaf(m),), nondet_tol=nondet_tol)))
    if passes:
        assert outcomes[1] == outcomes[0] == ("returns", True)
    else:
        assert outcomes[1][:2] == outcomes[0][:2] == ("raises", "GradcheckError")
        assert outcomes[1][2].startswith("Backward is not reentrant, i.e., running backward with same input and "
                                         "grad_output multiple times gives different values")
        assert "The tolerance for nondeterminism was 0.0." in outcomes[1][2]


@pytest.mark.parametrize("masked, check_undefined_grad", [(False, True), (False, False), (True, True),
                                                          (True, False)])
def test_a_backward_not_linear_in_grad_output_is_caught(masked, check_undefined_grad, torch):
    outcomes = []
    for m in (torch, mg):
        leaky = _square(m, leak=1e-12).apply  # a tiny gradient even when the output gradient is zero
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcomes.append(_outcome(lambda: m.autograd.gradcheck(
                leaky, (_leaf(m),), masked=masked, check_undefined_grad=check_undefined_grad)))
    assert outcomes[1] == outcomes[0]
    if not masked:
        assert outcomes[1] == ("raises", "GradcheckError", "backward not multiplied by grad_output")
    elif check_undefined_grad:
        assert outcomes[1][2].startswith("Expected all input grads to be undefined or zero when all output grads "
                                         "are undefined or zero.")
    else:
        assert outcomes[1] == ("returns", True)


def test_check_undefined_grad_warns_that_it_is_on_by_default():
    with pytest.warns(UserWarning, match='call this function with "check_undefined_grad=False"'):
        with pytest.raises(GradcheckError):
            gradcheck(_square(mg, leak=1e-12).apply, (_leaf(mg),), masked=True)


def test_check_grad_dtypes_passes_gradients_of_the_inputs_dtypes(torch):
    for m in (torch, mg):
        assert m.autograd.gradcheck(lambda x, y: x * y.exp(), (_leaf(m), _leaf(m)), check_grad_dtypes=True)


# ---- gradgradcheck --------------------------------------------------------------------------------


def _cube(m, *, detach_in_backward=False):
    """x ** 3 as a custom Function whose backward is written with tensor ops, so it differentiates
    again; detaching x there keeps the first derivative right and makes the second wrong."""

    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            x = x.detach() if detach_in_backward else x
            return grad * 3 * x * x

    return Cube


@pytest.mark.parametrize("fast_mode", [False, True], ids=["slow", "fast"])
@pytest.mark.parametrize("fn", [
    lambda x, y: x * x * y,
    lambda x, y: (x.exp() * y).sum(),
    lambda x, y: (x.tanh(), (x * y).sin()),
], ids=["product", "exp-sum", "two-outputs"])
def test_gradgradcheck_passes_on_builtin_ops(fn, fast_mode):
    assert gradgradcheck(fn, (_leaf(mg), _leaf(mg, (0.3, 0.7, -1.1))), fast_mode=fast_mode)


def test_gradgradcheck_passes_on_a_custom_function_differentiated_twice(torch):
    for m in (torch, mg):
        assert m.autograd.gradgradcheck(_cube(m).apply, (_leaf(m),))


@pytest.mark.parametrize("fast_mode", [False, True], ids=["slow", "fast"])
def test_gradgradcheck_catches_a_wrong_second_derivative(fast_mode, torch):
    for m in (torch, mg):
        wrong = _cube(m, detach_in_backward=True).apply
        assert m.autograd.gradcheck(wrong, (_leaf(m),))  # the first derivative is right
        with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0,"):
            m.autograd.gradgradcheck(wrong, (_leaf(m),), fast_mode=fast_mode)
        assert m.autograd.gradgradcheck(wrong, (_leaf(m),), fast_mode=fast_mode, raise_exception=False) is False


def test_gradgradcheck_with_given_and_with_non_contiguous_grad_outputs():
    x = _leaf(mg)
    grad_output = mg.tensor([1.0, -2.0, 0.5], dtype=mg.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t.exp() * t, (x,), (grad_output,))
    assert gradgradcheck(lambda t: t.exp() * t, (x,), grad_output.detach())  # not differentiated
    assert gradgradcheck(lambda t: t.sin() * t, (x,), gen_non_contig_grad_outputs=True)
