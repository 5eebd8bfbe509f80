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
    """numpy's BLAS: library, version, kernel architecture and thread count (threadpoolctl's view,
    which sees the library actually loaded); numpy's build configuration when threadpoolctl is absent."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config.get('name')} {config.get('version')} (build configuration)"
    libraries = [f"{lib['internal_api']} {lib['version']} ({lib.get('architecture') or '?'} kernels, "
                 f"{lib['num_threads']} threads, {os.path.basename(lib['filepath'])})"
                 for lib in threadpool_info() if lib["user_api"] == "blas"]
    return "; ".join(libraries) or "none loaded"


def _version(name: str) -> str | None:
    module = sys.modules.get(name)
    return getattr(module, "__version__", None) if module else None


def header(threads: dict[str, int], notes: list[str]) -> str:
    """The report's header as markdown bullet lines: machine, threads per framework, versions, BLAS."""
    versions = [f"Python {platform.python_version()}"]
    versions += [f"{name} {version}" for name in ("numpy", "numba", "torch", "minigrad")
                 if (version := _version(name))]
    lines = [f"CPU: {cpu_model()} ({os.cpu_count()} logical cores), SIMD: {' '.join(simd_flags()) or 'unknown'}",
             "threads: " + ", ".join(f"{name} {count}" for name, count in threads.items()),
             "versions: " + ", ".join(versions),
             f"numpy BLAS: {blas()}",
             *notes]
    return "\n".join(f"- {line}" for line in lines)
