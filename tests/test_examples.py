"""The examples run and print what they promise."""
import os
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_custom_function_example(capsys):
    runpy.run_path(str(EXAMPLES / "custom_function.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "gradcheck passed: True" in out
    learned = float(out.split("learned w = ")[1].split()[0])
    assert abs(learned - 2.0) < 1e-3


@pytest.fixture
def mnist_root():
    data = os.environ.get("MINIGRAD_DATA")
    if not data or not os.path.isdir(os.path.join(data, "mnist")):
        pytest.skip("MINIGRAD_DATA does not point at a folder holding mnist/")
    return os.path.join(data, "mnist")


def _run_example(name: str, argv: list, monkeypatch) -> dict:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    module = runpy.run_path(str(EXAMPLES / name))
    return module["main"](argv)


def test_mnist_mlp_smoke_run(mnist_root, tmp_path, monkeypatch, capsys):
    history = _run_example("mnist_mlp.py", ["--epochs", "1", "--train-limit", "3000", "--data-root", mnist_root,
                                            "--out", str(tmp_path)], monkeypatch)
    out = capsys.readouterr().out
    assert "Linear(in_features=784, out_features=300, bias=True)" in out
    assert "img/s" in out and "test accuracy" in out
    assert history["test_accuracy"][0] > 80.0  # 3000 images, one epoch
    assert (tmp_path / "mnist_mlp.pt").stat().st_size > 0
    assert (tmp_path / "mnist_mlp_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_mnist_cnn_smoke_run_with_batch_norm_and_dropout(mnist_root, tmp_path, monkeypatch, capsys):
    history = _run_example("mnist_cnn.py", ["--epochs", "1", "--train-limit", "1280", "--batch-norm",
                                            "--dropout", "0.25", "--data-root", mnist_root, "--out", str(tmp_path)],
                           monkeypatch)
    out = capsys.readouterr().out
    assert "BatchNorm2d(32, eps=1e-05" in out and "Dropout(p=0.25, inplace=False)" in out
    assert history["test_accuracy"][0] > 50.0  # 20 steps
    assert (tmp_path / "mnist_cnn.pt").stat().st_size > 0
    assert (tmp_path / "mnist_cnn_curves.png").read_bytes()[:4] == b"\x89PNG"
