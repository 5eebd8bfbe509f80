"""pytorch/examples' VAE (tests/scripts/pytorch_vae.py) runs with only its imports changed and
writes its reconstruction and sample grids with save_image."""
import runpy
import sys
from pathlib import Path

from matplotlib import image

SCRIPT = Path(__file__).parents[1] / "scripts" / "pytorch_vae.py"


def test_vae_example_trains_one_epoch_and_saves_grids(tmp_path, monkeypatch, capsys, idx):
    # The script reads MNIST from '../data' and writes into 'results/', relative to where it runs.
    idx.write_mnist(tmp_path / "data" / "MNIST" / "raw", n_train=64, n_test=32)
    (tmp_path / "run" / "results").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "run")
    monkeypatch.setattr(sys, "argv", ["main.py", "--epochs", "1", "--batch-size", "16", "--log-interval", "2"])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "Train Epoch: 1 [32/64 (50%)]" in out and "====> Test set loss:" in out
    # 8 test images over their 8 reconstructions (nrow=8): 2 rows x 8 columns of 28 + 2 pixels, + 2.
    assert image.imread(tmp_path / "run" / "results" / "reconstruction_1.png").shape[:2] == (62, 242)
    # 64 samples, 8 per row: 8 x 8 cells.
    assert image.imread(tmp_path / "run" / "results" / "sample_1.png").shape[:2] == (242, 242)
