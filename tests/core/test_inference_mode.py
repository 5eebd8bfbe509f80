"""inference_mode: context manager, decorator (with and without parentheses), nesting, mode=False,
restoring state on errors, and is_inference_mode_enabled."""
import pytest

import minigrad as mg


def _state():
    return mg.is_grad_enabled(), mg.is_inference_mode_enabled()


def test_context_manager_stops_recording():
    x = mg.ones(2, requires_grad=True)
    with mg.inference_mode():
        assert _state() == (False, True)
        y = x * 2
    assert _state() == (True, False)
    assert not y.requires_grad and y.grad_fn is None


def test_nesting_and_mode_false_match_torch():
    torch = pytest.importorskip("torch")
    observed = {}
    for m in (mg, torch):
        states = []
        with m.inference_mode():
            states.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
            with m.inference_mode(False):
                states.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
            states.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
        with m.no_grad(), m.inference_mode(mode=False):
            states.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
        states.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
        observed[m.__name__] = states
    assert observed["minigrad"] == observed["torch"]


def test_decorators():
    @mg.inference_mode()
    def called():
        return _state()

    @mg.inference_mode
    def bare():
        return _state()

    @mg.inference_mode(False)
    def off():
        return _state()

    assert called() == bare() == (False, True)
    assert bare.__name__ == "bare"
    with mg.no_grad():
        assert off() == (True, False)
    assert _state() == (True, False)


def test_state_is_restored_after_an_exception():
    with pytest.raises(ValueError):
        with mg.inference_mode():
            raise ValueError
    assert _state() == (True, False)

    @mg.inference_mode()
    def fails():
        raise KeyError

    with pytest.raises(KeyError):
        fails()
    assert _state() == (True, False)
