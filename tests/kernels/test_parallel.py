"""run_range: the serial range function below SERIAL_WORK_LIMIT, the parallel driver from it on."""
from minigrad.kernels import _parallel
from minigrad.kernels._parallel import SERIAL_WORK_LIMIT, run_range


def test_dispatches_on_the_work_limit():
    calls = []

    def range_kernel(*args):
        calls.append(("serial", args))

    def parallel_kernel(*args):
        calls.append(("parallel", args))

    run_range(range_kernel, parallel_kernel, 7, SERIAL_WORK_LIMIT - 1, "a", "b")
    run_range(range_kernel, parallel_kernel, 7, SERIAL_WORK_LIMIT, "a", "b")
    assert calls == [("serial", ("a", "b", 0, 7)), ("parallel", ("a", "b"))]


def test_limit_is_read_at_call_time(monkeypatch):
    """The kernel tests force either path by patching the limit; that only works if it is not copied."""
    calls = []
    monkeypatch.setattr(_parallel, "SERIAL_WORK_LIMIT", 0)
    run_range(lambda *a: calls.append("serial"), lambda *a: calls.append("parallel"), 1, 0)
    assert calls == ["parallel"]


def test_a_training_batch_of_logits_runs_serially():
    assert 64 * 10 < SERIAL_WORK_LIMIT  # MNIST step: cross-entropy over (64, 10) logits


def test_a_kernel_may_pass_its_own_limit():
    calls = []
    run_range(lambda *a: calls.append("serial"), lambda *a: calls.append("parallel"), 1, 100, limit=101)
    run_range(lambda *a: calls.append("serial"), lambda *a: calls.append("parallel"), 1, 100, limit=100)
    assert calls == ["serial", "parallel"]
