"""PyTorch's global switches: torch.backends flags, deterministic algorithms, float32 matmul precision."""
import pytest

import minigrad as mg


@pytest.fixture
def restore_switches():
    yield
    mg.use_deterministic_algorithms(False)
    mg.set_float32_matmul_precision("highest")
    mg.backends.cudnn.benchmark = False


def test_script_flags_are_accepted_and_kept(restore_switches):
    mg.backends.cudnn.benchmark = True
    mg.backends.cudnn.deterministic = True
    assert mg.backends.cudnn.benchmark and not mg.backends.cudnn.is_available()
    assert mg.backends.cudnn.version() is None and mg.backends.cudnn.enabled
    assert mg.backends.mps.is_available() is False and mg.backends.mps.is_built() is False
    assert mg.backends.cuda.is_built() is True  # the test environment installs the cuda extra
    mg.backends.cudnn.deterministic = False


def test_allow_tf32_is_the_float32_matmul_precision(restore_switches):
    assert mg.get_float32_matmul_precision() == "highest" and not mg.backends.cuda.matmul.allow_tf32
    mg.set_float32_matmul_precision("medium")
    assert mg.backends.cuda.matmul.allow_tf32
    mg.backends.cuda.matmul.allow_tf32 = False
    assert mg.get_float32_matmul_precision() == "highest"
    mg.backends.cuda.matmul.allow_tf32 = True
    assert mg.get_float32_matmul_precision() == "high"
    with pytest.warns(UserWarning, match=r"^fast is not one of 'highest', 'high', or 'medium'; the current "
                                         r"setFloat32MatmulPrecision call has no effect\.$"):
        mg.set_float32_matmul_precision("fast")
    assert mg.get_float32_matmul_precision() == "high"


def test_deterministic_switches_as_pytorchs(restore_switches):
    assert not mg.are_deterministic_algorithms_enabled() and mg.get_deterministic_debug_mode() == 0
    mg.use_deterministic_algorithms(True, warn_only=True)
    assert mg.are_deterministic_algorithms_enabled() and mg.is_deterministic_algorithms_warn_only_enabled()
    assert mg.get_deterministic_debug_mode() == 1
    mg.set_deterministic_debug_mode("error")
    assert mg.get_deterministic_debug_mode() == 2 and not mg.is_deterministic_algorithms_warn_only_enabled()
    mg.set_deterministic_debug_mode(0)
    assert not mg.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("call, error, message", [
    (lambda L: L.use_deterministic_algorithms("yes"), TypeError,
     r"^_set_deterministic_algorithms\(\): argument 'mode' \(position 1\) must be bool, not str$"),
    (lambda L: L.use_deterministic_algorithms(True, warn_only=1), TypeError,
     r"^_set_deterministic_algorithms\(\): argument 'warn_only' must be bool, not int$"),
    (lambda L: L.set_deterministic_debug_mode("loud"), RuntimeError,
     r"^invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got loud$"),
    (lambda L: L.set_deterministic_debug_mode(3), RuntimeError,
     r"^invalid value of debug_mode, expected 0, 1, or 2, but got 3$"),
    (lambda L: L.set_deterministic_debug_mode(1.5), TypeError,
     r"^debug_mode must be str or int, but got <class 'float'>$"),
])
def test_bad_switch_values_are_pytorchs_errors(restore_switches, call, error, message):
    with pytest.raises(error, match=message):
        call(mg)
    torch = pytest.importorskip("torch")
    with pytest.raises(error, match=message):
        call(torch)
