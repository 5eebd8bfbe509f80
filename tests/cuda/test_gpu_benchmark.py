"""benchmarks/gpu.py, the script that makes the README's GPU figures, runs (on the simulator here,
with tiny shapes) and reports a row per device in markdown, with the machine and the GPU's name."""
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIME = r"\d+(\.\d+)? (s|ms|us) \(\d+(\.\d+)?-\d+(\.\d+)?\)"


def test_the_gpu_benchmark_reports_both_devices(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(ROOT))
    gpu = importlib.import_module("benchmarks.gpu")
    report = gpu.main(["--smoke"])
    assert report == capsys.readouterr().out.rstrip("\n")
    assert re.search(r"^- CPU: .+, SIMD: ", report, re.M) and re.search(r"^- GPU: \S", report, re.M)
    header, rule, row = report.splitlines()[-3:]
    assert header == "| workload | CPU | GPU | CPU / GPU |" and rule == "| --- | --- | --- | --- |"
    label, cpu, cuda, ratio = row.strip("| ").split(" | ")
    assert label.startswith("CNN example train step, batch 2 (smoke")
    assert re.fullmatch(TIME, cpu) and re.fullmatch(TIME, cuda) and re.fullmatch(r"\d+\.\d\d", ratio)
