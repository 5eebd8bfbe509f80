"""A PyTorch MNIST training script runs with only its imports changed (tests/scripts/pytorch_mnist.py)."""
import os
import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "scripts" / "pytorch_mnist.py"


def test_pytorch_mnist_script_trains_with_minigrad_imports(tmp_path, monkeypatch, capsys):
    data = os.environ.get("MINIGRAD_DATA")
    if not data or not os.path.isdir(os.path.join(data, "mnist")):
        pytest.skip("MINIGRAD_DATA does not point at a folder holding mnist/")
    monkeypatch.chdir(tmp_path)
    main = runpy.run_path(str(SCRIPT))["main"]
    accuracy = main(["--epochs", "1", "--subset", "1280", "--data", os.path.join(data, "mnist"),
                     "--log-interval", "5", "--save-model"])
    out = capsys.readouterr().out
    assert "Train Epoch: 1 [0/1280 (0%)]" in out and "Test set: Average loss" in out
    assert accuracy > 0.6  # 20 steps of Adadelta on 1280 images
    assert (tmp_path / "mnist_cnn.pt").stat().st_size > 1_000_000  # 1.2 M float32 parameters
