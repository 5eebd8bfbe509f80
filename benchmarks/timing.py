"""Timing: warm-up, inner-loop calibration, paired repeats of two frameworks, child processes.

A sample is the mean time of ``iterations`` back-to-back calls, with ``iterations`` chosen so a
sample lasts at least ``min_seconds`` (the clock's resolution and one-off stalls then matter
little). Repeats are paired: minigrad's sample, PyTorch's sample, minigrad's, ... so background
load on a shared machine slows both sides of a pair alike, and each pair gives one ratio.
"""
from __future__ import annotations

import gc
import subprocess
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
WARMUP_CALLS = 2  # the first call compiles (numba) or loads kernels; the second fills caches
# Idle time before each sample. After a GEMM, OpenBLAS's worker threads keep spinning for about
# 0.1 s (its THREAD_TIMEOUT, 2**28 cycles) and PyTorch's OpenMP workers spin after each parallel
# region: without a pause, one framework's spinning threads take the cores from the other's next
# sample (measured: a 2-thread torch.relu on 64x64x14x14 ran 5-10x slower right after a numpy
# GEMM, at its normal speed 0.1-0.15 s later).
SETTLE_SECONDS = 0.15


def seconds_per_call(fn: Callable[[], object], iterations: int) -> float:
    """Mean seconds of one ``fn()`` over ``iterations`` calls, with the cyclic garbage collector
    paused (as ``timeit`` does) so that one sample does not pay for another's garbage."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        return (time.perf_counter() - start) / iterations
    finally:
        gc.enable()


def calibrate(fn: Callable[[], object], min_seconds: float) -> int:
    """The number of calls that lasts at least ``min_seconds``, after the warm-up calls."""
    for _ in range(WARMUP_CALLS):
        fn()
    iterations = 1
    while (elapsed := seconds_per_call(fn, iterations) * iterations) < min_seconds:
        # Aim 20% past the target from the last measurement; at least double, so it ends quickly.
        iterations = max(2 * iterations, int(iterations * 1.2 * min_seconds / max(elapsed, 1e-9)))
    return iterations


def sampler(fn: Callable[[], object], min_seconds: float) -> Callable[[], float]:
    """A function that takes one sample of ``fn`` (seconds per call); warms up and calibrates now."""
    iterations = calibrate(fn, min_seconds)
    return lambda: seconds_per_call(fn, iterations)


def paired(samplers: dict[str, Callable[[], float]], repeats: int) -> dict[str, list[float]]:
    """``repeats`` rounds of one sample per framework, in a fixed order within each round, each
    after ``SETTLE_SECONDS`` of idling; sample ``i`` of every framework comes from round ``i``."""
    samples = {name: [] for name in samplers}
    for _ in range(repeats):
        for name, sample in samplers.items():
            time.sleep(SETTLE_SECONDS)
            samples[name].append(sample())
    return samples


def process_seconds(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall-clock seconds of a child process from its start to its exit, and its standard output;
    it runs in the repository root (so ``python -m benchmarks.<module>`` finds the suite)."""
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return seconds, completed.stdout
