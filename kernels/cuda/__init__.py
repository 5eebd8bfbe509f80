"""CUDA twins of minigrad's kernels (numba-cuda), with the names and signatures of the CPU kernels
in ``minigrad.kernels``: ``minigrad._device.kernel_module`` picks this package for CUDA tensors.
None is written yet; an op on CUDA tensors raises NotImplementedError until its Function declares
``runs_on_cuda``."""
