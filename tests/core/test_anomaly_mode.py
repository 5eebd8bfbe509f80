"""Anomaly mode: the flags and their scopes, the NaN error naming the node, the forward stack
warned about when a backward fails, the in-place error's hint; PyTorch's words throughout."""
import inspect
import threading
import warnings

import numpy as np
import pytest

import minigrad as mg

ENABLED_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                   "be enabled for debugging.")
HINT_OFF = (" Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
            "with torch.autograd.set_detect_anomaly(True, check_nan=False).")
HINT_ON = (" Hint: the backtrace further above shows the operation that failed to compute its gradient. "
           "The variable in question was changed in there or anywhere later. Good luck!")


@pytest.fixture(autouse=True)
def anomaly_mode_off_afterwards():
    """The mode is process-wide: a failing test must not leave it on for the others."""
    yield
    mg.set_anomaly_enabled(False)


def _messages(records) -> list:
    return [str(r.message) for r in records]


def _sqrt_of_minus_one(module):
    x = module.tensor([-1.0], requires_grad=True)
    return x.sqrt()  # the user's forward line the warning must show


def _line_of(source_fragment: str, fn) -> int:
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if source_fragment in line)


# ---- flags ----------------------------------------------------------------------------------------
def test_flags_default_off_with_nan_checking():
    assert mg.is_anomaly_enabled() is False
    assert mg.is_anomaly_check_nan_enabled() is True


def test_set_detect_anomaly_works_as_a_call_and_as_a_context_manager():
    mg.autograd.set_detect_anomaly(True, check_nan=False)
    assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (True, False)
    with mg.autograd.set_detect_anomaly(False):
        assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (False, True)
    assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (True, False)
    mg.autograd.set_detect_anomaly(False)
    assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (False, True)


def test_detect_anomaly_warns_on_construction_and_restores_on_exit_even_after_an_error():
    with pytest.warns(UserWarning, match="^" + ENABLED_WARNING + "$") as records:
        guard = mg.autograd.detect_anomaly(check_nan=False)
    assert records[0].filename == __file__  # attributed to the user's line, as PyTorch's stacklevel=2
    assert mg.is_anomaly_enabled() is False  # only entering switches it on
    with pytest.raises(KeyError):
        with guard:
            assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (True, False)
            raise KeyError
    assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (False, True)


def test_nested_scopes_restore_the_outer_mode():
    with pytest.warns(UserWarning):
        with mg.autograd.detect_anomaly():
            with mg.autograd.set_detect_anomaly(True, check_nan=False):
                assert mg.is_anomaly_check_nan_enabled() is False
                with mg.autograd.set_detect_anomaly(False):
                    assert mg.is_anomaly_enabled() is False
                assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (True, False)
            assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (True, True)
    assert mg.is_anomaly_enabled() is False


def test_detect_anomaly_as_a_decorator():
    with pytest.warns(UserWarning, match=ENABLED_WARNING):
        @mg.autograd.detect_anomaly(check_nan=False)
        def inside():
            return mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()

    assert mg.is_anomaly_enabled() is False
    assert inside() == (True, False)
    assert (mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()) == (False, True)
    assert inside.__name__ == "inside"


def test_the_mode_is_process_wide_as_in_pytorch():
    torch = pytest.importorskip("torch")
    seen = {}
    for name, module in (("torch", torch), ("minigrad", mg)):
        with module.autograd.set_detect_anomaly(True, check_nan=False):
            thread = threading.Thread(target=lambda: seen.__setitem__(
                name, (module.is_anomaly_enabled(), module.is_anomaly_check_nan_enabled())))
            thread.start()
            thread.join()
    assert seen["minigrad"] == seen["torch"] == (True, False)


@pytest.mark.parametrize("call", [
    lambda m: m.autograd.set_detect_anomaly("yes"),
    lambda m: m.autograd.set_detect_anomaly(1),
    lambda m: m.set_anomaly_enabled(None),
    lambda m: m.autograd.set_detect_anomaly(True, check_nan="no"),
], ids=["str-mode", "int-mode", "none-enabled", "str-check-nan"])
def test_a_mode_that_is_not_a_bool_raises_pytorchs_type_error(call, same_error):
    same_error(call)
    assert mg.is_anomaly_enabled() is False


def test_exported_where_pytorch_exports_them():
    torch = pytest.importorskip("torch")
    for name in ("is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled"):
        assert hasattr(torch, name) and hasattr(mg, name)
    for name in ("detect_anomaly", "set_detect_anomaly"):
        assert name in torch.autograd.__all__ and name in mg.autograd.__all__
    for name in ("detect_anomaly", "set_detect_anomaly"):
        ours, theirs = (inspect.signature(getattr(m.autograd, name)).parameters for m in (mg, torch))
        assert [(p.name, p.kind, p.default) for p in ours.values()] == \
            [(p.name, p.kind, p.default) for p in theirs.values()]


# ---- NaN in backward ------------------------------------------------------------------------------
def test_nan_from_a_backward_raises_pytorchs_error_naming_the_node():
    torch = pytest.importorskip("torch")
    errors = []
    for module in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with module.autograd.detect_anomaly():
                y = _sqrt_of_minus_one(module)
                with pytest.raises(RuntimeError) as error:
                    y.backward()
        errors.append(str(error.value))
    assert errors[1] == errors[0] == "Function 'SqrtBackward0' returned nan values in its 0th output."


def test_the_warning_shows_the_users_forward_line():
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with mg.autograd.detect_anomaly():
            y = _sqrt_of_minus_one(mg)
            with pytest.raises(RuntimeError, match="SqrtBackward0"):
                y.backward()
    trace = [m for m in _messages(records) if m.startswith("Error detected in")]
    assert len(trace) == 1
    header = "Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n"
    assert trace[0].startswith(header)
    line = _line_of("return x.sqrt()", _sqrt_of_minus_one)
    assert f'File "{__file__}", line {line}, in _sqrt_of_minus_one\n    return x.sqrt()' in trace[0]
    assert "minigrad/autograd" not in trace[0] and "minigrad/functions" not in trace[0]
    assert records[-1].filename == __file__  # the warning points at the backward() call


def test_without_anomaly_mode_nan_gradients_pass_silently():
    x = mg.tensor([-1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.sqrt().backward()
    assert np.isnan(x.grad.numpy()).all()


def test_without_anomaly_mode_nodes_keep_no_stack():
    assert not hasattr(_sqrt_of_minus_one(mg).grad_fn, "_anomaly_metadata")


def test_check_nan_false_lets_nan_through():
    with mg.autograd.set_detect_anomaly(True, check_nan=False):
        x = mg.tensor([-1.0, 4.0], requires_grad=True)
        x.sqrt().sum().backward()
    assert np.isnan(x.grad.numpy()[0]) and x.grad.numpy()[1] == 0.25


def test_infinite_gradients_are_not_anomalies():
    with mg.autograd.set_detect_anomaly(True):
        x = mg.tensor([0.0], requires_grad=True)
        x.sqrt().backward()
    assert np.isinf(x.grad.numpy()).all()


def test_a_node_recorded_before_the_mode_was_on_has_no_forward_information():
    y = _sqrt_of_minus_one(mg)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with mg.autograd.set_detect_anomaly(True):
            with pytest.raises(RuntimeError, match="returned nan values"):
                y.backward()
    assert _messages(records) == [
        "Error detected in SqrtBackward0. No forward pass information available. Enable detect anomaly "
        "during forward pass for more information."]


class _NanForSecond(mg.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad * float("nan")


def test_a_custom_function_is_named_as_in_pytorch():
    torch = pytest.importorskip("torch")
    torch_version = type("_NanForSecond", (torch.autograd.Function,), {
        "forward": staticmethod(_NanForSecond.forward), "backward": staticmethod(_NanForSecond.backward)})
    errors = []
    for module, function in ((torch, torch_version), (mg, _NanForSecond)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with module.autograd.set_detect_anomaly(True):
                a, b = module.ones(2, requires_grad=True), module.ones(2, requires_grad=True)
                with pytest.raises(RuntimeError) as error:
                    function.apply(a, b).sum().backward()
        errors.append(str(error.value))
    assert errors[1] == errors[0] == "Function '_NanForSecondBackward' returned nan values in its 1th output."


def test_a_nan_gradient_for_an_input_that_needs_none_is_not_looked_at():
    # PyTorch raises here too (its built-in formulas never compute such a gradient, but a custom
    # Function's are all checked); minigrad's built-in backwards may compute unneeded gradients,
    # so only the gradients the graph uses are checked.
    with mg.autograd.set_detect_anomaly(True):
        a, b = mg.ones(2, requires_grad=True), mg.ones(2)
        _NanForSecond.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])


def test_an_error_raised_by_a_backward_gets_the_forward_stack_and_propagates_unchanged():
    class Broken(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            raise ValueError("boom")

    def build(x):
        return Broken.apply(x).sum()

    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with mg.autograd.set_detect_anomaly(True):
            loss = build(mg.ones(2, requires_grad=True))
            with pytest.raises(ValueError, match="^boom$"):
                loss.backward()
    (message,) = _messages(records)
    assert message.startswith("Error detected in BrokenBackward. Traceback of forward call that caused the error:")
    assert f"line {_line_of('Broken.apply(x)', build)}, in build\n    return Broken.apply(x).sum()" in message


# ---- the in-place error ---------------------------------------------------------------------------
def _in_place_after_save(module):
    a = module.ones(3, requires_grad=True)
    b = a.exp()
    b.mul_(2)  # ExpBackward0 saved b
    return b.sum()


def test_the_in_place_error_hints_at_anomaly_mode_when_it_is_off():
    loss = _in_place_after_save(mg)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as error:
        loss.backward()
    assert str(error.value).endswith("expected version 0 instead." + HINT_OFF)


def test_the_in_place_error_points_at_the_forward_stack_when_it_is_on():
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with mg.autograd.set_detect_anomaly(True):
            loss = _in_place_after_save(mg)
            with pytest.raises(RuntimeError, match="modified by an inplace operation") as error:
                loss.backward()
    assert str(error.value).endswith("expected version 0 instead." + HINT_ON)
    (message,) = _messages(records)
    assert message.startswith("Error detected in ExpBackward0. Traceback of forward call that caused the error:")
    assert f"line {_line_of('a.exp()', _in_place_after_save)}, in _in_place_after_save\n    b = a.exp()" in message


@pytest.mark.parametrize("mode", [False, True], ids=["off", "on"])
def test_the_in_place_hints_are_pytorchs(mode):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.set_detect_anomaly(mode):
            loss = _in_place_after_save(torch)
            with pytest.raises(RuntimeError) as error:
                loss.backward()
    assert str(error.value).endswith(HINT_ON if mode else HINT_OFF)


# ---- higher-order gradients -----------------------------------------------------------------------
def test_a_node_made_by_a_backward_names_the_forward_call_behind_it():
    def forward(x):
        return x.exp()

    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with mg.autograd.set_detect_anomaly(True):
            x = mg.tensor([1.0], requires_grad=True)
            (grad,) = mg.autograd.grad(forward(x).sum(), x, create_graph=True)
            with pytest.raises(RuntimeError, match=r"^Function '\w+' returned nan values in its \d+th output\.$"):
                grad.backward(mg.tensor([float("nan")]))
    messages = _messages(records)
    assert messages[0].startswith("Error detected in ")
    induced = [m for m in messages if m.startswith("\n\nPrevious calculation was induced by ExpBackward0. "
                                                   "Traceback of forward call that induced the previous calculation:")]
    assert len(induced) == 1
    assert f"line {_line_of('x.exp()', forward)}, in forward\n    return x.exp()" in induced[0]

