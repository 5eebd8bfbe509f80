"""History records curves; plot_history draws them; a History with a path rewrites its PNG each epoch."""
import pytest

from minigrad.utils.plots import History, plot_history


def test_history_keeps_each_metric_with_the_epochs_it_was_recorded_at():
    history = History()
    history.record(1, train_loss=0.9, test_loss=1.0)
    history.record(2, train_loss=0.5)
    assert history["train_loss"] == [0.9, 0.5] and history.steps("test_loss") == [1]
    restored = History()
    restored.load_state_dict(history.state_dict())
    assert restored.metrics == history.metrics


def test_plot_history_writes_a_png_of_figsize_times_dpi(tmp_path, png_size):
    history = History()
    for epoch, loss in enumerate([1.0, 0.6, 0.4], start=1):
        history.record(epoch, train_loss=loss, test_loss=loss + 0.1, test_accuracy=1 - loss)
    picture = plot_history(history, tmp_path / "curves.png", figsize=(6, 3), dpi=50)
    assert png_size(tmp_path / "curves.png") == (150, 300)
    assert [axes.get_title() for axes in picture.figure.axes] == ["loss", "accuracy"]
    assert picture._repr_png_().startswith(b"\x89PNG")  # shown inline by notebooks


def test_history_with_a_path_rewrites_the_png_at_every_record(tmp_path, png_size):
    path = tmp_path / "live.png"
    history = History(path)
    history.record(1, train_loss=1.0)
    first = path.read_bytes()
    history.record(2, train_loss=0.5)
    assert path.read_bytes() != first and png_size(path) == (350, 500)  # default: 5 x 3.5 inches at 100 dpi
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
