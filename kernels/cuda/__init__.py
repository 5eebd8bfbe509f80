"""CUDA twins of minigrad's kernels (numba-cuda), with the names and signatures of the CPU kernels
in ``minigrad.kernels``: ``minigrad._device.kernel_module`` picks this package for CUDA tensors.

``array.py`` is the GPU's array type (``CudaArray``, numpy's protocols over CUDA kernels:
``elementwise.py``, ``reduction.py``, ``scan.py``, ``sort.py``, ``indexing.py``,
``advanced_indexing.py``, ``matmul.py``, ``numpy_api.py``); the other modules twin the CPU kernel of the same name. Every numba-cuda import is in ``_backend.py``."""
