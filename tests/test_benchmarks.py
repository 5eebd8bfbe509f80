"""The benchmark suite (benchmarks/) runs, with or without PyTorch, and reports what it measured.

No timing assertions: these check that a row runs, that the table shows medians, ranges and
ratios correctly, and that both frameworks get the same model and weights.
"""
import importlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TIME = r"\d+(\.\d+)? (s|ms|us) \(\d+(\.\d+)?-\d+(\.\d+)?\)"  # median (min-max)


@pytest.fixture
def suite(monkeypatch):
    """The ``benchmarks`` package, imported from the repository root."""
    monkeypatch.syspath_prepend(str(ROOT))
    return importlib.import_module("benchmarks")


def test_a_layer_row_runs_for_minigrad_alone_and_is_tabulated(suite):
    layers = importlib.import_module("benchmarks.layers")
    from benchmarks.cases import Settings
    from benchmarks.frameworks import load
    from benchmarks.table import markdown

    case = next(case for case in layers.small_op_cases() if case.label.startswith("ReLU fwd,"))
    result = case.measure(load(["minigrad"]), Settings(repeats=2, min_seconds=1e-3, slow_repeats=1, threads=1))
    assert len(result.samples["minigrad"]) == 2 and min(result.samples["minigrad"]) > 0
    assert result.ratio is None
    header, rule, row = markdown([result], ["minigrad"]).splitlines()
    assert header == "| workload | minigrad | minigrad / PyTorch |" and rule == "| --- | --- | --- |"
    label, time, ratio = row.strip("| ").split(" | ")
    assert label == "ReLU fwd, 64x64x14x14" and re.fullmatch(TIME, time) and ratio == "-"


def test_table_shows_medians_ranges_per_round_ratios_and_the_geometric_mean(suite):
    from benchmarks.results import Result, geometric_mean
    from benchmarks.table import markdown

    # Per-round ratios 2, 3, 1 (median 2), though the medians' ratio would be 3 ms / 1 ms = 3.
    first = Result("a", {"minigrad": [2e-3, 3e-3, 4e-3], "torch": [1e-3, 1e-3, 4e-3]}, group="g")
    second = Result("b", {"minigrad": [1.6, 1.6, 1.6], "torch": [2e-1, 2e-1, 2e-1]}, group="g", note="n")
    summary = geometric_mean([first, second], "g", "mean")
    assert summary.ratio == pytest.approx(4.0)  # sqrt(2 * 8)
    assert geometric_mean([first], "g", "mean") is None
    lines = markdown([first, second, summary]).splitlines()
    assert lines[0] == "| workload | minigrad | PyTorch | minigrad / PyTorch | note |"
    assert lines[2] == "| a | 3.00 ms (2.00-4.00) | 1.00 ms (1.00-4.00) | 2.00 (1.00-3.00) |  |"
    assert lines[3] == "| b | 1.60 s (1.60-1.60) | 200 ms (200-200) | 8.00 (8.00-8.00) | n |"
    assert lines[4] == "| mean |  |  | 4.00 |  |"


def test_the_command_line_runs_a_row_without_torch_installed(tmp_path):
    report_file = tmp_path / "report.md"
    code = ("import sys; sys.modules['torch'] = None  # as if torch were not installed\n"
            "from benchmarks.run import main\n"
            f"main(['--quick', '--repeats', '2', '--only', '^ReLU fwd,', '--markdown', {str(report_file)!r}])")
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = report_file.read_text()
    assert report.strip() == completed.stdout.strip()
    assert re.search(r"^- CPU: .+, SIMD: ", report, re.MULTILINE)
    assert "torch" not in report.split("- threads:")[1].splitlines()[0]  # minigrad's thread count only
    rows = [line for line in report.splitlines() if line.startswith("| ReLU")]
    assert len(rows) == 1 and rows[0].endswith(" | - |")


def test_both_frameworks_build_the_cnn_example_from_its_own_file_with_the_same_weights(suite):
    torch = pytest.importorskip("torch")
    import minigrad
    from benchmarks.frameworks import build, load
    from benchmarks.train_step import cnn_example

    images = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    outputs = {}
    for fw in load(["minigrad", "torch"]):
        model = build(fw, cnn_example)
        assert isinstance(model, fw.nn.Module)
        outputs[fw.name] = model(fw.tensor(images)).detach().numpy()
    assert sys.modules["minigrad"] is minigrad and sys.modules["torch"] is torch  # the swap was undone
    np.testing.assert_allclose(outputs["minigrad"], outputs["torch"], rtol=1e-4, atol=1e-5)
