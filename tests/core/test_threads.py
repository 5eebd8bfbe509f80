"""minigrad from several Python threads at once, and the process-wide thread count.

Each worker trains (or evaluates) its own small CNN on its own batches; run at the same moment on
2 or 4 Python threads, every worker must end with exactly the numbers it gets when the workers run
one after the other. A fresh interpreter repeats this from the first kernel import on, where
importing and compiling kernels races too.
"""
import subprocess
import sys
import threading

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F

STEPS = 3


def make_worker(seed: int, train: bool):
    """A zero-argument function that trains (or runs inference with) a seeded small CNN and returns
    its final parameters and outputs as numpy arrays. Everything random is drawn here, up front,
    so the workers share no random state while they run."""
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(16, 10))
    optimizer = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(seed)
    batches = [(mg.tensor(rng.standard_normal((6, 3, 12, 12)).astype(np.float32)),
                mg.tensor(rng.integers(0, 10, 6))) for _ in range(STEPS)]

    def run():
        outputs = []
        for x, y in batches:
            if train:
                optimizer.zero_grad()
                logits = model(x)
                F.cross_entropy(logits, y).backward()
                optimizer.step()
            else:
                with mg.no_grad():
                    logits = model.eval()(x)
            outputs.append(logits.detach().numpy().copy())
        return outputs + [p.detach().numpy().copy() for p in model.parameters()]

    return run


def run_concurrently(workers) -> list:
    results = [None] * len(workers)
    errors = []

    def target(index):
        try:
            results[index] = workers[index]()
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_training_and_inference_match_sequential_runs(workers):
    kinds = [i % 2 == 0 for i in range(workers)]  # training and inference side by side
    sequential = [make_worker(seed, train)() for seed, train in enumerate(kinds)]
    concurrent = run_concurrently([make_worker(seed, train) for seed, train in enumerate(kinds)])
    for alone, together in zip(sequential, concurrent):
        for a, b in zip(alone, together):
            np.testing.assert_array_equal(a, b)


def test_threads_from_a_fresh_interpreter():
    """First imports and compiles happen inside the threads: no half-imported kernel module, no
    aborted process from concurrent parallel launches."""
    script = f"""
import sys
sys.path.insert(0, {str(__file__.rsplit('/', 1)[0])!r})
from test_threads import make_worker, run_concurrently
run_concurrently([make_worker(seed, seed % 2 == 0) for seed in range(4)])
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_set_num_threads_sets_the_count_for_every_thread():
    previous = mg.get_num_threads()
    try:
        mg.set_num_threads(1)
        seen = []
        thread = threading.Thread(target=lambda: seen.append(mg.get_num_threads()))
        thread.start()
        thread.join()
        assert mg.get_num_threads() == 1 and seen == [1]
    finally:
        mg.set_num_threads(previous)


def test_set_num_threads_sets_blas_too():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    previous = mg.get_num_threads()
    try:
        for count in (1, 2):
            mg.set_num_threads(count)
            blas = threadpoolctl.threadpool_info()
            assert all(lib["num_threads"] == count for lib in blas if lib["user_api"] == "blas"), blas
    finally:
        mg.set_num_threads(previous)


@pytest.mark.parametrize("value,message", [
    (0, "set_num_threads expects a positive integer"),
    (-2, "set_num_threads expects a positive integer"),
    (2.5, "set_num_threads expects an int, but got float"),
    (True, "set_num_threads expects an int, but got bool"),
])
def test_set_num_threads_bad_input_as_pytorch(value, message):
    with pytest.raises(RuntimeError, match=message):
        mg.set_num_threads(value)


def test_training_is_bitwise_repeatable_per_thread_count_and_close_across_counts(thread_counts):
    first = None
    for count in thread_counts:
        mg.set_num_threads(count)
        results, again = make_worker(0, True)(), make_worker(0, True)()
        for a, b in zip(results, again):
            np.testing.assert_array_equal(a, b, err_msg=f"two runs differ at {count} threads")
        first = results if first is None else first
        for a, b in zip(results, first):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5, err_msg=f"{count} threads")
