"""``minigrad.set_float32_matmul_precision``: PyTorch's permission to trade float32 matmul precision for speed.

PyTorch may then compute float32 products in TF32 (``'high'``) or bfloat16 (``'medium'``) on
hardware that has them. minigrad's products (BLAS on the CPU, the tiled kernel on CUDA) always
compute in full float32, which every setting allows: the setting is kept for scripts to read back.
``minigrad.backends.cuda.matmul.allow_tf32`` is the same setting seen as a flag, as in PyTorch.
"""
from __future__ import annotations

import warnings

_PRECISIONS = ("highest", "high", "medium")
_precision = "highest"


def set_float32_matmul_precision(precision: str) -> None:
    """``'highest'`` (the default), ``'high'`` or ``'medium'``; another value warns and changes nothing."""
    global _precision
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _precision = precision


def get_float32_matmul_precision() -> str:
    return _precision
