"""The examples run and print what they promise."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad

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


def _idx_bytes(array: np.ndarray) -> bytes:
    """IDX encoding of a uint8 array (type code 0x08), written independently of the reader."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


@pytest.fixture
def tiny_mnist(tmp_path):
    """A folder with MNIST's four files holding 64 training and 20 test images of noise."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "data"
    folder.mkdir()
    for prefix, n in (("train", 64), ("t10k", 20)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        (folder / f"{prefix}-images-idx3-ubyte").write_bytes(_idx_bytes(images))
        (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx_bytes(labels))
    return str(folder)


@pytest.fixture
def one_thread():
    """Fixed thread count: the runs compared bit for bit must add in the same order."""
    threads = minigrad.get_num_threads()
    minigrad.set_num_threads(1)
    yield
    minigrad.set_num_threads(threads)


def _run_example(name: str, argv: list, monkeypatch) -> dict:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    module = runpy.run_path(str(EXAMPLES / name))
    return module["main"](argv)


def _tiny_args(data: str, out, *flags) -> list:
    return ["--data-root", data, "--out", str(out), "--batch-size", "16", "--test-batch-size", "10", *flags]


def test_pytorch_example_flags_have_pytorchs_defaults(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    parse_args = runpy.run_path(str(EXAMPLES / "mnist_training.py"))["parse_args"]
    args = parse_args("d", epochs=5, lr=0.05, gamma=0.7, argv=[])
    assert (args.batch_size, args.test_batch_size, args.epochs, args.lr, args.gamma) == (64, 1000, 5, 0.05, 0.7)
    assert (args.seed, args.log_interval, args.no_accel, args.dry_run, args.save_model) == (1, 10, False, False, False)
    assert args.resume is None and args.checkpoint is None


def test_dry_run_trains_one_batch_and_writes_only_the_checkpoint(tiny_mnist, tmp_path, monkeypatch, capsys, one_thread):
    history = _run_example("mnist_mlp.py", _tiny_args(tiny_mnist, tmp_path / "runs", "--epochs", "2", "--dry-run",
                                                      "--no-accel"), monkeypatch)
    out = capsys.readouterr().out
    assert "epoch 1 [" in out and "] 1/4 " in out and "] 2/4 " not in out  # 64 images, batches of 16
    assert len(history["train_loss"]) == 2
    checkpoint = tmp_path / "runs" / "mnist_mlp_checkpoint.pt"
    assert f"wrote checkpoint {checkpoint}" in out and minigrad.load(str(checkpoint))["epoch"] == 2
    assert not (tmp_path / "runs" / "mnist_mlp.pt").exists()  # only with --save-model


def test_log_interval_sets_how_often_the_progress_is_printed(tiny_mnist, tmp_path, monkeypatch, capsys, one_thread):
    _run_example("mnist_mlp.py", _tiny_args(tiny_mnist, tmp_path, "--epochs", "1", "--log-interval", "3"), monkeypatch)
    out = capsys.readouterr().out
    assert "] 3/4 " in out and "] 4/4 " in out and "] 1/4 " not in out and "] 2/4 " not in out


def test_gamma_multiplies_the_learning_rate_after_each_epoch(tiny_mnist, tmp_path, monkeypatch, capsys, one_thread):
    _run_example("mnist_mlp.py", _tiny_args(tiny_mnist, tmp_path, "--epochs", "3", "--dry-run", "--lr", "0.5",
                                            "--gamma", "0.1"), monkeypatch)
    out = capsys.readouterr().out
    assert "lr 0.5\n" in out and "lr 0.05\n" in out and "lr 0.005\n" in out
    checkpoint = minigrad.load(str(tmp_path / "mnist_mlp_checkpoint.pt"))
    assert checkpoint["optimizer"]["param_groups"][0]["lr"] == pytest.approx(0.0005)


def test_save_model_writes_the_state_dict_and_prints_its_path(tiny_mnist, tmp_path, monkeypatch, capsys, one_thread):
    _run_example("mnist_mlp.py", _tiny_args(tiny_mnist, tmp_path, "--epochs", "1", "--dry-run", "--save-model"),
                 monkeypatch)
    path = tmp_path / "mnist_mlp.pt"
    assert f"wrote model state dict {path}" in capsys.readouterr().out
    assert sorted(minigrad.load(str(path))) == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight",
                                                "fc3.bias", "fc3.weight"]


def _epoch_line(out: str, epoch: int) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"epoch {epoch}: test loss"))


def test_resume_continues_exactly_as_an_uninterrupted_run(tiny_mnist, tmp_path, monkeypatch, capsys, one_thread):
    # Dropout (global generator), shuffling (the loader's generator), BatchNorm's running statistics,
    # momentum buffers and the lr schedule all have to be restored for the numbers to match.
    flags = ["--batch-norm", "--dropout", "0.5", "--train-limit", "48"]
    whole = _run_example("mnist_cnn.py", _tiny_args(tiny_mnist, tmp_path / "whole", "--epochs", "3", *flags),
                         monkeypatch)
    whole_out = capsys.readouterr().out
    _run_example("mnist_cnn.py", _tiny_args(tiny_mnist, tmp_path / "split", "--epochs", "1", *flags), monkeypatch)
    checkpoint = str(tmp_path / "split" / "mnist_cnn_checkpoint.pt")
    minigrad.manual_seed(12345)  # the resumed run must not depend on the state it starts in
    capsys.readouterr()
    resumed = _run_example("mnist_cnn.py", _tiny_args(tiny_mnist, tmp_path / "split", "--epochs", "3",
                                                      "--resume", checkpoint, *flags), monkeypatch)
    resumed_out = capsys.readouterr().out
    assert f"resumed from {checkpoint} after epoch 1" in resumed_out
    assert resumed.metrics == whole.metrics
    for epoch in (2, 3):  # test loss, accuracy and the scheduler's lr as printed
        assert _epoch_line(resumed_out, epoch) == _epoch_line(whole_out, epoch)
    expected = minigrad.load(str(tmp_path / "whole" / "mnist_cnn_checkpoint.pt"))
    got = minigrad.load(checkpoint)
    assert got["epoch"] == expected["epoch"] == 3
    for name, tensor in expected["model"].items():
        np.testing.assert_array_equal(got["model"][name].numpy(), tensor.numpy(), err_msg=name)
    momentum = [state["momentum_buffer"] for state in expected["optimizer"]["state"].values()]
    for buffer, resumed_buffer in zip(momentum, [s["momentum_buffer"] for s in got["optimizer"]["state"].values()]):
        np.testing.assert_array_equal(resumed_buffer.numpy(), buffer.numpy())
    assert got["rng"] == expected["rng"]


def test_without_matplotlib_the_examples_train_and_say_how_to_get_the_curves(tiny_mnist, tmp_path, monkeypatch,
                                                                            capsys, one_thread):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    history = _run_example("mnist_mlp.py", _tiny_args(tiny_mnist, tmp_path, "--epochs", "1", "--dry-run"),
                           monkeypatch)
    out = capsys.readouterr().out
    assert len(history["test_accuracy"]) == 1
    assert f"pip install matplotlib to get {tmp_path / 'mnist_mlp_curves.png'}" in out
    assert not (tmp_path / "mnist_mlp_curves.png").exists()


OFFLINE_RUN = """
import runpy, socket, sys, urllib.error
from minigrad.vision.datasets import _download

def no_network(url):
    raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

_download._read_url = no_network
example, sys.argv = sys.argv[1], sys.argv[1:]
sys.path.insert(0, str(__import__("pathlib").Path(example).parent))
runpy.run_path(example, run_name="__main__")
"""


def test_offline_without_data_the_examples_exit_with_the_datasets_message(tmp_path):
    empty = tmp_path / "empty"
    run = subprocess.run([sys.executable, "-c", OFFLINE_RUN, str(EXAMPLES / "mnist_mlp.py"), "--data-root", str(empty),
                          "--out", str(tmp_path / "runs")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("error: Dataset MNIST not found: missing train-images-idx3-ubyte")
    assert str(empty / "MNIST" / "raw") in run.stderr
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz" in run.stderr


def test_a_corrupt_data_file_exits_with_a_message_naming_it(tiny_mnist, tmp_path, monkeypatch):
    broken = os.path.join(tiny_mnist, "t10k-images-idx3-ubyte")
    with open(broken, "r+b") as file:
        file.truncate(100)
    with pytest.raises(SystemExit) as exit_info:  # SystemExit(message): printed without a traceback, status 1
        _run_example("mnist_mlp.py", _tiny_args(tiny_mnist, tmp_path / "runs"), monkeypatch)
    assert exit_info.value.code.startswith(f"error: {broken}: IDX payload")


def test_mnist_mlp_smoke_run(mnist_root, tmp_path, monkeypatch, capsys):
    history = _run_example("mnist_mlp.py", ["--epochs", "1", "--train-limit", "3000", "--data-root", mnist_root,
                                            "--out", str(tmp_path), "--save-model"], monkeypatch)
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
    assert (tmp_path / "mnist_cnn_checkpoint.pt").stat().st_size > 0
    assert (tmp_path / "mnist_cnn_curves.png").read_bytes()[:4] == b"\x89PNG"
