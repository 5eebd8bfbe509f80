"""The hot inner loops compile to packed SIMD instructions (checked in the generated assembly of a
fresh, uncached compilation of each loop). Skipped on processors without AVX2 and FMA."""
import re

import numba
import numpy as np
import pytest

from minigrad.kernels import direct_conv2d, im2col


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return set(next(line for line in cpuinfo if line.startswith("flags")).split(":")[1].split())
    except (OSError, StopIteration):
        return set()


pytestmark = pytest.mark.skipif(not {"avx2", "fma"} <= _cpu_flags(), reason="needs a CPU with AVX2 and FMA")


def assembly(kernel, *args) -> str:
    """The assembly of ``kernel`` compiled afresh (numba shows none for code loaded from its cache)."""
    fresh = numba.njit(**{k: v for k, v in kernel.targetoptions.items() if k in ("fastmath",)})(kernel.py_func)
    fresh(*args)
    return "\n".join(fresh.inspect_asm().values())


def test_direct_convolution_rows_use_packed_fmas():
    row = np.zeros(64, np.float32)
    asm = assembly(direct_conv2d._axpy, row, 0, 1, np.float32(2), row, 0, 1, 64)
    assert re.search(r"vfmadd\w*ps\s+[^\n]*ymm", asm)


@pytest.mark.parametrize("kernel", [im2col.copy_strided, im2col.add_strided])
def test_unfold_copies_use_packed_moves(kernel):
    row = np.zeros(64, np.float32)
    asm = assembly(kernel, row, row, 1)
    assert re.search(r"vmovups\s+[^\n]*ymm", asm)
