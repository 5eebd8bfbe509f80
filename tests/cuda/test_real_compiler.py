"""Every kernel launched by the simulator tests compiles with the real CUDA compiler (NVVM, from the
``cu13`` extra of numba-cuda), for a real GPU architecture, with the argument types it was launched
with: the simulator never type-checks device code (see launch_record.py)."""
import os
import subprocess
import sys

import pytest

from .launch_record import ARCHITECTURE, NO_COMPILER


def test_every_launched_kernel_compiles_for_a_real_gpu(launch_recorder, tmp_path):
    if launch_recorder is None:
        pytest.skip("on a GPU every launch is compiled for real")
    if not launch_recorder.launches:
        pytest.skip("run with the rest of tests/cuda: this compiles the kernels they launched")
    assert not launch_recorder.unknown, f"launched kernels the recorder cannot rebuild (make them module-level, " \
                                        f"in a module-level dict, or built by a cached factory): {launch_recorder.unknown}"
    launches = tmp_path / "launches.pkl"
    launch_recorder.save(str(launches))
    script = os.path.join(os.path.dirname(__file__), "launch_record.py")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="0", CUDA_VISIBLE_DEVICES="")
    done = subprocess.run([sys.executable, script, str(launches)], env=env, capture_output=True,
                          text=True, timeout=900)
    if done.returncode == NO_COMPILER:
        pytest.skip(done.stdout.strip())
    assert done.returncode == 0, f"kernels the CUDA compiler (sm_{ARCHITECTURE[0]}{ARCHITECTURE[1]}) " \
                                 f"rejects:\n{done.stdout}{done.stderr[-3000:]}"
