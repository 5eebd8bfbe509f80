"""Dense matrix products on the GPU: CUDA twin of :mod:`minigrad.kernels.gemm`.

``matmul(a, b)`` is ``np.matmul(a, b)``, which on CudaArrays runs the tiled shared-memory kernel of
``matmul.py`` (its docstring states the thread mapping and why it is race-free). Going through
numpy's protocol rather than calling that kernel lets a recorded operand (create_graph's
RecordingArray) take the product over, as on the CPU. The CPU module's only job beyond ``@``,
choosing BLAS's thread count, has no GPU counterpart.
"""
import numpy as np


def matmul(a, b):
    """``a @ b`` for arrays of at least 2 dimensions (numpy's broadcasting of batch dims)."""
    return np.matmul(a, b)
