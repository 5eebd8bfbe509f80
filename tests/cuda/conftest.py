"""The CUDA tests: they run on numba-cuda's simulator (tests/conftest.py sets NUMBA_ENABLE_CUDASIM=1
before numba loads) or on a GPU with NUMBA_ENABLE_CUDASIM=0."""
import importlib.util
import os

import pytest

from minigrad import _cuda_backend


@pytest.fixture(autouse=True)
def cuda_hidden():
    """CUDA stays visible here (tests/conftest.py hides it from the rest of the suite)."""
    if not _cuda_backend.is_available():
        if importlib.util.find_spec("numba_cuda") and os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
            pytest.fail("numba-cuda is installed and NUMBA_ENABLE_CUDASIM=1, yet CUDA is unavailable: "
                        "numba.cuda was first imported without the simulator (see tests/conftest.py)")
        pytest.skip(f"no CUDA device and no simulator. {_cuda_backend.INSTALL_HINT}")


@pytest.fixture
def without_numba_cuda(monkeypatch):
    """minigrad as it is when ``from numba import cuda`` fails (numba-cuda not installed)."""
    monkeypatch.setattr(_cuda_backend, "_cuda", None)
    monkeypatch.setattr(_cuda_backend, "_DEVICE_ARRAY_TYPES", ())


@pytest.fixture(scope="session", autouse=True)
def launch_recorder():
    """On the simulator, every kernel launch of the session is noted (kernel and argument types) for
    test_real_compiler.py, which runs last and compiles them all with the real CUDA compiler. None on
    a GPU, where each launch compiles for real."""
    if not (_cuda_backend.is_available() and os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"):
        yield None
        return
    from .launch_record import LaunchRecorder

    recorder = LaunchRecorder()
    recorder.install()
    yield recorder
    recorder.uninstall()


def pytest_collection_modifyitems(items):
    """The real-compiler check runs after every other test, so it sees all their launches."""
    last = [item for item in items if item.path.name == "test_real_compiler.py"]
    items[:] = [item for item in items if item not in last] + last
