"""Numba kernels: pure functions over numpy arrays (installed as ``minigrad.kernels``)."""
