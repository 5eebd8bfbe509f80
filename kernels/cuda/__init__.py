"""CUDA twins of minigrad's kernels (numba-cuda), with the names and signatures of the CPU kernels
in ``minigrad.kernels``; ``minigrad._device.kernel_module`` picks this package for CUDA tensors.
Every CUDA import goes through ``minigrad._cuda_backend``."""
