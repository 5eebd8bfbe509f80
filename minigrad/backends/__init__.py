"""``minigrad.backends``: PyTorch's switches for the libraries beneath it, for the scripts that set them.

minigrad runs its own kernels (Numba on the CPU, numba-cuda on the GPU), not cuDNN, cuBLAS or
Metal: ``cudnn`` and ``cuda.matmul`` hold PyTorch's flags, which scripts set (``cudnn.benchmark =
True``) and minigrad's kernels have no use for; ``mps`` says Apple's GPUs are not supported.
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
