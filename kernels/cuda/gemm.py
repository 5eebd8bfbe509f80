"""Dense matrix products on the GPU: CUDA twin of :mod:`minigrad.kernels.gemm`.

``matmul(a, b)`` is ``a @ b`` (numpy's rules) by the tiled shared-memory kernel of ``matmul.py``
(its docstring states the thread mapping and why it is race-free). The CPU module's only job
beyond ``@``, choosing BLAS's thread count, has no GPU counterpart.
"""
from .matmul import matmul

__all__ = ["matmul"]
