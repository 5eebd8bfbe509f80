"""minigrad beside PyTorch: every benchmark row, one process, paired repeats, a table of ratios.

    python benchmarks/run.py                     # every row but the end-to-end epoch
    python benchmarks/run.py --quick             # 3 short repeats per row: a smoke run, noisy
    python benchmarks/run.py --only "conv|relu"  # rows whose label matches (regular expression, any case)
    python benchmarks/run.py --e2e               # adds one epoch of examples/mnist_cnn.py per framework
    python benchmarks/run.py --threads 2 --repeats 9 --markdown results.md

Both frameworks run in this process on the same thread count, weights and inputs; each row
interleaves their samples (minigrad, PyTorch, minigrad, ...) and reports medians, min-max ranges
and the median of the per-round ratios minigrad / PyTorch. Without torch installed, minigrad's
times alone are reported. Progress goes to stderr, the report (header and table) to stdout.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: import the suite as the package ``benchmarks``
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks import layers, machine, train_step  # noqa: E402
from benchmarks.cases import Settings  # noqa: E402
from benchmarks.end_to_end import EndToEnd, mnist_root  # noqa: E402
from benchmarks.frameworks import NAMES, get_threads, load, set_threads  # noqa: E402
from benchmarks.results import Result, Summary, geometric_mean  # noqa: E402
from benchmarks.startup import Startup  # noqa: E402
from benchmarks.table import format_ratio, markdown  # noqa: E402
from benchmarks.timing import SETTLE_SECONDS  # noqa: E402


def all_cases(e2e: bool) -> list:
    """Every row in report order; the end-to-end row only with ``e2e`` and MNIST on disk."""
    cases = [*train_step.cases(), *layers.conv_cases(), *layers.small_op_cases(), Startup(cold=False),
             Startup(cold=True)]
    if e2e:
        root = mnist_root()
        if root is None:
            print("skipping the end-to-end row: MINIGRAD_DATA does not name a folder holding mnist/",
                  file=sys.stderr)
        else:
            cases.append(EndToEnd(root))
    return cases


def with_summaries(results: list[Result]) -> list[Result | Summary]:
    """``results`` with the geometric mean of the Conv2d fwd+bwd ratios after the last of them."""
    summary = geometric_mean(results, layers.CONV_GROUP, "geometric mean of the Conv2d fwd+bwd ratios")
    if summary is None:
        return list(results)
    last = max(i for i, result in enumerate(results) if result.group == layers.CONV_GROUP)
    return [*results[:last + 1], summary, *results[last + 1:]]


def _method(settings: Settings, quick: bool, load_before: float | None) -> list[str]:
    """The header's lines on how this run measured, and how loaded the machine was."""
    notes = [f"each in-process row: warm-up, then {settings.repeats} rounds of one sample per framework "
             f"(minigrad then PyTorch, each after {SETTLE_SECONDS} s idle), each sample >= "
             f"{settings.min_seconds * 1e3:.0f} ms of back-to-back calls; process rows: {settings.slow_repeats} round(s)",
             "times: median (min-max) per call; ratio: minigrad / PyTorch per round, median (min-max)"]
    if load_before is not None:
        notes.append(f"1-minute load average before / after: {load_before:.2f} / {machine.load_average():.2f} "
                     "(this run itself adds up to its thread count; more means other processes competed for the cores)")
    if quick:
        notes.append("--quick: few, short samples: a smoke run, noisier than the default")
    return notes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("--quick", action="store_true",
                        help="3 repeats of >= 10 ms samples, one run per process row (a smoke run)")
    parser.add_argument("--only", metavar="PATTERN", help="run the rows whose label matches this regular expression")
    parser.add_argument("--repeats", type=int, help="paired samples per in-process row (default 7, 3 with --quick)")
    parser.add_argument("--slow-repeats", type=int,
                        help="runs per framework of the process rows: start-up, epoch (default 3, 1 with --quick)")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1),
                        help="threads for both frameworks (default: 2, or fewer cores)")
    parser.add_argument("--frameworks", nargs="+", choices=NAMES, default=list(NAMES),
                        help="which frameworks to time (default: both; PyTorch is skipped when not installed)")
    parser.add_argument("--e2e", action="store_true",
                        help="add one epoch of examples/mnist_cnn.py per framework (slow; needs $MINIGRAD_DATA/mnist)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the report to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> str:
    """Run the selected rows and return the report (also printed, and written with --markdown)."""
    args = parse_args(argv)
    settings = Settings(repeats=args.repeats or (3 if args.quick else 7), min_seconds=0.01 if args.quick else 0.02,
                        slow_repeats=args.slow_repeats or (1 if args.quick else 3), threads=args.threads)
    if args.threads > (os.cpu_count() or 1):  # numba's pool is sized once, to the core count unless told
        os.environ.setdefault("NUMBA_NUM_THREADS", str(args.threads))
    load_before = machine.load_average()
    frameworks = load(args.frameworks)
    set_threads(frameworks, args.threads)
    pattern = re.compile(args.only, re.IGNORECASE) if args.only else None
    cases = [case for case in all_cases(args.e2e) if pattern is None or pattern.search(case.label)]
    results = []
    for number, case in enumerate(cases, 1):
        results.append(case.measure(frameworks, settings))
        print(f"[{number}/{len(cases)}] {case.label}: {format_ratio(results[-1].ratio)}", file=sys.stderr, flush=True)
    report = (machine.header(get_threads(frameworks), _method(settings, args.quick, load_before)) + "\n\n"
              + markdown(with_summaries(results), [fw.name for fw in frameworks]))
    print(report)
    if args.markdown:
        Path(args.markdown).write_text(report + "\n")
    return report


if __name__ == "__main__":
    main()
