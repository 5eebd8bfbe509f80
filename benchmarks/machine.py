"""What a benchmark ran on: CPU model and SIMD flags, library versions, numpy's BLAS.

Ratios between two frameworks depend on the machine (vector width, core count, BLAS build), so
the report starts with these facts.
"""
from __future__ import annotations

import os
import platform
import re
import sys

import numpy as np

# The vector instruction sets that decide how wide a kernel's loops can run: x86 (SSE4, AVX,
# AVX2, FMA, AVX-512, AMX) and ARM (NEON / ASIMD, SVE).
_SIMD_FLAG = re.compile(r"^(sse4_[12]|avx.*|fma|f16c|amx.*|neon|asimd.*|sve.*)$")


def _cpuinfo() -> dict[str, str]:
    """The first processor's ``key: value`` lines of /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo") as file:
            text = file.read()
    except OSError:
        return {}
    fields = {}
    for line in text.split("\n\n")[0].splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def cpu_model() -> str:
    """The CPU's marketing name, e.g. ``AMD EPYC 7B13``; the platform's description elsewhere."""
    info = _cpuinfo()
    return info.get("model name") or info.get("Model") or platform.processor() or platform.machine()


def simd_flags() -> list[str]:
    """The CPU's SIMD feature flags (x86 ``flags`` / ARM ``Features`` of /proc/cpuinfo)."""
    info = _cpuinfo()
    flags = (info.get("flags") or info.get("Features") or "").split()
    return [flag for flag in flags if _SIMD_FLAG.match(flag)]


def blas() -> str:
    """The BLAS libraries loaded, numpy's among them (others: SciPy's, when something imported it):
    library, version, kernel architecture, threads and file, as threadpoolctl sees them; numpy's
    build configuration when threadpoolctl is absent."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config.get('name')} {config.get('version')} (build configuration)"
    libraries = [f"{lib['internal_api']} {lib['version']} ({lib.get('architecture') or '?'} kernels, "
                 f"{lib['num_threads']} threads, {os.path.basename(lib['filepath'])})"
                 for lib in threadpool_info() if lib["user_api"] == "blas"]
    return "; ".join(libraries) or "none loaded"


def load_average() -> float | None:
    """The 1-minute load average (runnable threads, all processes), where the platform has one.
    Other processes on the cores make the timings, and PyTorch's 2-thread OpenMP ops above all,
    noisy (on a 2-core machine at load 3-4, torch's 256x10 cross-entropy took 1-30 ms instead of
    0.1 ms): the report prints it so a reader can judge a table."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _version(name: str) -> str | None:
    module = sys.modules.get(name)
    return getattr(module, "__version__", None) if module else None


def header(threads: dict[str, int], notes: list[str]) -> str:
    """The report's header as markdown bullet lines: machine, threads per framework, versions, BLAS,
    then ``notes``."""
    versions = [f"Python {platform.python_version()}"]
    versions += [f"{name} {version}" for name in ("numpy", "numba", "torch", "minigrad")
                 if (version := _version(name))]
    lines = [f"CPU: {cpu_model()} ({os.cpu_count()} logical cores), SIMD: {' '.join(simd_flags()) or 'unknown'}",
             "threads: " + ", ".join(f"{name} {count}" for name, count in threads.items()),
             "versions: " + ", ".join(versions),
             f"BLAS loaded: {blas()}",
             *notes]
    return "\n".join(f"- {line}" for line in lines)
