"""The guided tour (examples/tour/) runs offline on tiny settings and writes the pictures it announces."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOUR = Path(__file__).resolve().parents[1] / "examples" / "tour"

# Each script and the PNG files it must announce ("wrote PATH").
SCRIPTS = {
    "01_autograd_graph.py": {"01_autograd_graph.png", "01_derivative_graph.png"},
    "02_convolution_by_hand.py": {"02_im2col.png"},
    "03_shapes_and_cost.py": {"03_costs.png"},
    "04_receptive_fields.py": {"04_receptive_field_centre.png", "04_receptive_field_corner.png"},
    "05_train_and_look.py": {"05_samples.png", "05_curves.png", "05_filters.png", "05_feature_maps.png"},
}


def run_tour_script(name: str, folder: Path, pythonpath: str | None = None) -> subprocess.CompletedProcess:
    """Run a tour script with --quick, its pictures into ``folder / out``, from ``folder`` (so the
    default ./data holds no MNIST) and without MINIGRAD_DATA: offline, as on a fresh laptop."""
    env = {key: value for key, value in os.environ.items() if key != "MINIGRAD_DATA"}
    env["MPLBACKEND"] = "Agg"
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([pythonpath, os.environ.get("PYTHONPATH", "")])
    command = [sys.executable, str(TOUR / name), "--quick", "--out", str(folder / "out")]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Each script run once, on first use: name -> (folder, CompletedProcess)."""
    cache = {}

    def run(name: str):
        if name not in cache:
            folder = tmp_path_factory.mktemp(name.split("_")[0])
            cache[name] = folder, run_tour_script(name, folder)
        return cache[name]
    return run


def test_the_readme_lists_every_script_in_order():
    scripts = sorted(path.name for path in TOUR.glob("[0-9][0-9]_*.py"))
    assert scripts == sorted(SCRIPTS)
    readme = (TOUR / "README.md").read_text()
    positions = [readme.find(f"[`{name}`]({name})") for name in scripts]  # the numbered list
    assert -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_tour_script_runs_and_writes_its_pictures(name, runs):
    pytest.importorskip("matplotlib")
    folder, result = runs(name)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    announced = re.findall(r"^wrote (\S+\.png)$", result.stdout, re.MULTILINE)
    assert {os.path.basename(path) for path in announced} == SCRIPTS[name]
    for path in announced:
        assert Path(path).parent == folder / "out"
        with open(path, "rb") as file:
            assert file.read(8) == b"\x89PNG\r\n\x1a\n", path
        assert os.path.getsize(path) > 1000, path
    assert re.search(r"^read \S+\.py", result.stdout, re.MULTILINE)  # sections name the source to read


def test_train_and_look_says_it_trains_on_synthetic_digits_offline(runs):
    pytest.importorskip("matplotlib")
    _, result = runs("05_train_and_look.py")
    assert "MNIST is not available here: Dataset MNIST not found" in result.stdout
    assert "Training on synthetic seven-segment digits instead" in result.stdout
    assert re.search(r"^epoch 2: +4 steps", result.stdout, re.MULTILINE)  # --quick: 2 epochs of 2 steps


def test_without_matplotlib_the_tour_runs_and_says_how_to_get_the_pictures(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "matplotlib.py").write_text("raise ImportError('matplotlib is blocked for this test')\n")
    result = run_tour_script("01_autograd_graph.py", tmp_path, pythonpath=str(blocked))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "skipped 01_autograd_graph.png: matplotlib is not installed (pip install matplotlib" in result.stdout
    assert "digraph {" in result.stdout  # the DOT text needs nothing
    assert not (tmp_path / "out").exists()
