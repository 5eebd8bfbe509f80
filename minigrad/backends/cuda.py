"""``minigrad.backends.cuda``: PyTorch's CUDA flags; ``matmul.allow_tf32`` is the float32 matmul precision.

``matmul.allow_tf32 = True`` is ``minigrad.set_float32_matmul_precision('high')`` and False is
``'highest'``, as in PyTorch; minigrad's CUDA products compute in full float32 either way
(minigrad/_matmul_precision.py). The reduced-precision reduction flags are kept for scripts:
minigrad's float16 products accumulate in float32 always.
"""
from __future__ import annotations

import importlib.util

from .. import _matmul_precision


class _MatmulFlags:
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        return _matmul_precision.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        _matmul_precision.set_float32_matmul_precision("high" if value else "highest")


matmul = _MatmulFlags()


def is_built() -> bool:
    """Whether minigrad can run on CUDA here: numba-cuda (the ``cuda`` extra) is installed."""
    return importlib.util.find_spec("numba_cuda") is not None
